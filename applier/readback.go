package applier

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/planner"
)

// Reader is the part of *fc.Client that reads single resources back. When
// the API given to Apply has it, a write whose outcome is unknown (the
// connection broke after sending), that meets AlreadyExists, or whose
// If-Match failed is resolved by reading the resource: if it already holds
// what the step sent, the step is done (another apply of the same project,
// or our own lost answer, put it there); otherwise it is a conflict.
type Reader interface {
	GetService(ctx context.Context, service, qualifier string) (*fc.Service, error)
	GetFunction(ctx context.Context, service, qualifier, function string) (*fc.Function, error)
	GetTrigger(ctx context.Context, service, function, trigger string) (*fc.Trigger, error)
	GetAlias(ctx context.Context, service, alias string) (*fc.Alias, error)
}

// outcomeUnknown reports whether a write failed in a way that leaves open
// whether the server applied it: no answer (the connection broke after
// sending, a timeout) or a server error.
func outcomeUnknown(ctx context.Context, err error) bool {
	if err == nil || ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return false
	}
	e := fc.AsAPIError(err)
	return e == nil || e.HTTPStatus >= 500 && !fc.IsThrottled(err)
}

// liveState is a resource read back: its JSON, its ETag and, for functions,
// its code checksum.
type liveState struct {
	exists   bool
	body     any
	etag     string
	checksum string
}

// readBack reads the resource of c; a missing one is exists == false.
func (r *run) readBack(ctx context.Context, c *planner.Change) (liveState, error) {
	rd, ok := r.api.(Reader)
	if !ok {
		return liveState{}, errors.New("the API cannot read resources back")
	}
	var (
		body     any
		etag     string
		checksum string
		err      error
	)
	switch c.Kind {
	case planner.KindService:
		var s *fc.Service
		if s, err = rd.GetService(ctx, c.Service, ""); err == nil {
			body, etag = s, s.ETag
		}
	case planner.KindFunction:
		var f *fc.Function
		if f, err = rd.GetFunction(ctx, c.Service, "", c.Function); err == nil {
			body, etag, checksum = f, f.ETag, f.CodeChecksum
		}
	case planner.KindTrigger:
		var t *fc.Trigger
		if t, err = rd.GetTrigger(ctx, c.Service, c.Function, c.Name); err == nil {
			body, etag = t, t.ETag
		}
	case planner.KindAlias:
		var a *fc.Alias
		if a, err = rd.GetAlias(ctx, c.Service, c.Name); err == nil {
			body, etag = a, a.ETag
		}
	default:
		return liveState{}, fmt.Errorf("%s resources are not read back", c.Kind)
	}
	if fc.IsNotFound(err) {
		return liveState{}, nil
	}
	if err != nil {
		return liveState{}, err
	}
	return liveState{exists: true, body: body, etag: etag, checksum: checksum}, nil
}

// holds reports whether live already has every field that sent sets, and
// the planned code: applying sent again would change nothing.
func (l liveState) holds(c *planner.Change, sent any) bool {
	if !l.exists {
		return false
	}
	if c.Code != nil && c.Code.Upload && l.checksum != c.Code.After {
		return false
	}
	return inputReflected(sent, l.body)
}

// inputReflected compares, field by field of the input's JSON, the values an
// input sets with the resource's: nil, {} and [] are alike, and code is
// compared by checksum elsewhere.
func inputReflected(in, live any) bool {
	want, err := jsonObject(in)
	if err != nil {
		return false
	}
	have, err := jsonObject(live)
	if err != nil {
		return false
	}
	for k, v := range want {
		if k == "code" {
			continue
		}
		if !sameJSON(v, have[k]) {
			return false
		}
	}
	return true
}

func jsonObject(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return m, d.Decode(&m)
}

func sameJSON(a, b any) bool {
	if empty(a) && empty(b) {
		return true
	}
	switch a := a.(type) {
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok || len(bm) != len(a) {
			return false
		}
		for k, v := range a {
			if !sameJSON(v, bm[k]) {
				return false
			}
		}
		return true
	case []any:
		bl, ok := b.([]any)
		if !ok || len(bl) != len(a) {
			return false
		}
		for i := range a {
			if !sameJSON(a[i], bl[i]) {
				return false
			}
		}
		return true
	case json.Number:
		bn, ok := b.(json.Number)
		if !ok {
			return false
		}
		af, aerr := a.Float64()
		bf, berr := bn.Float64()
		return aerr == nil && berr == nil && af == bf
	}
	return a == b
}

func empty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(v) == 0
	case []any:
		return len(v) == 0
	}
	return false
}

// write sends one write of c (sent is its input, nil for deletes) and
// settles a failure: a write that may have happened, met AlreadyExists or met
// a changed ETag is done when the resource already holds what was sent (its
// ETag is kept for later steps); a delete is done when the resource is gone;
// a create whose answer was lost and that did not happen is sent again.
// Anything else keeps the write's error.
func (r *run) write(ctx context.Context, c *planner.Change, sent any, done StepAction, send func() (etag string, err error)) (StepAction, error) {
	for attempt := 0; ; attempt++ {
		etag, err := send()
		if err == nil {
			if etag != "" {
				r.setETag(c.Address, etag)
			}
			return done, nil
		}
		unknown := outcomeUnknown(ctx, err)
		if !unknown && !fc.IsAlreadyExists(err) && !fc.IsPreconditionFailed(err) {
			return Failed, err
		}
		live, rerr := r.readBack(ctx, c)
		switch {
		case rerr != nil:
			return Failed, err
		case c.Action == planner.ActionDelete && !live.exists:
			return done, nil
		case c.Action != planner.ActionDelete && live.holds(c, sent):
			r.setETag(c.Address, live.etag)
			return done, nil
		case unknown && c.Action == planner.ActionCreate && !live.exists && attempt < maxResends:
			continue
		}
		return Failed, err
	}
}

// maxResends bounds how often a create whose answer was lost is sent again.
const maxResends = 3
