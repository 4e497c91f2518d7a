package localfc

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
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
	schedule schedule
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
		sched, err := parseSchedule(cfg.CronExpression)
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
		if !sec.After(t.last) || !t.schedule.due(t.last, sec) {
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

// schedule is a parsed cronExpression: six fields with seconds first, or
// @every DURATION.
type schedule struct {
	every  time.Duration
	fields [6]uint64 // allowed values per field as bits: sec min hour dom month dow
	anyDay [2]bool   // day of month, day of week given as * or ?
}

// due reports whether the schedule fires at sec, last being its previous
// firing (or when it started counting).
func (sc schedule) due(last, sec time.Time) bool {
	if sc.every > 0 {
		return sec.Sub(last) >= sc.every
	}
	has := func(i, v int) bool { return sc.fields[i]&(1<<uint(v)) != 0 }
	if !has(0, sec.Second()) || !has(1, sec.Minute()) || !has(2, sec.Hour()) || !has(4, int(sec.Month())) {
		return false
	}
	dom, dow := has(3, sec.Day()), has(5, int(sec.Weekday()))
	switch {
	case sc.anyDay[0] && sc.anyDay[1]:
		return true
	case sc.anyDay[0]:
		return dow
	case sc.anyDay[1]:
		return dom
	}
	return dom || dow // both restricted: either matches, as in cron
}

var cronRanges = [6]struct {
	lo, hi int
	names  []string
}{
	{0, 59, nil}, {0, 59, nil}, {0, 23, nil}, {1, 31, nil},
	{1, 12, []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
	{0, 6, []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
}

// parseSchedule parses what checkCron accepted.
func parseSchedule(expr string) (schedule, error) {
	var sc schedule
	expr = strings.TrimSpace(expr)
	if rest, ok := strings.CutPrefix(expr, "@every "); ok {
		d, err := time.ParseDuration(strings.TrimSpace(rest))
		if err != nil || d <= 0 {
			return sc, fmt.Errorf("cron %q: bad @every interval", expr)
		}
		sc.every = d
		return sc, nil
	}
	fields := strings.Fields(expr)
	if len(fields) != 6 {
		return sc, fmt.Errorf("cron %q: want 6 fields, seconds first", expr)
	}
	for i, f := range fields {
		if f == "*" || f == "?" {
			if i == 3 || i == 5 {
				sc.anyDay[i/5] = true
			}
		}
		bits, err := parseCronField(f, i)
		if err != nil {
			return sc, fmt.Errorf("cron %q: %w", expr, err)
		}
		sc.fields[i] = bits
	}
	return sc, nil
}

func parseCronField(f string, i int) (uint64, error) {
	r := cronRanges[i]
	value := func(s string) (int, error) {
		for k, n := range r.names {
			if strings.EqualFold(s, n) {
				return r.lo + k, nil
			}
		}
		v, err := strconv.Atoi(s)
		if err != nil || v < r.lo || v > r.hi {
			return 0, fmt.Errorf("%q is not in %d-%d", s, r.lo, r.hi)
		}
		return v, nil
	}
	var bits uint64
	for _, part := range strings.Split(f, ",") {
		rng, stepStr, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepStr)
			if err != nil || n <= 0 {
				return 0, fmt.Errorf("bad step %q", part)
			}
			step = n
		}
		lo, hi := r.lo, r.hi
		switch {
		case rng == "*" || rng == "?":
		case strings.Contains(rng, "-"):
			a, b, _ := strings.Cut(rng, "-")
			var err error
			if lo, err = value(a); err != nil {
				return 0, err
			}
			if hi, err = value(b); err != nil {
				return 0, err
			}
		default:
			v, err := value(rng)
			if err != nil {
				return 0, err
			}
			lo = v
			if !hasStep {
				hi = v
			}
		}
		for v := lo; v <= hi; v += step {
			bits |= 1 << uint(v)
		}
	}
	return bits, nil
}
