package fc

import (
	"context"
	"sync"
)

// DefaultMaxConcurrency is how many requests a Client has in flight at most
// when Config.MaxConcurrency is 0: above what callers use (the applier runs
// 8 steps at once by default), so only throttling ever lowers it.
const DefaultMaxConcurrency = 64

// limiter bounds a Client's requests in flight and adapts the bound to
// throttling, additive-increase/multiplicative-decrease as TCP does: a
// throttled answer halves it (at most once per round: answers to requests
// sent before the last decrease do not decrease it again), and each
// answer that is not throttled adds 1/limit, so the bound grows back by
// about one per round of successful requests. Throttled requests are still
// retried with backoff by Client.do; the limiter makes the retries, and
// every other request, queue instead of meeting the throttle again.
type limiter struct {
	mu       sync.Mutex
	limit    float64 // >= 1
	max      float64
	inflight int
	epoch    uint64 // counts decreases
	waiters  []chan struct{}

	throttled, decreases int64
	lowest               float64
}

func newLimiter(max int) *limiter {
	if max < 1 {
		max = DefaultMaxConcurrency
	}
	return &limiter{limit: float64(max), max: float64(max), lowest: float64(max)}
}

// acquire waits for a slot and returns the epoch the request is sent in.
func (l *limiter) acquire(ctx context.Context) (uint64, error) {
	l.mu.Lock()
	if l.inflight < int(l.limit) && len(l.waiters) == 0 {
		l.inflight++
		e := l.epoch
		l.mu.Unlock()
		return e, nil
	}
	ch := make(chan struct{})
	l.waiters = append(l.waiters, ch)
	l.mu.Unlock()
	select {
	case <-ch:
		l.mu.Lock()
		e := l.epoch
		l.mu.Unlock()
		return e, nil
	case <-ctx.Done():
		l.mu.Lock()
		defer l.mu.Unlock()
		for i, w := range l.waiters {
			if w == ch {
				l.waiters = append(l.waiters[:i], l.waiters[i+1:]...)
				return 0, ctx.Err()
			}
		}
		// Granted meanwhile: hand the slot on.
		l.inflight--
		l.wake()
		return 0, ctx.Err()
	}
}

// outcome is how a request ended, for the limiter.
type outcome int

const (
	answered  outcome = iota // any answer but throttling: the server copes
	throttled                // 429, or a throttling code
	noAnswer                 // a transport failure: says nothing of load
)

// release ends a request sent in epoch.
func (l *limiter) release(epoch uint64, o outcome) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch o {
	case throttled:
		l.throttled++
		if epoch == l.epoch {
			// Halve what was really in flight, not a bound never reached.
			l.limit = max(1, min(l.limit, float64(l.inflight))/2)
			l.lowest = min(l.lowest, l.limit)
			l.epoch++
			l.decreases++
		}
	case answered:
		l.limit = min(l.max, l.limit+1/l.limit)
	}
	l.inflight--
	l.wake()
}

// wake grants slots to waiters, oldest first, while the bound allows.
func (l *limiter) wake() {
	for len(l.waiters) > 0 && l.inflight < int(l.limit) {
		ch := l.waiters[0]
		l.waiters = l.waiters[1:]
		l.inflight++
		close(ch)
	}
}

func (l *limiter) stats() (limit, lowest float64, throttled, decreases int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limit, l.lowest, l.throttled, l.decreases
}
