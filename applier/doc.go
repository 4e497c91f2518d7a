// Package applier executes a planner.Plan against a Function Compute
// account: exactly the plan's changes, in dependency order, independent
// steps in parallel (bounded), every update and delete guarded by If-Match
// with the ETag seen at plan time, and code uploaded only when the plan says
// so and only if its bytes still have the planned checksum.
//
// A step whose precondition fails (412, or AlreadyExists on a create) is a
// conflict: the live state changed since the plan. A failed or conflicting
// step skips its dependents while independent branches go on; every error is
// reported together at the end.
//
// The kinds of today's API (layers, custom domains, async invoke and
// provision configs, service tags; current.go) need an API implementing
// CurrentAPI, and a layer's bytes a LayerCodeProvider; a plan that needs
// what was not given is refused before anything is sent. Layer versions
// and these configs carry no ETag: their writes are idempotent puts
// (resent when the answer was lost) or settled by reading back.
//
// It owns the apply-time vocabulary (past-tense StepAction, Event phases)
// and the Result. It must not plan, read live state beyond what a step
// needs, or print: progress goes to Options.OnEvent and the caller decides
// how to show it.
package applier
