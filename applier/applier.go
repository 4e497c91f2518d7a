package applier

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-multierror"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/planner"
)

// API is the part of *fc.Client the applier writes with.
type API interface {
	CreateService(ctx context.Context, in fc.ServiceInput) (*fc.Service, error)
	UpdateService(ctx context.Context, service string, in fc.ServiceInput, ifMatch string) (*fc.Service, error)
	DeleteService(ctx context.Context, service, ifMatch string) error
	CreateFunction(ctx context.Context, service string, in fc.FunctionInput) (*fc.Function, error)
	UpdateFunction(ctx context.Context, service, function string, in fc.FunctionInput, ifMatch string) (*fc.Function, error)
	DeleteFunction(ctx context.Context, service, function, ifMatch string) error
	CreateTrigger(ctx context.Context, service, function string, in fc.TriggerInput) (*fc.Trigger, error)
	UpdateTrigger(ctx context.Context, service, function, trigger string, in fc.TriggerInput, ifMatch string) (*fc.Trigger, error)
	DeleteTrigger(ctx context.Context, service, function, trigger, ifMatch string) error
	PublishVersion(ctx context.Context, service, description, ifMatch string) (*fc.Version, error)
	ListAllVersions(ctx context.Context, service string) ([]fc.Version, error)
	DeleteVersion(ctx context.Context, service, versionID string) error
	CreateAlias(ctx context.Context, service string, in fc.AliasInput) (*fc.Alias, error)
	UpdateAlias(ctx context.Context, service, alias string, in fc.AliasInput, ifMatch string) (*fc.Alias, error)
	DeleteAlias(ctx context.Context, service, alias, ifMatch string) error
}

// CodeProvider gives the zip bytes of a function's code. The applier checks
// that fc.CodeChecksum of the bytes is the planned checksum before it
// uploads them.
type CodeProvider interface {
	Code(ctx context.Context, service, function, checksum string) ([]byte, error)
}

// CodeFunc adapts a function to CodeProvider.
type CodeFunc func(ctx context.Context, service, function, checksum string) ([]byte, error)

// Code calls f.
func (f CodeFunc) Code(ctx context.Context, service, function, checksum string) ([]byte, error) {
	return f(ctx, service, function, checksum)
}

// Options tune Apply.
type Options struct {
	// Parallelism bounds the steps run at once; 0 means 8.
	Parallelism int
	// Code provides the bytes of code to upload. Needed when the plan
	// uploads inline code.
	Code CodeProvider
	// OnEvent receives progress, one call at a time (never concurrently),
	// in the order things happen.
	OnEvent func(Event)
	// Stop, once closed, drains the apply: no step starts any more, the
	// steps in flight finish, and the rest are skipped as not started
	// (Result.Interrupted). Cancelling ctx instead aborts the steps in
	// flight too. nil: never.
	Stop <-chan struct{}
	// Adopt consents to the plan's adoptions of untagged live services;
	// ForceAdopt to those of services another project's tag claims too.
	// Without consent a plan that adopts is refused before any write
	// (a *planner.AdoptionError).
	Adopt, ForceAdopt bool
}

// StepAction is what happened to one step: the apply-time, past-tense
// vocabulary.
type StepAction string

// Step outcomes.
const (
	Created   StepAction = "created"
	Updated   StepAction = "updated"
	Deleted   StepAction = "deleted"
	Replaced  StepAction = "replaced"
	Published StepAction = "published"
	// Unchanged: a publish found the content already published (the server
	// refused with VersionPublishError); aliases follow the newest version.
	Unchanged StepAction = "unchanged"
	Failed    StepAction = "failed"
	Skipped   StepAction = "skipped"
	Conflict  StepAction = "conflict"
)

// Phase is the stage of a step an Event reports.
type Phase string

// Event phases.
const (
	PhaseStart   Phase = "start"
	PhaseDone    Phase = "done"
	PhaseFailed  Phase = "failed"
	PhaseSkipped Phase = "skipped"
)

