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
	// Services read with a list have no ETag yet: read each one the plan
	// changes or publishes once, before the rest.
	services := map[string]bool{}
	for i := range plan.Changes {
		c := &plan.Changes[i]
		if ls := live.Services[c.Service]; c.ETag == "" && ls != nil && ls.Service != nil && ls.Service.ETag == "" &&
			(c.Kind == KindService && c.NeedsETag() || c.Kind == KindVersion && c.Action == ActionPublish) {
			services[c.Service] = true
		}
	}
	// The live state is left as read (saved plans stamp it as listed).
	serviceETags := map[string]string{}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for name := range services {
		ls := live.Services[name]
		g.Go(func() error {
			etag, err := readServiceETag(gctx, api, name, ls.Service)
			if err != nil {
				return err
			}
			mu.Lock()
			serviceETags[name] = etag
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for i := range plan.Changes {
		c := &plan.Changes[i]
		ls := live.Services[c.Service]
		if c.ETag == "" && (c.Kind == KindVersion && c.Action == ActionPublish || c.Kind == KindService) && serviceETags[c.Service] != "" {
			c.ETag = serviceETags[c.Service] // a publish is guarded by its service's
			continue
		}
		if c.ETag != "" || !c.NeedsETag() {
			continue
		}
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

// readServiceETag reads a service listed without its ETag and checks it is
// the one listed.
func readServiceETag(ctx context.Context, api API, name string, listed *fc.Service) (string, error) {
	subject := "service " + name
	got, err := api.GetService(ctx, name, "")
	if fc.IsNotFound(err) {
		return "", &StalePlanError{Reason: subject + " was deleted while the plan was being made"}
	}
	if err != nil {
		return "", fmt.Errorf("%s: read its ETag: %w", subject, err)
	}
	if got.LastModifiedTime != listed.LastModifiedTime {
		return "", &StalePlanError{Reason: fmt.Sprintf("%s changed while the plan was being made (modified at %s, then at %s)", subject, listed.LastModifiedTime, got.LastModifiedTime)}
	}
	return got.ETag, nil
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
