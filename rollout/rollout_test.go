package rollout_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/localfctest"
	"github.com/fcdeploy/fcdeploy/rollout"
)

const (
	service  = "shop"
	alias    = "live"
	userDesc = "live traffic [checkout]"
)

// fixture is a local Function Compute holding service shop with versions
// 1 and 2 and alias live on version 1.
type fixture struct {
	t   *testing.T
	api fixtureAPI
	// sleeps records every wait the engine asked for.
	mu     sync.Mutex
	sleeps []time.Duration
	events []rollout.Event
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	t.Parallel()
	inst := localfctest.Start(t)
	f := &fixture{t: t, api: connect(t, inst)}
	f.publishTwoVersions()
	return f
}

// options injects a Sleep that returns at once (or runs hook, which can
// play "someone else") and records events.
func (f *fixture) options(hook func(ctx context.Context, call int) error) rollout.Options {
	return rollout.Options{
		Sleep: func(ctx context.Context, d time.Duration) error {
			f.mu.Lock()
			f.sleeps = append(f.sleeps, d)
			n := len(f.sleeps)
			f.mu.Unlock()
			if hook != nil {
				return hook(ctx, n)
			}
			return ctx.Err()
		},
		Now: func() time.Time { return time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC) },
		OnEvent: func(e rollout.Event) {
			f.mu.Lock()
			f.events = append(f.events, e)
			f.mu.Unlock()
		},
	}
}

func (f *fixture) alias() *fc.Alias {
	f.t.Helper()
	al, err := f.api.GetAlias(context.Background(), service, alias)
	require.NoError(f.t, err)
	return al
}

// assertOn checks that the alias serves version alone, with the user's
// description and no marker.
func (f *fixture) assertOn(version string) {
	f.t.Helper()
	al := f.alias()
	assert.Equal(f.t, version, al.VersionID, "main version")
	assert.Empty(f.t, nonZero(al.AdditionalVersionWeight), "additional weights")
	assert.Equal(f.t, userDesc, al.Description, "description")
}

// someoneElse changes the alias the way another tool would: unguarded.
func (f *fixture) someoneElse(ctx context.Context, desc string) error {
	_, err := f.api.UpdateAlias(ctx, service, alias, fc.AliasInput{Description: &desc}, "")
	return err
}

func (f *fixture) kinds() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, e := range f.events {
		s := string(e.Kind)
		if e.Step > 0 {
			s += fmt.Sprintf(" %d/%d %d%%", e.Step, e.Steps, e.Percent)
		}
		out = append(out, s)
	}
	return out
}

func nonZero(w map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for k, v := range w {
		if v != 0 {
			out[k] = v
		}
	}
	return out
}

func spec(check func(context.Context, rollout.Step) error) rollout.Spec {
	return rollout.Spec{Service: service, Alias: alias, ToVersion: "2", Interval: 5 * time.Minute, Check: check}
}

func TestAFullRolloutEndsOnTheNewVersionWithNoWeights(t *testing.T) {
	f := newFixture(t)
	var seen []string
	check := func(ctx context.Context, s rollout.Step) error {
		// The check judges the split actually live on the alias.
		al := f.alias()
		seen = append(seen, fmt.Sprintf("step %d/%d %d%%: main %s extra %v", s.Index, s.Count, s.Percent, al.VersionID, nonZero(al.AdditionalVersionWeight)))
		assert.Contains(t, al.Description, "[fcdeploy-rollout from=1 to=2 step="+fmt.Sprint(s.Index)+"/3")
		return nil
	}
	res, err := rollout.Run(context.Background(), f.api, spec(check), f.options(nil))
	require.NoError(t, err)

	assert.Equal(t, []string{
		"step 1/3 10%: main 1 extra map[2:0.1]",
		"step 2/3 50%: main 1 extra map[2:0.5]",
		"step 3/3 100%: main 2 extra map[]",
	}, seen)
	f.assertOn("2")
	assert.Equal(t, "1", res.From)
	assert.Equal(t, "2", res.To)
	assert.Equal(t, "2", res.Final.VersionID)
	assert.Equal(t, []time.Duration{5 * time.Minute, 5 * time.Minute, 5 * time.Minute}, f.sleeps)
	assert.Equal(t, []string{
		"step-started 1/3 10%", "weight-set 1/3 10%", "waiting 1/3 10%", "check-passed 1/3 10%",
		"step-started 2/3 50%", "weight-set 2/3 50%", "waiting 2/3 50%", "check-passed 2/3 50%",
		"step-started 3/3 100%", "weight-set 3/3 100%", "waiting 3/3 100%", "check-passed 3/3 100%",
		"done 3/3 100%",
	}, f.kinds())
}