// Event reports progress of one step.
type Event struct {
	Time    time.Time
	Address string
	// Action is the planned action; Outcome what happened (empty at start).
	Action  planner.Action
	Outcome StepAction
	Phase   Phase
	Elapsed time.Duration
	Err     error
}

// SkippedError is why a step did not run: a dependency that did not succeed,
// or an interrupt before it started. Cause is the reason alone, for a
// progress line that already names the step.
type SkippedError struct {
	Subject string
	Cause   string
}

func (e *SkippedError) Error() string { return e.Subject + ": skipped: " + e.Cause }

// StepResult is the outcome of one change of the plan.
type StepResult struct {
	Address  string
	Action   StepAction
	Duration time.Duration
	Err      error
}

// Summary counts step outcomes.
type Summary struct {
	Created, Updated, Deleted, Replaced, Published, Unchanged, Failed, Skipped, Conflicts int
}

// Result is the outcome of an apply.
type Result struct {
	// Steps in plan order.
	Steps []StepResult
	// Conflicts lists the addresses of resources that changed since the plan.
	Conflicts []string
	// Published maps a service to the version id this apply published (or
	// found already published).
	Published map[string]string
	Summary   Summary
	Duration  time.Duration
	// Interrupted says Options.Stop was closed or ctx cancelled before
	// every step started: the skipped steps were never started.
	Interrupted bool
}

// ExitCode is the process exit code for the result: 0 when every step
// succeeded, 3 when some resource changed since the plan (run plan again;
// this wins because a new plan is needed in any case), 1 otherwise.
func (r *Result) ExitCode() int {
	switch {
	case r.Summary.Conflicts > 0:
		return 3
	case r.Summary.Failed > 0 || r.Summary.Skipped > 0:
		return 1
	}
	return 0
}

// ConflictError says a resource changed since the plan was made.
type ConflictError struct {
	Address string
	Subject string
	Err     error
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s: changed since the plan was made (%v): run plan again", e.Subject, e.Err)
}

func (e *ConflictError) Unwrap() error { return e.Err }

// Apply executes plan. It returns a Result describing every step and,
// when any step failed or conflicted, an error joining all of them
// (a *multierror.Error). A plan whose secrets are still hashes, or that
// uploads code without a CodeProvider, is refused before anything is sent,
// with a nil Result.
func Apply(ctx context.Context, api API, plan *planner.Plan, opt Options) (*Result, error) {
	if pending := plan.PendingSecrets(); len(pending) > 0 {
		return nil, fmt.Errorf("plan: secret values are missing for %s: fill them with Plan.FillSecrets before applying", strings.Join(pending, ", "))
	}
	// Without its ETag an update or delete would overwrite whatever is
	// live, seen or not: such a plan was not finished (ResolveETags).
	for _, c := range plan.Changes {
		if c.NeedsETag() && c.ETag == "" {
			return nil, fmt.Errorf("%s: the plan has no ETag to guard this %s; make plans with planner.ResolveETags", c.Subject(), c.Action)
		}
	}
	if err := checkCurrent(api, plan, opt.Code); err != nil {
		return nil, err
	}
	if err := plan.CheckAdoptions(opt.Adopt, opt.ForceAdopt); err != nil {
		return nil, err
	}
	if opt.Code == nil {
		for _, c := range plan.Changes {
			if c.Code != nil && c.Code.Upload && c.Code.OSSObject == "" {
				return nil, fmt.Errorf("%s: the plan uploads code but no code provider was given", c.Subject())
			}
		}
	}
	par := opt.Parallelism
	if par <= 0 {
		par = 8
	}
	r := &run{api: api, plan: plan, opt: opt, etags: map[string]string{}, published: map[string]string{}}
	return r.execute(ctx, par)
}

type run struct {
	api  API
	plan *planner.Plan
	opt  Options

	mu        sync.Mutex
	etags     map[string]string // ETags produced by this apply, by address
	published map[string]string // service -> version id
	layers    map[string]string // layer -> ARN of the version this apply published
}

type stepDone struct {
	i       int
	outcome StepAction
	err     error
	elapsed time.Duration
}

