package localfc

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

// maxAsyncRetryDelay caps the growing pause between retries.
const maxAsyncRetryDelay = time.Minute

// defaultAsyncRetryDelay doubles from half a second, the backoff Function
// Compute documents for its own retries.
func defaultAsyncRetryDelay(retry int) time.Duration {
	if retry < 1 {
		retry = 1
	}
	if retry > 8 {
		return maxAsyncRetryDelay
	}
	return min(500*time.Millisecond<<(retry-1), maxAsyncRetryDelay)
}

// asyncConcurrency bounds the queued invocations running at once.
const asyncConcurrency = 4

// StartBackground runs what a serving local Function Compute does on its
// own: the durable async invocation worker, the timer-trigger scheduler
// and the provision loop (provisioner.go). stop ends them and waits for
// them; invocations cut short stay queued and run again at the next start
// (at least once).
func (s *Server) StartBackground() (stop func()) {
	if s.runtime == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); s.asyncWorker(ctx) }()
	go func() { defer wg.Done(); s.timerLoop(ctx, time.Second) }()
	go func() { defer wg.Done(); s.provisionLoop(ctx) }()
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
			delay, retry := s.runAsync(ctx, inv)
			<-sem // no worker slot is held while waiting to retry
			if !retry {
				return
			}
			t := time.NewTimer(delay)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return // still claimed: put back at the next start
			case <-t.C:
			}
			if err := s.store.RetryAsync(ctx, inv.ID); err != nil && ctx.Err() == nil {
				s.log.Error("async queue", slog.String("requestId", inv.ID), slog.String("error", err.Error()))
			}
			s.wakeAsync()
		}()
	}
}

// runAsync runs one claimed invocation as its async invoke config says
// and settles it: dropped when older than maxAsyncEventAgeInSeconds, done
// when it succeeded or used up maxAsyncRetryAttempts (its outcome then goes
// to the destination), or to be retried after the returned pause.
func (s *Server) runAsync(ctx context.Context, inv store.AsyncInvocation) (retryAfter time.Duration, retry bool) {
	attempt := inv.Attempts + 1
	policy := s.asyncPolicy(ctx, inv)
	attrs := []slog.Attr{
		slog.String("requestId", inv.ID), slog.String("function", inv.ServiceName+"/"+inv.FunctionName),
		slog.String("qualifier", inv.Qualifier),
	}
	if age := s.now().Sub(inv.QueuedAt); !inv.QueuedAt.IsZero() && age > policy.maxAge {
		s.log.LogAttrs(ctx, slog.LevelWarn, "async invocation dropped: older than maxAsyncEventAgeInSeconds",
			append(attrs, slog.Duration("age", age.Truncate(time.Second)), slog.Duration("maxAge", policy.maxAge), slog.Int("attempts", inv.Attempts))...)
		rec := newDestinationRecord(inv, s.now(), inv.Attempts)
		rec.RequestContext.Condition = conditionEventAgeExceeded
		s.deliver(ctx, inv, policy.onFailure, rec)
		s.settleAsync(ctx, inv.ID)
		return 0, false
	}

	res, _, err := s.invoke(ctx, invocation{
		account: inv.AccountID, service: inv.ServiceName, qualifier: inv.Qualifier,
		function: inv.FunctionName, event: inv.Event, requestID: inv.ID,
	})
	if ctx.Err() != nil {
		return 0, false // shutting down: the claim is released at the next start
	}
	rec := newDestinationRecord(inv, s.now(), attempt)
	outcome, failure := "succeeded", ""
	switch {
	case err != nil:
		outcome, failure = "failed", err.Error()
		rec.setPlatformError(err)
	case res.ErrorType != "":
		outcome, failure = "failed", res.ErrorType+": "+string(res.Body)
		rec.setResult(res)
	default:
		rec.setResult(res)
	}
	attrs = append(attrs, slog.String("outcome", outcome), slog.Int("attempt", attempt))
	if failure != "" {
		attrs = append(attrs, slog.String("error", failure))
	}
	// A function that does not exist any more will never succeed.
	gone := err != nil && fc.IsNotFound(err)
	if outcome == "succeeded" || attempt > policy.retries || gone {
		s.log.LogAttrs(ctx, slog.LevelInfo, "async invocation", attrs...)
		dest := policy.onSuccess
		if outcome != "succeeded" {
			dest = policy.onFailure
		}
		s.deliver(ctx, inv, dest, rec)
		s.settleAsync(ctx, inv.ID)
		return 0, false
	}
	delay := s.asyncDelay(attempt)
	s.log.LogAttrs(ctx, slog.LevelWarn, "async invocation will be retried", append(attrs, slog.Duration("retryIn", delay))...)
	return delay, true
}

// settleAsync removes a finished invocation from the queue.
func (s *Server) settleAsync(ctx context.Context, id string) {
	if err := s.store.DoneAsync(context.WithoutCancel(ctx), id); err != nil {
		s.log.Error("async queue", slog.String("requestId", id), slog.String("error", err.Error()))
	}
}

// asyncPolicy is what an async invocation's config asks for, defaults
// filled in.
type asyncPolicy struct {
	retries              int
	maxAge               time.Duration
	onSuccess, onFailure string // destination ARNs, "" for none
}

// asyncPolicy reads the async invoke config of the invoked (service,
// qualifier, function) now, so that a config changed while an invocation
// waits applies to its next attempt.
func (s *Server) asyncPolicy(ctx context.Context, inv store.AsyncInvocation) asyncPolicy {
	p := asyncPolicy{retries: fc.DefaultAsyncRetryAttempts, maxAge: fc.DefaultAsyncEventAgeSeconds * time.Second}
	cfg, err := s.store.GetAsyncConfig(ctx, inv.AccountID, inv.ServiceName, inv.Qualifier, inv.FunctionName)
	switch {
	case err == nil:
	case fc.IsNotFound(err):
		return p // no config, or no function (the invocation will say so)
	default:
		if ctx.Err() == nil {
			s.log.Error("async invoke config", slog.String("requestId", inv.ID), slog.String("error", err.Error()))
		}
		return p
	}
	p.retries = cfg.RetryAttempts()
	p.maxAge = time.Duration(cfg.EventAgeSeconds()) * time.Second
	if !inv.NoDestinations {
		if d := cfg.DestinationConfig.OnSuccess; d != nil {
			p.onSuccess = d.Destination
		}
		if d := cfg.DestinationConfig.OnFailure; d != nil {
			p.onFailure = d.Destination
		}
	}
	return p
}
