package rollout

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
)

// API is the part of the Function Compute client a rollout uses;
// *fc.Client satisfies it.
type API interface {
	GetAlias(ctx context.Context, service, alias string) (*fc.Alias, error)
	UpdateAlias(ctx context.Context, service, alias string, in fc.AliasInput, ifMatch string) (*fc.Alias, error)
	ListAllVersions(ctx context.Context, service string) ([]fc.Version, error)
}

// Spec says which alias moves to which version, and how.
type Spec struct {
	Service, Alias string
	// ToVersion is the version to shift traffic to. With Resume it may be
	// empty (the marker's is used); if given it must match the marker.
	ToVersion string
	// Steps are traffic percentages for ToVersion, strictly increasing,
	// the last 100; nil means DefaultSteps (or the marker's with Resume).
	Steps []int
	// Interval is how long each step runs before its check.
	Interval time.Duration
	// Check judges the health of a step; nil means every step is healthy.
	// An error fails the step and rolls the alias back.
	Check func(ctx context.Context, s Step) error
	// Resume continues the rollout recorded on the alias from its step.
	Resume bool
}

// Step is what a check is told about the step it judges.
type Step struct {
	Service, Alias string
	From, To       string
	Index, Count   int // 1-based
	Percent        int // traffic on To
}

// EventKind names a moment of a rollout.
type EventKind string

// Event kinds, in the order they happen.
const (
	EventResumed      EventKind = "resumed"      // a rollout continues from Step
	EventStepStarted  EventKind = "step-started" // Percent is about to be set
	EventWeightSet    EventKind = "weight-set"   // the alias now sends Percent to To
	EventWaiting      EventKind = "waiting"      // Wait before the check
	EventCheckPassed  EventKind = "check-passed" //
	EventCheckFailed  EventKind = "check-failed" // Err says why
	EventConflict     EventKind = "conflict"     // someone else changed the alias; Err says how
	EventRolledBack   EventKind = "rolled-back"  // the alias is back on From
	EventDone         EventKind = "done"         // the alias serves To only
	EventInterrupted  EventKind = "interrupted"  // the context ended; the marker stays
	EventRollbackFail EventKind = "rollback-failed"
)

// Event reports progress; Options.OnEvent decides how to show it.
type Event struct {
	Kind           EventKind
	Service, Alias string
	From, To       string
	Step, Steps    int // 1-based step of Steps; 0 before the first
	Percent        int
	Wait           time.Duration
	Err            error
	Time           time.Time
}

// Options are the hooks of a run.
type Options struct {
	OnEvent func(Event)
	// Sleep waits d or until ctx ends; nil means a timer. Tests inject one
	// that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now stamps the marker and events; nil means time.Now.
	Now func() time.Time
	// Stop, once closed, ends the rollout at the next safe point: a write
	// in flight finishes, a check in flight is judged, the wait is cut
	// short, no further step starts; the alias keeps its marker, to be
	// resumed or rolled back. Cancelling ctx instead abandons the request
	// in flight too. nil: never.
	Stop <-chan struct{}
}

// ErrStopped is why a rollout stopped by Options.Stop ended.
var ErrStopped = errors.New("stopped by an interrupt")

func (o Options) stopped() bool {
	select {
	case <-o.Stop:
		return true
	default:
		return false
	}
}