func (r *run) emit(e Event) {
	if r.opt.OnEvent != nil {
		e.Time = time.Now()
		r.opt.OnEvent(e)
	}
}

func (r *run) execute(ctx context.Context, par int) (*Result, error) {
	start := time.Now()
	changes := r.plan.Changes
	n := len(changes)
	index := make(map[string]int, n)
	for i, c := range changes {
		index[c.Address] = i
	}
	waiting := make([]int, n)      // unfinished dependencies
	dependents := make([][]int, n) // reverse edges
	for i, c := range changes {
		for _, d := range c.DependsOn {
			if j, ok := index[d]; ok && j != i {
				waiting[i]++
				dependents[j] = append(dependents[j], i)
			}
		}
	}
	steps := make([]StepResult, n)
	finished := make([]bool, n)
	var ready []int
	for i := range changes {
		steps[i].Address = changes[i].Address
		if waiting[i] == 0 {
			ready = append(ready, i)
		}
	}

	var skip func(i int, cause string)
	skip = func(i int, cause string) {
		if finished[i] {
			return
		}
		finished[i] = true
		steps[i].Action = Skipped
		steps[i].Err = &SkippedError{Subject: changes[i].Subject(), Cause: cause}
		r.emit(Event{Address: changes[i].Address, Action: changes[i].Action, Outcome: Skipped, Phase: PhaseSkipped, Err: steps[i].Err})
		for _, d := range dependents[i] {
			skip(d, changes[i].Address+" did not succeed")
		}
	}

	stopped := func() bool {
		select {
		case <-r.opt.Stop:
			return true
		default:
			return ctx.Err() != nil
		}
	}
	done := make(chan stepDone)
	running := 0
	for {
		for running < par && len(ready) > 0 && !stopped() {
			i := ready[0]
			ready = ready[1:]
			if finished[i] {
				continue
			}
			running++
			r.emit(Event{Address: changes[i].Address, Action: changes[i].Action, Phase: PhaseStart})
			go func() {
				t0 := time.Now()
				outcome, err := r.step(ctx, &changes[i])
				done <- stepDone{i: i, outcome: outcome, err: err, elapsed: time.Since(t0)}
			}()
		}
		if running == 0 {
			break
		}
		d := <-done
		running--
		c := &changes[d.i]
		finished[d.i] = true
		steps[d.i] = StepResult{Address: c.Address, Action: d.outcome, Duration: d.elapsed, Err: d.err}
		if d.err != nil {
			r.emit(Event{Address: c.Address, Action: c.Action, Outcome: d.outcome, Phase: PhaseFailed, Elapsed: d.elapsed, Err: d.err})
			for _, dep := range dependents[d.i] {
				skip(dep, c.Address+" did not succeed")
			}
			continue
		}
		r.emit(Event{Address: c.Address, Action: c.Action, Outcome: d.outcome, Phase: PhaseDone, Elapsed: d.elapsed})
		var newlyReady []int
		for _, dep := range dependents[d.i] {
			waiting[dep]--
			if waiting[dep] == 0 && !finished[dep] {
				newlyReady = append(newlyReady, dep)
			}
		}
		// Plan order among ready steps keeps runs reproducible.
		ready = append(ready, newlyReady...)
		slices.Sort(ready)
	}
	interrupted := ctx.Err() != nil
	if stopped() {
		cause := "interrupted"
		if err := ctx.Err(); err != nil {
			cause = err.Error()
		}
		// Each step left says it was not started, not that a dependency
		// failed: it can be run again as it is.
		for i := range changes {
			if !finished[i] {
				interrupted = true
				finished[i] = true
				steps[i].Action = Skipped
				steps[i].Err = &SkippedError{Subject: changes[i].Subject(), Cause: "not started: " + cause}
				r.emit(Event{Address: changes[i].Address, Action: changes[i].Action, Outcome: Skipped, Phase: PhaseSkipped, Err: steps[i].Err})
			}
		}
	}
	// A step still waiting now waits on a dependency cycle: say so rather
	// than leave it out of the result.
	var cycle error
	for i := range changes {
		if !finished[i] {
			skip(i, "its dependencies form a cycle (a planner bug): nothing was sent for it")
			if cycle == nil {
				cycle = steps[i].Err
			}
		}
	}

	res := &Result{Steps: steps, Published: r.published, Duration: time.Since(start), Interrupted: interrupted}
	var errs *multierror.Error
	for _, s := range steps {
		switch s.Action {
		case Created:
			res.Summary.Created++
		case Updated:
			res.Summary.Updated++
		case Deleted:
			res.Summary.Deleted++
		case Replaced:
			res.Summary.Replaced++
		case Published:
			res.Summary.Published++
		case Unchanged:
			res.Summary.Unchanged++
		case Failed:
			res.Summary.Failed++
			errs = multierror.Append(errs, s.Err)
		case Conflict:
			res.Summary.Conflicts++
			res.Conflicts = append(res.Conflicts, s.Address)
			errs = multierror.Append(errs, s.Err)
		case Skipped:
			res.Summary.Skipped++
		}
	}
	if cycle != nil {
		errs = multierror.Append(errs, cycle)
	}
	if interrupted {
		cause := ctx.Err()
		if cause == nil {
			cause = errors.New("stopped before every step started")
		}
		errs = multierror.Append(errs, fmt.Errorf("apply: interrupted: %w", cause))
	}
	return res, errs.ErrorOrNil()
}

