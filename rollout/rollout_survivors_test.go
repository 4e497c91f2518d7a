package rollout_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/rollout"
)

// answering is an API whose UpdateAlias answers, after the server stored
// the write, with an alias that alter changed: a server or proxy that
// drops or rewrites a field.
type answering struct {
	rollout.API
	writes int
	alter  func(write int, al *fc.Alias)
}

func (a *answering) UpdateAlias(ctx context.Context, service, alias string, in fc.AliasInput, ifMatch string) (*fc.Alias, error) {
	al, err := a.API.UpdateAlias(ctx, service, alias, in, ifMatch)
	a.writes++
	if err == nil {
		a.alter(a.writes, al)
	}
	return al, err
}

const marker1of3 = "live traffic [checkout] [fcdeploy-rollout from=1 to=2 step=1/3 steps=10,50,100 started=2026-11-27T01:00:00Z]"

func TestADescriptionThatReachesTheLimitExactlyWithTheMarkerMayRollOut(t *testing.T) {
	f := newFixture(t)
	longest := rollout.Marker{From: "1", To: "2", Step: 3, Steps: rollout.DefaultSteps, Started: time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)}
	user := strings.Repeat("x", fc.MaxDescriptionLength-len(" "+longest.String()))
	require.Len(t, rollout.FormatDescription(user, longest), fc.MaxDescriptionLength)
	f.setDescription(user)

	_, err := rollout.Run(context.Background(), f.api, spec(nil), f.options(nil))
	require.NoError(t, err)
	assert.Equal(t, user, f.alias().Description)
	assert.Equal(t, "2", f.alias().VersionID)
}

func TestAStepWhoseWeightIsReadBackDifferentlyIsRolledBackAndBothAreDescribed(t *testing.T) {
	f := newFixture(t)
	api := &answering{API: f.api, alter: func(write int, al *fc.Alias) {
		if write == 1 {
			al.AdditionalVersionWeight = map[string]float64{"2": 0.5}
		}
	}}
	_, err := rollout.Run(context.Background(), api, spec(nil), f.options(nil))
	require.ErrorIs(t, err, rollout.ErrConcurrentChange)
	assert.EqualError(t, err, `alias shop/live: rollout to version 2 stopped at step 1/3 (10%): the alias was changed by someone else: `+
		`the alias read back points at version 1 with 50% to version 2, description "`+marker1of3+`", `+
		`not points at version 1 with 10% to version 2, description "`+marker1of3+`"; rolled back to version 1`)
	f.assertOn("1")
}

func TestTheLastWriteReadBackOnAnotherVersionOrDescriptionIsRolledBack(t *testing.T) {
	for _, tc := range []struct {
		name  string
		alter func(al *fc.Alias)
		back  string
	}{
		{"on the old version", func(al *fc.Alias) { al.VersionID = "1" }, `points at version 1, description "live traffic [checkout]"`},
		{"with another description", func(al *fc.Alias) { al.Description = "hand edit" }, `points at version 2, description "hand edit"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			api := &answering{API: f.api, alter: func(write int, al *fc.Alias) {
				if write == 2 { // after the one step, the write that drops the marker
					tc.alter(al)
				}
			}}
			s := spec(nil)
			s.Steps = []int{100}
			_, err := rollout.Run(context.Background(), api, s, f.options(nil))
			require.ErrorIs(t, err, rollout.ErrConcurrentChange)
			assert.EqualError(t, err, `alias shop/live: rollout to version 2 stopped at step 1/1 (100%): the alias was changed by someone else: `+
				`the alias read back `+tc.back+`, not points at version 2, description "live traffic [checkout]"; rolled back to version 1`)
			f.assertOn("1")
		})
	}
}

func TestARollbackReadBackWithTrafficStillOnTheNewVersionFails(t *testing.T) {
	f := newFixture(t)
	ctx, kill := context.WithCancel(context.Background())
	_, err := rollout.Run(ctx, f.api, spec(nil), f.options(func(ctx context.Context, _ int) error { kill(); return ctx.Err() }))
	require.ErrorIs(t, err, context.Canceled)

	api := &answering{API: f.api, alter: func(_ int, al *fc.Alias) {
		al.AdditionalVersionWeight = map[string]float64{"2": 0.1}
	}}
	_, err = rollout.Rollback(context.Background(), api, service, alias, f.options(nil))
	assert.EqualError(t, err, `alias shop/live: rolling back to version 1: the alias read back points at version 1 with 10% to version 2, description "live traffic [checkout]" after the rollback`)
}

func TestAWaitThatEndsAsTheStopArrivesStillJudgesItsStep(t *testing.T) {
	f := newFixture(t)
	stop := make(chan struct{})
	opt := f.options(func(ctx context.Context, call int) error {
		if call == 1 {
			close(stop) // the interval is over: the wait ends without error
		}
		return nil
	})
	opt.Stop = stop
	s := spec(nil)
	s.Steps = []int{50, 100}
	_, err := rollout.Run(context.Background(), f.api, s, opt)
	require.ErrorIs(t, err, rollout.ErrStopped)
	assert.EqualError(t, err, "alias shop/live: rollout to version 2 interrupted at step 1/2 (50%): stopped by an interrupt; "+
		"50% of the traffic goes to version 2, 50% to version 1; the alias records its progress: "+
		"continue with `fcdeploy rollout shop/live --resume`, or undo with `fcdeploy rollback shop/live`")
	assert.Equal(t, []string{"step-started 1/2 50%", "weight-set 1/2 50%", "waiting 1/2 50%", "check-passed 1/2 50%", "interrupted 1/2 50%"}, f.kinds())
}

func TestAWaitThatFailsOnItsOwnIsAnInterruptionNamingItsError(t *testing.T) {
	f := newFixture(t)
	opt := f.options(func(ctx context.Context, call int) error { return errors.New("the clock broke") })
	_, err := rollout.Run(context.Background(), f.api, spec(nil), opt)
	assert.EqualError(t, err, "alias shop/live: rollout to version 2 interrupted at step 1/3 (10%): the clock broke; "+
		"10% of the traffic goes to version 2, 90% to version 1; the alias records its progress: "+
		"continue with `fcdeploy rollout shop/live --resume`, or undo with `fcdeploy rollback shop/live`")
	assert.False(t, errors.Is(err, rollout.ErrStopped))
}