func (o Options) withDefaults() Options {
	if o.OnEvent == nil {
		o.OnEvent = func(Event) {}
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Result is how a rollout or rollback ended.
type Result struct {
	Service, Alias string
	From, To       string
	Steps          []int
	Resumed        bool
	// Final is the alias as last written.
	Final *fc.Alias
}

// Errors callers branch on (with errors.Is).
var (
	// ErrCheckFailed: a step's check failed and the alias was rolled back.
	ErrCheckFailed = errors.New("check failed")
	// ErrConcurrentChange: someone else changed the alias during the
	// rollout (412, or the alias read back is not what was written).
	ErrConcurrentChange = errors.New("the alias was changed by someone else")
	// ErrInProgress: the alias already carries a rollout marker.
	ErrInProgress = errors.New("a rollout is already in progress")
	// ErrNoRollout: the alias carries no rollout marker.
	ErrNoRollout = errors.New("no rollout in progress")
)

// AbortError is a rollout that stopped and rolled the alias back (or tried
// to). It wraps the reason (ErrCheckFailed or ErrConcurrentChange, and the
// cause).
type AbortError struct {
	Service, Alias string
	From, To       string
	Step, Steps    int
	Percent        int
	Reason         error
	// RollbackErr is set when the rollback itself failed: the alias may
	// still send traffic to To.
	RollbackErr error
}

func (e *AbortError) Error() string {
	s := fmt.Sprintf("alias %s/%s: rollout to version %s stopped at step %d/%d (%d%%): %v; ",
		e.Service, e.Alias, e.To, e.Step, e.Steps, e.Percent, e.Reason)
	if e.RollbackErr != nil {
		return s + fmt.Sprintf("rolling back to version %s FAILED: %v; run `fcdeploy rollback %s/%s`",
			e.From, e.RollbackErr, e.Service, e.Alias)
	}
	return s + "rolled back to version " + e.From
}

func (e *AbortError) Unwrap() error { return e.Reason }

// run is one rollout in progress.
type run struct {
	api  API
	opt  Options
	spec Spec
	m    Marker // From, To, Steps, Started; Step changes as it goes
	user string // the user's own description, restored at the end
	etag string // of our last write (or of the read we started from)
}

func (r *run) subject() string { return "alias " + r.spec.Service + "/" + r.spec.Alias }

func (r *run) emit(e Event) {
	e.Service, e.Alias, e.From, e.To = r.spec.Service, r.spec.Alias, r.m.From, r.m.To
	if e.Steps == 0 {
		e.Steps = len(r.m.Steps)
	}
	e.Time = r.opt.Now()
	r.opt.OnEvent(e)
}

// Run shifts the alias to Spec.ToVersion step by step. It returns an
// *AbortError (after rolling back) when a check fails or the alias changes
// under it, and an error wrapping the context's when ctx ends: then the
// alias keeps its marker, to be resumed or rolled back later.
func Run(ctx context.Context, api API, spec Spec, opt Options) (*Result, error) {
	r := &run{api: api, opt: opt.withDefaults(), spec: spec}
	subject := r.subject()
	al, err := api.GetAlias(ctx, spec.Service, spec.Alias)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", subject, err)
	}
	user, marker, err := ParseDescription(al.Description)
	if err != nil {
		return nil, fmt.Errorf("%s: %w; fix the alias description by hand", subject, err)
	}
	r.user, r.etag = user, al.ETag
	first := 0 // index of the first step to run
	if spec.Resume {
		if err := r.resume(al, marker); err != nil {
			return nil, err
		}
		first = marker.Step - 1
	} else if err := r.start(ctx, al, marker); err != nil {
		return nil, err
	}
	longest := r.m
	longest.Step = len(longest.Steps)
	if n := len(FormatDescription(r.user, longest)); n > fc.MaxDescriptionLength {
		return nil, fmt.Errorf("%s: its description with the rollout marker would be %d bytes, more than the %d allowed; shorten the description first",
			subject, n, fc.MaxDescriptionLength)
	}
	if spec.Resume {
		r.emit(Event{Kind: EventResumed, Step: marker.Step, Percent: r.m.Steps[first]})
	}

	for i := first; i < len(r.m.Steps); i++ {
		if r.opt.stopped() {
			at := i // the step the alias is at, 1-based
			if spec.Resume && i == first {
				at = i + 1
			}
			if at == 0 {
				r.emit(Event{Kind: EventInterrupted, Err: ErrStopped})
				return nil, fmt.Errorf("%s: rollout to version %s %w before its first step: the alias is unchanged, all traffic on version %s",
					subject, r.m.To, ErrStopped, r.m.From)
			}
			return nil, r.interrupted(ctx, at, ErrStopped)
		}
		if err := r.step(ctx, i, spec.Resume && i == first); err != nil {
			return nil, err
		}
	}
	// Every step passed: drop the marker, keeping the user's description.
	// The input names the whole alias (as the last step left it), so that a
	// read-back that differs is described against what was expected.
	to := r.m.To
	done := fc.AliasInput{VersionID: &to, Description: &r.user, AdditionalVersionWeight: map[string]float64{}}
	final, err := r.write(ctx, len(r.m.Steps), done, func(a *fc.Alias) bool { return r.matches(a, done) })
	if err != nil {
		return nil, err
	}
	r.emit(Event{Kind: EventDone, Step: len(r.m.Steps), Percent: 100})
	return &Result{Service: spec.Service, Alias: spec.Alias, From: r.m.From, To: r.m.To,
		Steps: slices.Clone(r.m.Steps), Resumed: spec.Resume, Final: final}, nil
}

// start validates a new rollout and fills in its marker.
func (r *run) start(ctx context.Context, al *fc.Alias, marker *Marker) error {
	subject, spec := r.subject(), r.spec
	if marker != nil {
		return fmt.Errorf("%s: %w (%s); continue it with --resume or undo it with `fcdeploy rollback %s/%s`",
			subject, ErrInProgress, marker, spec.Service, spec.Alias)
	}
	if spec.ToVersion == "" {
		return fmt.Errorf("%s: no version to roll out to; name one", subject)
	}
	steps := spec.Steps
	if steps == nil {
		steps = DefaultSteps
	}
	if err := ValidateSteps(steps); err != nil {
		return fmt.Errorf("%s: %w", subject, err)
	}
	if spec.ToVersion == al.VersionID {
		return fmt.Errorf("%s: already serves version %s; nothing to roll out", subject, al.VersionID)
	}
	if w := nonZero(al.AdditionalVersionWeight); len(w) > 0 {
		return fmt.Errorf("%s: already splits traffic (%s); clear its additionalVersionWeight before a rollout", subject, describeWeights(w))
	}
	versions, err := r.api.ListAllVersions(ctx, spec.Service)
	if err != nil {
		return fmt.Errorf("%s: listing versions of service %s: %w", subject, spec.Service, err)
	}
	if !slices.ContainsFunc(versions, func(v fc.Version) bool { return v.VersionID == spec.ToVersion }) {
		return fmt.Errorf("%s: version %s of service %s does not exist; publish it first", subject, spec.ToVersion, spec.Service)
	}
	r.m = Marker{From: al.VersionID, To: spec.ToVersion, Steps: slices.Clone(steps),
		Started: r.opt.Now().UTC().Truncate(time.Second)}
	return nil
}

// resume takes the rollout recorded on the alias, refusing when the
// request differs from it or the alias is not where the marker says.
func (r *run) resume(al *fc.Alias, marker *Marker) error {
	subject, spec := r.subject(), r.spec
	if marker == nil {
		return fmt.Errorf("%s: %w to resume (its description carries no fcdeploy-rollout marker)", subject, ErrNoRollout)
	}
	if spec.ToVersion != "" && spec.ToVersion != marker.To {
		return fmt.Errorf("%s: the rollout in progress goes to version %s, not %s (%s); resume it with --to %s, or undo it with `fcdeploy rollback %s/%s`",
			subject, marker.To, spec.ToVersion, marker, marker.To, spec.Service, spec.Alias)
	}
	if spec.Steps != nil && !slices.Equal(spec.Steps, marker.Steps) {
		return fmt.Errorf("%s: the rollout in progress has steps %s, not %s (%s); resume it without --steps",
			subject, formatSteps(marker.Steps), formatSteps(spec.Steps), marker)
	}
	r.m = *marker
	want := r.desired(marker.Step - 1)
	if !r.matches(al, want) {
		return fmt.Errorf("%s: %w: the marker says step %d/%d (%s) but the alias %s; undo with `fcdeploy rollback %s/%s`",
			subject, ErrConcurrentChange, marker.Step, len(marker.Steps), describeInput(want), describeAlias(al), spec.Service, spec.Alias)
	}
	return nil
}

// desired is the alias at step i (0-based): the old version with a share
// for the new one, and at 100% the new version alone.
func (r *run) desired(i int) fc.AliasInput {
	m := r.m
	m.Step = i + 1
	desc := FormatDescription(r.user, m)
	pct := r.m.Steps[i]
	if pct == 100 {
		to := r.m.To
		return fc.AliasInput{VersionID: &to, Description: &desc, AdditionalVersionWeight: map[string]float64{}}
	}
	from := r.m.From
	return fc.AliasInput{VersionID: &from, Description: &desc,
		AdditionalVersionWeight: map[string]float64{r.m.To: float64(pct) / 100}}
}

func (r *run) matches(al *fc.Alias, in fc.AliasInput) bool {
	return al.VersionID == *in.VersionID && al.Description == *in.Description &&
		sameWeights(al.AdditionalVersionWeight, in.AdditionalVersionWeight)
}

// step runs step i (0-based): set its weight (unless resuming a step that
// is already set), wait, confirm nobody changed the alias, check.
func (r *run) step(ctx context.Context, i int, alreadySet bool) error {
	n, pct := i+1, r.m.Steps[i]
	r.emit(Event{Kind: EventStepStarted, Step: n, Percent: pct})
	if !alreadySet {
		want := r.desired(i)
		if _, err := r.write(ctx, n, want, func(a *fc.Alias) bool { return r.matches(a, want) }); err != nil {
			return err
		}
		r.emit(Event{Kind: EventWeightSet, Step: n, Percent: pct})
	}
	r.emit(Event{Kind: EventWaiting, Step: n, Percent: pct, Wait: r.spec.Interval})
	if err := r.wait(ctx); err != nil {
		return r.interrupted(ctx, n, err)
	}
	// Judge only the traffic split we set: if someone moved the alias while
	// we waited, the check would be judging their change.
	cur, err := r.api.GetAlias(ctx, r.spec.Service, r.spec.Alias)
	if err != nil {
		if ctx.Err() != nil {
			return r.interrupted(ctx, n, err)
		}
		return r.abort(ctx, n, fmt.Errorf("reading the alias back: %w", err))
	}
	if cur.ETag != r.etag {
		return r.abort(ctx, n, fmt.Errorf("%w while step %d waited: it now %s", ErrConcurrentChange, n, describeAlias(cur)))
	}
	if r.spec.Check != nil {
		err := r.spec.Check(ctx, Step{Service: r.spec.Service, Alias: r.spec.Alias, From: r.m.From, To: r.m.To,
			Index: n, Count: len(r.m.Steps), Percent: pct})
		if err != nil {
			if ctx.Err() != nil {
				return r.interrupted(ctx, n, err)
			}
			r.emit(Event{Kind: EventCheckFailed, Step: n, Percent: pct, Err: err})
			return r.abort(ctx, n, fmt.Errorf("%w: %w", ErrCheckFailed, err))
		}
	}
	r.emit(Event{Kind: EventCheckPassed, Step: n, Percent: pct})
	return nil
}

// wait sleeps the interval, cut short by ctx or Stop.
func (r *run) wait(ctx context.Context) error {
	sleepCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-r.opt.Stop:
			cancel()
		case <-sleepCtx.Done():
		}
	}()
	err := r.opt.Sleep(sleepCtx, r.spec.Interval)
	if err != nil && ctx.Err() == nil && r.opt.stopped() {
		return ErrStopped
	}
	return err
}

