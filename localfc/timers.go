package localfc

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

// timerRescan is how often the scheduler re-reads the triggers, so that new,
// changed and deleted timers are picked up while the server runs.
const timerRescan = 5 * time.Second

// timer is one enabled timer trigger as the scheduler tracks it.
type timer struct {
	ref      store.TriggerRef
	schedule fc.CronSchedule
	payload  string
	last     time.Time // last firing, or when @every started counting
}

// timerLoop fires timer triggers while ctx lives, checking every tick.
func (s *Server) timerLoop(ctx context.Context, tick time.Duration) {
	timers := map[string]*timer{}
	var scanned time.Time
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		now := s.now()
		if now.Sub(scanned) >= timerRescan {
			timers = s.scanTimers(ctx, timers, now)
			scanned = now
		}
		s.fireTimers(ctx, timers, now)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func timerKey(r store.TriggerRef) string {
	return r.AccountID + "/" + r.ServiceName + "/" + r.FunctionName + "/" + r.Trigger.TriggerName
}

// scanTimers re-reads every timer trigger, keeping the state of the ones
// whose configuration did not change.
func (s *Server) scanTimers(ctx context.Context, old map[string]*timer, now time.Time) map[string]*timer {
	refs, err := s.store.AllTriggers(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("timer triggers", slog.String("error", err.Error()))
		}
		return old
	}
	next := map[string]*timer{}
	for _, r := range refs {
		if r.Trigger.TriggerType != "timer" {
			continue
		}
		var cfg fc.TimerTriggerConfig
		if json.Unmarshal(r.Trigger.TriggerConfig, &cfg) != nil || !cfg.Enable {
			continue
		}
		key := timerKey(r)
		if t, ok := old[key]; ok && t.ref.Trigger.LastModifiedTime == r.Trigger.LastModifiedTime {
			t.ref = r
			next[key] = t
			continue
		}
		sched, err := fc.ParseCron(cfg.CronExpression)
		if err != nil {
			s.log.Warn("timer trigger not scheduled", slog.String("trigger", key), slog.String("error", err.Error()))
			continue
		}
		next[key] = &timer{ref: r, schedule: sched, payload: cfg.Payload, last: now.Truncate(time.Second)}
	}
	return next
}

// fireTimers queues an invocation for every timer due at now (at most one
// per trigger and second), through the durable async queue.
func (s *Server) fireTimers(ctx context.Context, timers map[string]*timer, now time.Time) {
	sec := now.Truncate(time.Second)
	for key, t := range timers {
		if !sec.After(t.last) || !t.schedule.Due(t.last, sec) {
			continue
		}
		t.last = sec
		event, _ := json.Marshal(map[string]string{
			"triggerTime": sec.UTC().Format(time.RFC3339),
			"triggerName": t.ref.Trigger.TriggerName,
			"payload":     t.payload,
		})
		qualifier := t.ref.Trigger.Qualifier
		if qualifier == fc.QualifierLatest {
			qualifier = ""
		}
		inv := store.AsyncInvocation{
			ID: newRequestID(), AccountID: t.ref.AccountID, ServiceName: t.ref.ServiceName,
			Qualifier: qualifier, FunctionName: t.ref.FunctionName, Event: event,
			// Timer firings are not delivered to destinations (FC docs).
			QueuedAt: s.now(), NoDestinations: true,
		}
		if err := s.store.EnqueueAsync(ctx, inv); err != nil {
			if ctx.Err() == nil {
				s.log.Error("timer trigger", slog.String("trigger", key), slog.String("error", err.Error()))
			}
			continue
		}
		s.log.Info("timer trigger fired", slog.String("trigger", key), slog.String("requestId", inv.ID))
		s.wakeAsync()
	}
}