// step runs one change and says what happened.
func (r *run) step(ctx context.Context, c *planner.Change) (StepAction, error) {
	outcome, err := r.do(ctx, c)
	var changed *CodeChangedError
	switch {
	case err == nil:
		return outcome, nil
	case c.Action == planner.ActionDelete && fc.IsNotFound(err):
		return Deleted, nil // gone already: what the plan wanted
	case fc.IsPreconditionFailed(err),
		c.Action == planner.ActionCreate && fc.IsAlreadyExists(err),
		c.Action == planner.ActionUpdate && fc.IsNotFound(err):
		return Conflict, &ConflictError{Address: c.Address, Subject: c.Subject(), Err: err}
	case errors.As(err, &changed):
		return Failed, err // names the function already
	}
	return Failed, fmt.Errorf("%s: %s: %w", c.Subject(), c.Action, err)
}

func (r *run) setETag(address, etag string) {
	r.mu.Lock()
	r.etags[address] = etag
	r.mu.Unlock()
}

// etag is the ETag to send as If-Match for address: the one this apply
// produced, else the one seen at plan time.
func (r *run) etag(address, planned string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.etags[address]; ok {
		return e
	}
	return planned
}

func (r *run) do(ctx context.Context, c *planner.Change) (StepAction, error) {
	switch c.Kind {
	case planner.KindService:
		return r.service(ctx, c)
	case planner.KindFunction:
		return r.function(ctx, c)
	case planner.KindTrigger:
		return r.trigger(ctx, c)
	case planner.KindVersion:
		return r.version(ctx, c)
	case planner.KindAlias:
		return r.alias(ctx, c)
	}
	return r.current(ctx, c)
}

func needInput[T any](c *planner.Change, in *T) (*T, error) {
	if in == nil {
		return nil, fmt.Errorf("the plan carries no input for this %s", c.Action)
	}
	return in, nil
}

func (r *run) service(ctx context.Context, c *planner.Change) (StepAction, error) {
	outcome, err := r.serviceConfig(ctx, c)
	if err == nil && c.Action != planner.ActionDelete {
		if err = r.tags(ctx, c); err != nil {
			return Failed, err
		}
	}
	return outcome, err
}