// write updates the alias guarded by the ETag of our last read or write and
// confirms the answer is what we wrote; anything else aborts the rollout.
func (r *run) write(ctx context.Context, n int, in fc.AliasInput, ok func(*fc.Alias) bool) (*fc.Alias, error) {
	al, err := r.api.UpdateAlias(ctx, r.spec.Service, r.spec.Alias, in, r.etag)
	switch {
	case err == nil && !ok(al):
		return nil, r.abort(ctx, n, fmt.Errorf("%w: the alias read back %s, not %s", ErrConcurrentChange, describeAlias(al), describeInput(in)))
	case err == nil:
		r.etag = al.ETag
		return al, nil
	case ctx.Err() != nil:
		return nil, r.interrupted(ctx, n, err)
	case fc.IsPreconditionFailed(err):
		return nil, r.abort(ctx, n, fmt.Errorf("%w since fcdeploy last read it (If-Match failed: %w)", ErrConcurrentChange, err))
	default:
		return nil, r.abort(ctx, n, fmt.Errorf("updating the alias: %w", err))
	}
}

// percent is the traffic on To at step n, 1-based: every caller names a
// step of the rollout (a stop before the first step has its own message).
func (r *run) percent(n int) int { return r.m.Steps[n-1] }

// interrupted leaves the alias as it is, marker included, so that the
// rollout can be resumed or undone, and says where the traffic stands.
func (r *run) interrupted(ctx context.Context, n int, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		err = fmt.Errorf("%w (%w)", ctxErr, err)
	}
	r.emit(Event{Kind: EventInterrupted, Step: n, Percent: r.percent(n), Err: err})
	where := fmt.Sprintf("%d%% of the traffic goes to version %s, %d%% to version %s", r.percent(n), r.m.To, 100-r.percent(n), r.m.From)
	if ctx.Err() != nil {
		// A write may have been abandoned in flight: the alias is at this
		// step or the one before; the marker says which.
		where = fmt.Sprintf("the alias is at step %d/%d or the one before (its description records which)", n, len(r.m.Steps))
	}
	return fmt.Errorf("%s: rollout to version %s interrupted at step %d/%d (%d%%): %w; %s; the alias records its progress: continue with `fcdeploy rollout %s/%s --resume`, or undo with `fcdeploy rollback %s/%s`",
		r.subject(), r.m.To, n, len(r.m.Steps), r.percent(n), err, where, r.spec.Service, r.spec.Alias, r.spec.Service, r.spec.Alias)
}