func TestCustomStepsAreFollowed(t *testing.T) {
	f := newFixture(t)
	var pcts []int
	s := spec(func(_ context.Context, s rollout.Step) error { pcts = append(pcts, s.Percent); return nil })
	s.Steps = []int{1, 20, 100}
	_, err := rollout.Run(context.Background(), f.api, s, f.options(nil))
	require.NoError(t, err)
	assert.Equal(t, []int{1, 20, 100}, pcts)
	f.assertOn("2")
}

func TestACheckFailingAtTheSecondStepEndsOnTheOldVersion(t *testing.T) {
	f := newFixture(t)
	check := func(_ context.Context, s rollout.Step) error {
		if s.Index == 2 {
			return errors.New("check `curl -f https://shop/health` exited with status 22")
		}
		return nil
	}
	_, err := rollout.Run(context.Background(), f.api, spec(check), f.options(nil))

	require.ErrorIs(t, err, rollout.ErrCheckFailed)
	var abort *rollout.AbortError
	require.ErrorAs(t, err, &abort)
	assert.Equal(t, 2, abort.Step)
	assert.NoError(t, abort.RollbackErr)
	assert.EqualError(t, err, "alias shop/live: rollout to version 2 stopped at step 2/3 (50%): check failed: "+
		"check `curl -f https://shop/health` exited with status 22; rolled back to version 1")
	f.assertOn("1")
	assert.Equal(t, []string{"check-failed 2/3 50%", "rolled-back 2/3 0%"}, f.kinds()[len(f.kinds())-2:])
}

func TestACheckFailingAtTheLastStepStillRollsBack(t *testing.T) {
	f := newFixture(t)
	check := func(_ context.Context, s rollout.Step) error {
		if s.Percent == 100 {
			return errors.New("error rate 7%")
		}
		return nil
	}
	_, err := rollout.Run(context.Background(), f.api, spec(check), f.options(nil))
	require.ErrorIs(t, err, rollout.ErrCheckFailed)
	assert.ErrorContains(t, err, "step 3/3 (100%)")
	f.assertOn("1")
}

func TestAKilledRolloutIsResumedAndFinishes(t *testing.T) {
	f := newFixture(t)
	ctx, kill := context.WithCancel(context.Background())
	defer kill()
	first := func(ctx context.Context, s rollout.Step) error {
		if s.Index == 2 {
			kill() // the process dies while step 2 is being checked
			return ctx.Err()
		}
		return nil
	}
	_, err := rollout.Run(ctx, f.api, spec(first), f.options(nil))
	require.ErrorIs(t, err, context.Canceled)
	assert.ErrorContains(t, err, "interrupted at step 2/3 (50%)")
	assert.ErrorContains(t, err, "--resume")

	// Nothing was rolled back: the alias still splits traffic and records
	// where the rollout was.
	al := f.alias()
	assert.Equal(t, "1", al.VersionID)
	assert.Equal(t, map[string]float64{"2": 0.5}, nonZero(al.AdditionalVersionWeight))
	assert.Equal(t, userDesc+" [fcdeploy-rollout from=1 to=2 step=2/3 steps=10,50,100 started=2026-11-27T01:00:00Z]", al.Description)

	var resumed []int
	judged := map[int]string{} // what each check saw: version and split
	second := func(_ context.Context, s rollout.Step) error {
		resumed = append(resumed, s.Index)
		al := f.alias()
		judged[s.Index] = fmt.Sprint(al.VersionID, " ", nonZero(al.AdditionalVersionWeight))
		return nil
	}
	s := spec(second)
	s.Resume = true
	res, err := rollout.Run(context.Background(), f.api, s, f.options(nil))
	require.NoError(t, err)
	assert.True(t, res.Resumed)
	// Step 2 was never judged healthy, so it is checked again, on the
	// split it had; step 3 is set before it is judged.
	assert.Equal(t, []int{2, 3}, resumed)
	assert.Equal(t, map[int]string{2: "1 map[2:0.5]", 3: "2 map[]"}, judged)
	f.assertOn("2")
}

