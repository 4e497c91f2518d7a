package localfc

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

// asyncAttempts is how often a failing asynchronous invocation runs before
// it is given up (and logged as failed).
const asyncAttempts = 3

// asyncConcurrency bounds the queued invocations running at once.
const asyncConcurrency = 4

// defaultAsyncRetryDelay is the pause before retry number attempt: a
// linear backoff, 500 ms then 1 s.
func defaultAsyncRetryDelay(attempt int) time.Duration {
	return time.Duration(attempt) * 500 * time.Millisecond
}

// StartBackground runs what a serving local Function Compute does on its
// own: the durable async invocation worker and the timer-trigger
// scheduler. stop ends both and waits for them; invocations cut short stay
// queued and run again at the next start (at least once).
func (s *Server) StartBackground() (stop func()) {
	if s.runtime == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); s.asyncWorker(ctx) }()
	go func() { defer wg.Done(); s.timerLoop(ctx, time.Second) }()
	return func() { cancel(); wg.Wait() }
}

func (s *Server) wakeAsync() {
	select {
	case s.asyncWake <- struct{}{}:
	default:
	}
}

// asyncWorker claims queued invocations and runs them, a few at a time.
func (s *Server) asyncWorker(ctx context.Context) {
	sem := make(chan struct{}, asyncConcurrency)
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return
		}
		inv, ok, err := s.store.NextAsync(ctx)
		if err != nil || !ok {
			<-sem
			if err != nil && ctx.Err() == nil {
				s.log.Error("async queue", slog.String("error", err.Error()))
			}
			select {
			case <-ctx.Done():
				return
			case <-s.asyncWake:
			case <-time.After(time.Second):
			}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			s.runAsync(ctx, inv)
		}()
	}
}

// runAsync runs one queued invocation and settles it: done, or back in the
// queue after a pause when it failed and has attempts left.
func (s *Server) runAsync(ctx context.Context, inv store.AsyncInvocation) {
	attempt := inv.Attempts + 1
	res, _, err := s.invoke(ctx, invocation{
		account: inv.AccountID, service: inv.ServiceName, qualifier: inv.Qualifier,
		function: inv.FunctionName, event: inv.Event, requestID: inv.ID,
	})
	if ctx.Err() != nil {
		return // shutting down: the claim is released at the next start
	}
	outcome, failure := "succeeded", ""
	switch {
	case err != nil:
		outcome, failure = "failed", err.Error()
	case res.ErrorType != "":
		outcome, failure = "failed", res.ErrorType+": "+string(res.Body)
	}
	attrs := []slog.Attr{
		slog.String("requestId", inv.ID), slog.String("function", inv.ServiceName+"/"+inv.FunctionName),
		slog.String("qualifier", inv.Qualifier), slog.String("outcome", outcome), slog.Int("attempt", attempt),
	}
	if failure != "" {
		attrs = append(attrs, slog.String("error", failure))
	}
	// A function that does not exist any more will never succeed.
	gone := err != nil && fc.IsNotFound(err)
	if outcome == "succeeded" || attempt >= asyncAttempts || gone {
		s.log.LogAttrs(ctx, slog.LevelInfo, "async invocation", attrs...)
		if derr := s.store.DoneAsync(context.WithoutCancel(ctx), inv.ID); derr != nil {
			s.log.Error("async queue", slog.String("requestId", inv.ID), slog.String("error", derr.Error()))
		}
		return
	}
	s.log.LogAttrs(ctx, slog.LevelWarn, "async invocation will be retried", attrs...)
	select {
	case <-ctx.Done():
		return
	case <-time.After(s.asyncRetryDelay(attempt)):
	}
	if rerr := s.store.RetryAsync(ctx, inv.ID); rerr != nil {
		s.log.Error("async queue", slog.String("requestId", inv.ID), slog.String("error", rerr.Error()))
	}
	s.wakeAsync()
}