// abort rolls the alias back to the version it had before the rollout and
// returns an *AbortError saying why.
func (r *run) abort(ctx context.Context, n int, reason error) error {
	if errors.Is(reason, ErrConcurrentChange) {
		r.emit(Event{Kind: EventConflict, Step: n, Percent: r.percent(n), Err: reason})
	}
	e := &AbortError{Service: r.spec.Service, Alias: r.spec.Alias, From: r.m.From, To: r.m.To,
		Step: n, Steps: len(r.m.Steps), Percent: r.percent(n), Reason: reason}
	if _, err := restore(ctx, r.api, r.spec.Service, r.spec.Alias, r.m.From, r.user); err != nil {
		e.RollbackErr = err
		r.emit(Event{Kind: EventRollbackFail, Step: n, Percent: r.percent(n), Err: err})
	} else {
		r.emit(Event{Kind: EventRolledBack, Step: n, Percent: 0})
	}
	return e
}

// restoreAttempts bounds how often a rollback re-reads the alias when a
// write races it: the rollback must win, but not spin forever.
const restoreAttempts = 5

// restore points the alias at version from with no extra weight and the
// user's description, each attempt guarded by a fresh ETag.
func restore(ctx context.Context, api API, service, alias, from, user string) (*fc.Alias, error) {
	var last error
	for range restoreAttempts {
		cur, err := api.GetAlias(ctx, service, alias)
		if err != nil {
			return nil, err
		}
		in := fc.AliasInput{VersionID: &from, Description: &user, AdditionalVersionWeight: map[string]float64{}}
		al, err := api.UpdateAlias(ctx, service, alias, in, cur.ETag)
		if err == nil {
			if al.VersionID != from || len(nonZero(al.AdditionalVersionWeight)) > 0 {
				return al, fmt.Errorf("the alias read back %s after the rollback", describeAlias(al))
			}
			return al, nil
		}
		if !fc.IsPreconditionFailed(err) {
			return nil, err
		}
		last = err
	}
	return nil, fmt.Errorf("the alias kept changing (%d attempts): %w", restoreAttempts, last)
}