func (r *run) serviceConfig(ctx context.Context, c *planner.Change) (StepAction, error) {
	if c.TagsOnly() {
		return Updated, nil
	}
	switch c.Action {
	case planner.ActionCreate:
		in, err := needInput(c, c.ServiceInput)
		if err != nil {
			return Failed, err
		}
		return r.write(ctx, c, in, Created, func() (string, error) {
			s, err := r.api.CreateService(ctx, *in)
			return etagOf(s, err)
		})
	case planner.ActionUpdate:
		in, err := needInput(c, c.ServiceInput)
		if err != nil {
			return Failed, err
		}
		return r.write(ctx, c, in, Updated, func() (string, error) {
			s, err := r.api.UpdateService(ctx, c.Service, *in, c.ETag)
			return etagOf(s, err)
		})
	case planner.ActionDelete:
		return r.write(ctx, c, nil, Deleted, func() (string, error) { return "", r.api.DeleteService(ctx, c.Service, c.ETag) })
	}
	return Failed, fmt.Errorf("action %q is not one a service takes", c.Action)
}

// CodeChangedError says the code to upload is not the code that was planned.
type CodeChangedError struct {
	Subject          string
	Planned, Current string
}

func (e *CodeChangedError) Error() string {
	return fmt.Sprintf("code of %s changed since the plan (planned checksum %s, now %s): run plan again", e.Subject, e.Planned, e.Current)
}

func (r *run) code(ctx context.Context, c *planner.Change) (*fc.Code, error) {
	if c.Code == nil || !c.Code.Upload {
		return nil, nil
	}
	if c.Code.OSSObject != "" {
		return &fc.Code{OSSBucketName: c.Code.OSSBucket, OSSObjectName: c.Code.OSSObject}, nil
	}
	zip, err := r.opt.Code.Code(ctx, c.Service, c.Function, c.Code.After)
	if err != nil {
		return nil, fmt.Errorf("read code: %w", err)
	}
	if sum := fc.CodeChecksum(zip); sum != c.Code.After {
		return nil, &CodeChangedError{Subject: "function " + c.Service + "/" + c.Function, Planned: c.Code.After, Current: sum}
	}
	return &fc.Code{ZipFile: base64.StdEncoding.EncodeToString(zip)}, nil
}

func (r *run) function(ctx context.Context, c *planner.Change) (StepAction, error) {
	if c.Action == planner.ActionDelete {
		return r.write(ctx, c, nil, Deleted, func() (string, error) { return "", r.api.DeleteFunction(ctx, c.Service, c.Function, c.ETag) })
	}
	in, err := needInput(c, c.FunctionInput)
	if err != nil {
		return Failed, err
	}
	send := *in
	if send.Code, err = r.code(ctx, c); err != nil {
		return Failed, err
	}
	if send.Layers, err = r.functionLayers(c, send.Layers); err != nil {
		return Failed, err
	}
	switch c.Action {
	case planner.ActionCreate:
		return r.write(ctx, c, &send, Created, func() (string, error) {
			f, err := r.api.CreateFunction(ctx, c.Service, send)
			return etagOf(f, err)
		})
	case planner.ActionUpdate:
		return r.write(ctx, c, &send, Updated, func() (string, error) {
			f, err := r.api.UpdateFunction(ctx, c.Service, c.Function, send, c.ETag)
			return etagOf(f, err)
		})
	}
	return Failed, fmt.Errorf("action %q is not one a function takes", c.Action)
}

func (r *run) trigger(ctx context.Context, c *planner.Change) (StepAction, error) {
	switch c.Action {
	case planner.ActionDelete:
		return r.write(ctx, c, nil, Deleted, func() (string, error) {
			return "", r.api.DeleteTrigger(ctx, c.Service, c.Function, c.Name, c.ETag)
		})
	case planner.ActionCreate, planner.ActionUpdate, planner.ActionReplace:
	default:
		return Failed, fmt.Errorf("action %q is not one a trigger takes", c.Action)
	}
	in, err := needInput(c, c.TriggerInput)
	if err != nil {
		return Failed, err
	}
	switch c.Action {
	case planner.ActionCreate:
		return r.write(ctx, c, in, Created, func() (string, error) {
			t, err := r.api.CreateTrigger(ctx, c.Service, c.Function, *in)
			return etagOf(t, err)
		})
	case planner.ActionUpdate:
		return r.write(ctx, c, in, Updated, func() (string, error) {
			t, err := r.api.UpdateTrigger(ctx, c.Service, c.Function, c.Name, *in, c.ETag)
			return etagOf(t, err)
		})
	}
	// Replace: the type cannot change in place.
	if err := r.api.DeleteTrigger(ctx, c.Service, c.Function, c.Name, c.ETag); err != nil {
		return Failed, err
	}
	t, err := r.api.CreateTrigger(ctx, c.Service, c.Function, *in)
	if err != nil {
		return Failed, fmt.Errorf("deleted, but creating it again failed: %w", err)
	}
	r.setETag(c.Address, t.ETag)
	return Replaced, nil
}

