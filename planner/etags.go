package planner

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/fcdeploy/fcdeploy/fc"
)

// NeedsETag reports whether applying c sends If-Match with the resource's
// ETag: updates, replacements and deletes of services, functions, triggers
// and aliases (a publish is guarded by the service's, which ReadLive has).
func (c *Change) NeedsETag() bool {
	switch c.Kind {
	case KindService, KindFunction, KindTrigger, KindAlias:
	default:
		return false
	}
	switch c.Action {
	case ActionUpdate, ActionReplace, ActionDelete:
		return true
	}
	return false
}

// ResolveETags reads the ETag of every resource plan changes, which list
// calls do not carry, one request each. Each resource read must still be the
// one the plan was computed from (same modification time, and for a
// function the same code): if it changed in between, the plan is stale and
// a *StalePlanError says so, since its ETag would let the apply overwrite a
// change nobody has seen.
func ResolveETags(ctx context.Context, api API, plan *Plan, live *Live, opt ReadOptions) error {
	limit := opt.Parallelism
	if limit <= 0 {
		limit = 8
	}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for i := range plan.Changes {
		c := &plan.Changes[i]
		if c.ETag != "" || !c.NeedsETag() {
			continue
		}
		ls := live.Services[c.Service]
		if ls == nil {
			return fmt.Errorf("%s: the plan changes it but the live state has no service %s", c.Subject(), c.Service)
		}
		g.Go(func() error {
			etag, err := readETag(gctx, api, c, ls)
			if err != nil {
				return err
			}
			mu.Lock()
			c.ETag = etag
			mu.Unlock()
			return nil
		})
	}
	return g.Wait()
}

// readETag reads one resource for its ETag and checks it is the one listed.
func readETag(ctx context.Context, api API, c *Change, ls *LiveService) (string, error) {
	var (
		etag, listedTime, readTime string
		listedCode, readCode       string
		err                        error
	)
	switch c.Kind {
	case KindService:
		if ls.Service == nil {
			return "", fmt.Errorf("%s: not in the live state", c.Subject())
		}
		return ls.Service.ETag, nil
	case KindFunction:
		listed := ls.Functions[c.Function]
		if listed == nil {
			return "", fmt.Errorf("%s: not in the live state", c.Subject())
		}
		var f *fc.Function
		if f, err = api.GetFunction(ctx, c.Service, "", c.Function); err == nil {
			etag, readTime, readCode = f.ETag, f.LastModifiedTime, f.CodeChecksum
			listedTime, listedCode = listed.LastModifiedTime, listed.CodeChecksum
		}
	case KindTrigger:
		listed := ls.Triggers[c.Function][c.Name]
		if listed == nil {
			return "", fmt.Errorf("%s: not in the live state", c.Subject())
		}
		var t *fc.Trigger
		if t, err = api.GetTrigger(ctx, c.Service, c.Function, c.Name); err == nil {
			etag, readTime, listedTime = t.ETag, t.LastModifiedTime, listed.LastModifiedTime
		}
	case KindAlias:
		listed := ls.Aliases[c.Name]
		if listed == nil {
			return "", fmt.Errorf("%s: not in the live state", c.Subject())
		}
		var a *fc.Alias
		if a, err = api.GetAlias(ctx, c.Service, c.Name); err == nil {
			etag, readTime, listedTime = a.ETag, a.LastModifiedTime, listed.LastModifiedTime
		}
	}
	if fc.IsNotFound(err) {
		return "", &StalePlanError{Reason: c.Subject() + " was deleted while the plan was being made"}
	}
	if err != nil {
		return "", fmt.Errorf("%s: read its ETag: %w", c.Subject(), err)
	}
	if readTime != listedTime || readCode != listedCode {
		return "", &StalePlanError{Reason: fmt.Sprintf("%s changed while the plan was being made (modified at %s, then at %s)", c.Subject(), listedTime, readTime)}
	}
	return etag, nil
}
