package rollout_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/rollout"
)

func TestARolloutStoppedDuringAWaitKeepsItsStepAndSaysWhereTrafficStands(t *testing.T) {
	f := newFixture(t)
	stop := make(chan struct{})
	opt := f.options(func(ctx context.Context, call int) error {
		if call == 2 {
			close(stop) // the interrupt arrives while step 2 waits
			<-ctx.Done()
		}
		return ctx.Err()
	})
	opt.Stop = stop
	_, err := rollout.Run(context.Background(), f.api, spec(nil), opt)
	require.ErrorIs(t, err, rollout.ErrStopped)
	assert.ErrorContains(t, err, "interrupted at step 2/3 (50%)")
	assert.ErrorContains(t, err, "50% of the traffic goes to version 2, 50% to version 1")
	assert.ErrorContains(t, err, "`fcdeploy rollout shop/live --resume`")
	assert.ErrorContains(t, err, "`fcdeploy rollback shop/live`")

	al := f.alias()
	assert.Equal(t, "1", al.VersionID)
	assert.Equal(t, map[string]float64{"2": 0.5}, nonZero(al.AdditionalVersionWeight), "nothing rolled back, nothing moved on")

	s := spec(nil)
	s.Resume = true
	_, err = rollout.Run(context.Background(), f.api, s, f.options(nil))
	require.NoError(t, err)
	f.assertOn("2")
}

func TestARolloutStoppedDuringACheckLetsItFinishAndStartsNoOtherStep(t *testing.T) {
	f := newFixture(t)
	stop := make(chan struct{})
	var checked []int
	check := func(_ context.Context, s rollout.Step) error {
		checked = append(checked, s.Index)
		if s.Index == 1 {
			close(stop)
		}
		return nil
	}
	opt := f.options(nil)
	opt.Stop = stop
	_, err := rollout.Run(context.Background(), f.api, spec(check), opt)
	require.ErrorIs(t, err, rollout.ErrStopped)
	assert.Equal(t, []int{1}, checked)
	assert.ErrorContains(t, err, "interrupted at step 1/3 (10%)")
	assert.Equal(t, map[string]float64{"2": 0.1}, nonZero(f.alias().AdditionalVersionWeight))

	// Resumed and stopped again before anything: it says the same step.
	s := spec(nil)
	s.Resume = true
	closed := make(chan struct{})
	close(closed)
	opt = f.options(nil)
	opt.Stop = closed
	_, err = rollout.Run(context.Background(), f.api, s, opt)
	assert.ErrorContains(t, err, "interrupted at step 1/3 (10%)")
}

func TestARolloutStoppedBeforeItsFirstStepChangesNothing(t *testing.T) {
	f := newFixture(t)
	closed := make(chan struct{})
	close(closed)
	opt := f.options(nil)
	opt.Stop = closed
	_, err := rollout.Run(context.Background(), f.api, spec(nil), opt)
	require.ErrorIs(t, err, rollout.ErrStopped)
	assert.ErrorContains(t, err, "the alias is unchanged, all traffic on version 1")
	f.assertOn("1")
}