func TestAResumeMayLeaveOutTheVersionAndTakesTheMarkers(t *testing.T) {
	f := newFixture(t)
	ctx, kill := context.WithCancel(context.Background())
	_, err := rollout.Run(ctx, f.api, spec(nil), f.options(func(ctx context.Context, call int) error {
		kill()
		return ctx.Err()
	}))
	require.ErrorIs(t, err, context.Canceled)

	_, err = rollout.Run(context.Background(), f.api, rollout.Spec{Service: service, Alias: alias, Resume: true}, f.options(nil))
	require.NoError(t, err)
	f.assertOn("2")
}

func TestRollbackOfAnInterruptedRolloutRestoresTheOldVersion(t *testing.T) {
	f := newFixture(t)
	ctx, kill := context.WithCancel(context.Background())
	_, err := rollout.Run(ctx, f.api, spec(func(ctx context.Context, s rollout.Step) error {
		if s.Index == 2 {
			kill()
			return ctx.Err()
		}
		return nil
	}), f.options(nil))
	require.ErrorIs(t, err, context.Canceled)

	res, err := rollout.Rollback(context.Background(), f.api, service, alias, f.options(nil))
	require.NoError(t, err)
	assert.Equal(t, "1", res.From)
	f.assertOn("1")

	// A second rollback finds nothing to undo.
	_, err = rollout.Rollback(context.Background(), f.api, service, alias, f.options(nil))
	require.ErrorIs(t, err, rollout.ErrNoRollout)
	assert.ErrorContains(t, err, "alias shop/live: no rollout in progress")
}

func TestRollbackOfAnInterruptedLastStepRestoresTheOldVersion(t *testing.T) {
	f := newFixture(t)
	ctx, kill := context.WithCancel(context.Background())
	_, err := rollout.Run(ctx, f.api, spec(func(ctx context.Context, s rollout.Step) error {
		if s.Percent == 100 {
			kill()
			return ctx.Err()
		}
		return nil
	}), f.options(nil))
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, "2", f.alias().VersionID, "the last step had moved the alias")

	_, err = rollout.Rollback(context.Background(), f.api, service, alias, f.options(nil))
	require.NoError(t, err)
	f.assertOn("1")
}

func TestAChangeBySomeoneElseDuringTheWaitIsDetectedAndRolledBack(t *testing.T) {
	f := newFixture(t)
	checked := 0
	_, err := rollout.Run(context.Background(), f.api, spec(func(context.Context, rollout.Step) error { checked++; return nil }),
		f.options(func(ctx context.Context, call int) error {
			if call == 2 {
				return f.someoneElse(ctx, "hand edit")
			}
			return nil
		}))
	require.ErrorIs(t, err, rollout.ErrConcurrentChange)
	assert.ErrorContains(t, err, "step 2/3 (50%)")
	assert.ErrorContains(t, err, `description "hand edit"`, "the error says what the other change was")
	assert.Equal(t, 1, checked, "the check never judges someone else's state")
	f.assertOn("1")
}

