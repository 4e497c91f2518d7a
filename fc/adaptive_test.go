package fc

import (
	"context"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTheLimiterHalvesOncePerRoundAndGrowsBackByOnePerRound(t *testing.T) {
	l := newLimiter(8)
	ctx := context.Background()
	var epochs []uint64
	for range 8 {
		e, err := l.acquire(ctx)
		require.NoError(t, err)
		epochs = append(epochs, e)
	}
	// Eight requests of one round are throttled: one halving, not eight.
	for _, e := range epochs {
		l.release(e, throttled)
	}
	limit, lowest, n, decreases := l.stats()
	assert.Equal(t, 4.0, limit)
	assert.Equal(t, 4.0, lowest)
	assert.Equal(t, int64(8), n)
	assert.Equal(t, int64(1), decreases)

	// A request sent after the decrease and throttled halves again: what
	// was in flight (itself alone), floored at one.
	e, _ := l.acquire(ctx)
	l.release(e, throttled)
	limit, _, _, decreases = l.stats()
	assert.Equal(t, 1.0, limit)
	assert.Equal(t, int64(2), decreases)

	// Each success adds 1/limit: a full round of successes adds one.
	e, _ = l.acquire(ctx)
	l.release(e, answered)
	limit, _, _, _ = l.stats()
	assert.Equal(t, 2.0, limit)
	for range 2 {
		e, _ := l.acquire(ctx)
		l.release(e, answered)
	}
	limit, _, _, _ = l.stats()
	assert.InDelta(t, 2.9, limit, 0.1)
	// Transport failures say nothing about load.
	e, _ = l.acquire(ctx)
	l.release(e, noAnswer)
	after, _, _, _ := l.stats()
	assert.Equal(t, limit, after)
}

func TestAWaiterGetsTheSlotAReleaseFreesAndACancelledOneLeavesTheQueue(t *testing.T) {
	l := newLimiter(1)
	ctx := context.Background()
	first, err := l.acquire(ctx)
	require.NoError(t, err)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = l.acquire(cancelled)
	assert.ErrorIs(t, err, context.Canceled, "no slot, and the caller gave up")

	got := make(chan error, 1)
	go func() {
		_, err := l.acquire(ctx)
		got <- err
	}()
	select {
	case <-got:
		t.Fatal("a second request went out past a bound of one")
	default:
	}
	l.release(first, answered)
	require.NoError(t, <-got)
	l.mu.Lock()
	defer l.mu.Unlock()
	assert.Equal(t, 1, l.inflight)
	assert.Empty(t, l.waiters)
}

// A waiter that gives up just as a release grants it the slot must hand the
// slot on, or the bound shrinks by one for good. Which of the two a waiter
// sees first is up to the scheduler, so the race is run many times; the
// bound must come back whole after every one.
func TestAWaiterThatGivesUpAsItIsGrantedTheSlotHandsItOn(t *testing.T) {
	for range 200 {
		l := newLimiter(1)
		first, err := l.acquire(context.Background())
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		got := make(chan error, 1)
		go func() {
			e, err := l.acquire(ctx)
			if err == nil {
				l.release(e, answered)
			}
			got <- err
		}()
		for queued := false; !queued; runtime.Gosched() {
			l.mu.Lock()
			queued = len(l.waiters) == 1
			l.mu.Unlock()
		}
		// Cancel, let the waiter see it, and grant the slot before it can
		// take the lock to leave the queue.
		l.mu.Lock()
		cancel()
		runtime.Gosched()
		l.mu.Unlock()
		l.release(first, answered)
		<-got

		l.mu.Lock()
		assert.Zero(t, l.inflight, "every slot was given back")
		assert.Empty(t, l.waiters)
		l.mu.Unlock()
		if t.Failed() {
			return
		}
	}
}