func (r *run) version(ctx context.Context, c *planner.Change) (StepAction, error) {
	switch c.Action {
	case planner.ActionDelete:
		return Deleted, r.api.DeleteVersion(ctx, c.Service, c.Name)
	case planner.ActionPublish:
	default:
		return Failed, fmt.Errorf("action %q is not one a version takes", c.Action)
	}
	// If-Match guards the service; if this apply changed the service,
	// its new ETag is the one to match.
	ifMatch := r.etag(planner.ServiceAddress(c.Service), c.ETag)
	// A publish whose answer was lost is sent again: if it happened, the
	// server now says nothing changed, which the branch below settles.
	var v *fc.Version
	err := resend(ctx, func() (err error) {
		v, err = r.api.PublishVersion(ctx, c.Service, c.VersionDescription, ifMatch)
		return err
	})
	if fc.IsCode(err, fc.CodeVersionPublishError) {
		// The content is already the newest version's (a change reverted
		// to it, or another apply published it): nothing to publish, and
		// aliases follow that version.
		versions, lerr := r.api.ListAllVersions(ctx, c.Service)
		if lerr != nil || len(versions) == 0 {
			return Failed, err
		}
		r.setPublished(c.Service, versions[0].VersionID)
		return Unchanged, nil
	}
	if err != nil {
		return Failed, err
	}
	r.setPublished(c.Service, v.VersionID)
	return Published, nil
}

func (r *run) setPublished(service, id string) {
	r.mu.Lock()
	r.published[service] = id
	r.mu.Unlock()
}

func (r *run) alias(ctx context.Context, c *planner.Change) (StepAction, error) {
	if c.Action == planner.ActionDelete {
		return r.write(ctx, c, nil, Deleted, func() (string, error) { return "", r.api.DeleteAlias(ctx, c.Service, c.Name, c.ETag) })
	}
	in, err := needInput(c, c.AliasInput)
	if err != nil {
		return Failed, err
	}
	send := *in
	if c.AliasToPublished {
		r.mu.Lock()
		id, ok := r.published[c.Service]
		r.mu.Unlock()
		if !ok {
			return Failed, fmt.Errorf("it follows the version this apply publishes, but no version of service %s was published", c.Service)
		}
		send.VersionID = &id
	}
	switch c.Action {
	case planner.ActionCreate:
		return r.write(ctx, c, &send, Created, func() (string, error) {
			a, err := r.api.CreateAlias(ctx, c.Service, send)
			return etagOf(a, err)
		})
	case planner.ActionUpdate:
		return r.write(ctx, c, &send, Updated, func() (string, error) {
			a, err := r.api.UpdateAlias(ctx, c.Service, c.Name, send, c.ETag)
			return etagOf(a, err)
		})
	}
	return Failed, fmt.Errorf("action %q is not one an alias takes", c.Action)
}

// etagOf is the ETag of a resource a write returned.
func etagOf[T interface {
	*fc.Service | *fc.Function | *fc.Trigger | *fc.Alias
}](res T, err error) (string, error) {
	if err != nil || res == nil {
		return "", err
	}
	switch v := any(res).(type) {
	case *fc.Service:
		return v.ETag, nil
	case *fc.Function:
		return v.ETag, nil
	case *fc.Trigger:
		return v.ETag, nil
	case *fc.Alias:
		return v.ETag, nil
	}
	return "", nil
}
