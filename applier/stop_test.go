package applier

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAStoppedApplyFinishesTheStepsInFlightAndStartsNoOther(t *testing.T) {
	t.Parallel()
	api := newStoreAPI(t)
	p := shopProject(t)
	plan := planFor(t, api, p, false)

	stop := make(chan struct{})
	inFlight := make(chan struct{})
	var once sync.Once
	api.hook = func(op string) {
		if op == "CreateFunction shop/checkout" {
			// The step is in flight: stop the apply, then let it finish.
			once.Do(func() { close(inFlight) })
			<-stop
		}
	}
	go func() {
		<-inFlight
		close(stop)
	}()
	var mu sync.Mutex
	startedAfterStop := []string{}
	res, err := Apply(context.Background(), api, plan, Options{Code: p.provider(), Stop: stop, OnEvent: func(e Event) {
		mu.Lock()
		defer mu.Unlock()
		select {
		case <-stop:
			if e.Phase == PhaseStart {
				startedAfterStop = append(startedAfterStop, e.Address)
			}
		default:
		}
	}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "apply: interrupted: stopped before every step started")
	assert.True(t, res.Interrupted)
	assert.Empty(t, startedAfterStop, "no step starts once stopped")

	actions := stepActions(res)
	assert.Equal(t, Created, actions["function.shop/checkout"], "the step in flight finished")
	assert.Equal(t, Skipped, actions["version.shop"], "the publish after it never started")
	for _, s := range res.Steps {
		if s.Action == Skipped {
			assert.Contains(t, s.Err.Error(), "not started", s.Address)
		}
		assert.NotEqual(t, Failed, s.Action, "a drain fails nothing: %s", s.Address)
	}
	assert.Positive(t, res.Summary.Skipped)

	// Planned again, the rest is applied.
	api.hook = nil
	res, err = Apply(context.Background(), api, planFor(t, api, p, false), Options{Code: p.provider()})
	require.NoError(t, err)
	assert.False(t, res.Interrupted)
	assert.False(t, planFor(t, api, p, false).HasChanges())
}

func TestCancellingTheContextAbortsTheStepsInFlight(t *testing.T) {
	t.Parallel()
	api := newStoreAPI(t)
	p := shopProject(t)
	plan := planFor(t, api, p, false)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	api.hook = func(op string) {
		if strings.HasPrefix(op, "CreateService") {
			cancel() // the second interrupt: the write in flight is abandoned
		}
	}
	res, err := Apply(ctx, api, plan, Options{Code: p.provider(), Stop: make(chan struct{})})
	require.Error(t, err)
	assert.True(t, res.Interrupted)
	assert.Contains(t, err.Error(), "context canceled")
	assert.Zero(t, res.Summary.Created)
}