func TestAChangeBySomeoneElseDuringACheckFailsTheNextWriteWith412AndIsRolledBack(t *testing.T) {
	f := newFixture(t)
	_, err := rollout.Run(context.Background(), f.api, spec(func(ctx context.Context, s rollout.Step) error {
		if s.Index == 1 {
			return f.someoneElse(ctx, "hand edit")
		}
		return nil
	}), f.options(nil))
	require.ErrorIs(t, err, rollout.ErrConcurrentChange)
	assert.True(t, fc.IsPreconditionFailed(err), "the guard was the 412: %v", err)
	assert.ErrorContains(t, err, "step 2/3")
	f.assertOn("1")
	assert.Contains(t, f.kinds(), "conflict 2/3 50%")
}

func TestRolloutsThatCannotStartChangeNothing(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(f *fixture)
		spec  func(s *rollout.Spec)
		want  string
		is    error
	}{
		{name: "a version that does not exist is refused", spec: func(s *rollout.Spec) { s.ToVersion = "9" },
			want: "alias shop/live: version 9 of service shop does not exist; publish it first"},
		{name: "the version the alias already serves is refused", spec: func(s *rollout.Spec) { s.ToVersion = "1" },
			want: "alias shop/live: already serves version 1; nothing to roll out"},
		{name: "steps not ending at 100 are refused", spec: func(s *rollout.Spec) { s.Steps = []int{10, 50} },
			want: "the last step must be 100"},
		{name: "no version at all is refused", spec: func(s *rollout.Spec) { s.ToVersion = "" },
			want: "no version to roll out to"},
		{name: "an alias in a rollout is refused, naming the marker",
			setup: func(f *fixture) {
				f.setDescription(userDesc + " [fcdeploy-rollout from=1 to=2 step=1/3 steps=10,50,100 started=2026-11-27T00:00:00Z]")
			},
			want: "a rollout is already in progress ([fcdeploy-rollout from=1 to=2 step=1/3 steps=10,50,100 started=2026-11-27T00:00:00Z]); continue it with --resume",
			is:   rollout.ErrInProgress},
		{name: "an alias that already splits traffic is refused",
			setup: func(f *fixture) { f.setWeights(map[string]float64{"2": 0.3}) },
			want:  "already splits traffic (30% to version 2)"},
		{name: "a description too long for the marker is refused",
			setup: func(f *fixture) { f.setDescription(strings.Repeat("d", 200)) },
			want:  "more than the 256 allowed; shorten the description first"},
		{name: "a resume without a marker is refused", spec: func(s *rollout.Spec) { s.Resume = true },
			want: "alias shop/live: no rollout in progress to resume", is: rollout.ErrNoRollout},
		{name: "a resume to another version is refused",
			setup: func(f *fixture) {
				f.setDescription(userDesc + " [fcdeploy-rollout from=2 to=1 step=3/3 steps=10,50,100 started=2026-11-27T00:00:00Z]")
			},
			spec: func(s *rollout.Spec) { s.Resume = true },
			want: "the rollout in progress goes to version 1, not 2"},
		{name: "a resume with other steps is refused",
			setup: func(f *fixture) {
				f.setDescription(userDesc + " [fcdeploy-rollout from=2 to=1 step=3/3 steps=10,50,100 started=2026-11-27T00:00:00Z]")
			},
			spec: func(s *rollout.Spec) { s.Resume = true; s.ToVersion = ""; s.Steps = []int{100} },
			want: "the rollout in progress has steps 10,50,100, not 100"},
		{name: "a resume of an alias someone moved is refused",
			setup: func(f *fixture) {
				// The marker says 50% on version 2, but the alias sends none.
				f.setDescription(userDesc + " [fcdeploy-rollout from=1 to=2 step=2/3 steps=10,50,100 started=2026-11-27T00:00:00Z]")
			},
			spec: func(s *rollout.Spec) { s.Resume = true },
			want: "the marker says step 2/3", is: rollout.ErrConcurrentChange},
		{name: "a malformed marker is refused",
			setup: func(f *fixture) { f.setDescription("x [fcdeploy-rollout from=1]") },
			want:  "malformed fcdeploy-rollout marker", is: rollout.ErrMalformedMarker},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			if tc.setup != nil {
				tc.setup(f)
			}
			before := f.alias()
			s := spec(func(context.Context, rollout.Step) error { t.Error("no check may run"); return nil })
			if tc.spec != nil {
				tc.spec(&s)
			}
			_, err := rollout.Run(context.Background(), f.api, s, f.options(nil))
			require.Error(t, err)
			assert.ErrorContains(t, err, tc.want)
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is)
			}
			assert.Equal(t, before.ETag, f.alias().ETag, "the alias was not written")
			assert.Empty(t, f.sleeps)
		})
	}
}