// Rollback undoes the rollout recorded on the alias: it points the alias
// back at the marker's From version with no extra weight and restores the
// user's description. Without a marker it returns ErrNoRollout.
func Rollback(ctx context.Context, api API, service, alias string, opt Options) (*Result, error) {
	opt = opt.withDefaults()
	subject := "alias " + service + "/" + alias
	al, err := api.GetAlias(ctx, service, alias)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", subject, err)
	}
	user, m, err := ParseDescription(al.Description)
	if err != nil {
		return nil, fmt.Errorf("%s: %w; fix the alias description by hand", subject, err)
	}
	if m == nil {
		return nil, fmt.Errorf("%s: %w (its description carries no fcdeploy-rollout marker); it serves %s",
			subject, ErrNoRollout, describeAlias(al))
	}
	final, err := restore(ctx, api, service, alias, m.From, user)
	if err != nil {
		return nil, fmt.Errorf("%s: rolling back to version %s: %w", subject, m.From, err)
	}
	opt.OnEvent(Event{Kind: EventRolledBack, Service: service, Alias: alias, From: m.From, To: m.To,
		Step: m.Step, Steps: len(m.Steps), Time: opt.Now()})
	return &Result{Service: service, Alias: alias, From: m.From, To: m.To, Steps: m.Steps, Final: final}, nil
}

// nonZero drops zero weights, which send no traffic.
func nonZero(w map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for k, v := range w {
		if v != 0 {
			out[k] = v
		}
	}
	return out
}

func sameWeights(a, b map[string]float64) bool {
	a, b = nonZero(a), nonZero(b)
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || math.Abs(v-w) > 1e-9 {
			return false
		}
	}
	return true
}

func describeWeights(w map[string]float64) string {
	keys := slices.Collect(maps.Keys(w))
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%g%% to version %s", w[k]*100, k)
	}
	return strings.Join(parts, ", ")
}

func describeAlias(al *fc.Alias) string {
	s := "points at version " + al.VersionID
	if w := nonZero(al.AdditionalVersionWeight); len(w) > 0 {
		s += " with " + describeWeights(w)
	}
	return fmt.Sprintf("%s, description %q", s, al.Description)
}

func describeInput(in fc.AliasInput) string {
	al := &fc.Alias{AdditionalVersionWeight: in.AdditionalVersionWeight}
	if in.VersionID != nil {
		al.VersionID = *in.VersionID
	}
	if in.Description != nil {
		al.Description = *in.Description
	}
	return describeAlias(al)
}