func (f *fixture) setDescription(d string) {
	f.t.Helper()
	_, err := f.api.UpdateAlias(context.Background(), service, alias, fc.AliasInput{Description: &d}, "")
	require.NoError(f.t, err)
}

func (f *fixture) setWeights(w map[string]float64) {
	f.t.Helper()
	_, err := f.api.UpdateAlias(context.Background(), service, alias, fc.AliasInput{AdditionalVersionWeight: w}, "")
	require.NoError(f.t, err)
}

// interfering is an API whose UpdateAlias first lets before run, to stage
// races and failures at an exact write.
type interfering struct {
	rollout.API
	writes int
	before func(ctx context.Context, write int, in fc.AliasInput) error
}

func (a *interfering) UpdateAlias(ctx context.Context, service, alias string, in fc.AliasInput, ifMatch string) (*fc.Alias, error) {
	a.writes++
	if err := a.before(ctx, a.writes, in); err != nil {
		return nil, err
	}
	return a.API.UpdateAlias(ctx, service, alias, in, ifMatch)
}

func TestARollbackWinsAgainstAWriteThatRacesIt(t *testing.T) {
	f := newFixture(t)
	ctx, kill := context.WithCancel(context.Background())
	_, err := rollout.Run(ctx, f.api, spec(nil), f.options(func(ctx context.Context, _ int) error { kill(); return ctx.Err() }))
	require.ErrorIs(t, err, context.Canceled)

	racing := &interfering{API: f.api, before: func(ctx context.Context, write int, _ fc.AliasInput) error {
		if write == 1 {
			// Between the rollback's read and its write, someone writes.
			return f.someoneElse(ctx, f.alias().Description)
		}
		return nil
	}}
	_, err = rollout.Rollback(context.Background(), racing, service, alias, f.options(nil))
	require.NoError(t, err)
	assert.Equal(t, 2, racing.writes, "the 412 was followed by a fresh read and a second write")
	f.assertOn("1")
}

func TestARollbackThatFailsSaysSoAndWhatToRun(t *testing.T) {
	f := newFixture(t)
	broken := &interfering{API: f.api, before: func(_ context.Context, write int, in fc.AliasInput) error {
		if write > 1 {
			return &fc.APIError{HTTPStatus: 500, Code: fc.CodeInternalServerError, Message: "disk on fire"}
		}
		return nil
	}}
	_, err := rollout.Run(context.Background(), broken, spec(func(context.Context, rollout.Step) error {
		return errors.New("unhealthy")
	}), f.options(nil))

	var abort *rollout.AbortError
	require.ErrorAs(t, err, &abort)
	assert.ErrorIs(t, err, rollout.ErrCheckFailed)
	assert.Error(t, abort.RollbackErr)
	assert.ErrorContains(t, err, "rolling back to version 1 FAILED")
	assert.ErrorContains(t, err, "run `fcdeploy rollback shop/live`")
	assert.Contains(t, f.kinds(), "rollback-failed 1/3 10%")
	// The marker is still there for that rollback to find.
	_, err = rollout.Rollback(context.Background(), f.api, service, alias, f.options(nil))
	require.NoError(t, err)
	f.assertOn("1")
}
