package planner

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/fcdeploy/fcdeploy/fc"
)

// API is the part of *fc.Client the planner reads with.
type API interface {
	GetService(ctx context.Context, service, qualifier string) (*fc.Service, error)
	GetFunction(ctx context.Context, service, qualifier, function string) (*fc.Function, error)
	ListAllFunctions(ctx context.Context, service, qualifier string) ([]fc.Function, error)
	GetTrigger(ctx context.Context, service, function, trigger string) (*fc.Trigger, error)
	ListAllTriggers(ctx context.Context, service, function string) ([]fc.Trigger, error)
	ListAllVersions(ctx context.Context, service string) ([]fc.Version, error)
	GetAlias(ctx context.Context, service, alias string) (*fc.Alias, error)
	ListAllAliases(ctx context.Context, service string) ([]fc.Alias, error)
}

// Live is the live state of the declared services of one account.
type Live struct {
	Services map[string]*LiveService
}

// LiveService is one service as it is live. Service is nil when the service
// does not exist (and then everything else is empty).
type LiveService struct {
	Service   *fc.Service
	Functions map[string]*fc.Function
	// Triggers by function name, then trigger name.
	Triggers map[string]map[string]*fc.Trigger
	// Versions newest first.
	Versions []fc.Version
	Aliases  map[string]*fc.Alias
	// NewestVersionService and NewestVersionFunctions are the service and
	// its functions as of the newest version (nil without versions), to
	// tell whether LATEST differs from it.
	NewestVersionService   *fc.Service
	NewestVersionFunctions map[string]*fc.Function
}

// NewestVersion is the id of the newest version, or "".
func (s *LiveService) NewestVersion() string {
	if s == nil || len(s.Versions) == 0 {
		return ""
	}
	return s.Versions[0].VersionID
}

// ReadOptions tune ReadLive.
type ReadOptions struct {
	// Parallelism bounds concurrent requests; 0 means 8.
	Parallelism int
}

// ReadLive reads the live state of the named services, and nothing else.
// Lists find the resources; each function, trigger and alias is then read
// on its own because only single reads carry the ETag that later guards
// updates and deletes. Requests run in parallel, at most opt.Parallelism at
// a time.
func ReadLive(ctx context.Context, api API, services []string, opt ReadOptions) (*Live, error) {
	limit := opt.Parallelism
	if limit <= 0 {
		limit = 8
	}
	live := &Live{Services: make(map[string]*LiveService, len(services))}
	for _, name := range services {
		live.Services[name] = &LiveService{
			Functions: map[string]*fc.Function{},
			Triggers:  map[string]map[string]*fc.Trigger{},
			Aliases:   map[string]*fc.Alias{},
		}
	}
	var mu sync.Mutex // guards the maps of every LiveService

	// Phase 1: each service and its lists.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for _, name := range services {
		ls := live.Services[name]
		g.Go(func() error {
			svc, err := api.GetService(gctx, name, "")
			if fc.IsNotFound(err) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("service %s: read: %w", name, err)
			}
			mu.Lock()
			ls.Service = svc
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}

	type listed struct {
		functions []fc.Function
		aliases   []fc.Alias
	}
	lists := make(map[string]*listed)
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for _, name := range services {
		ls := live.Services[name]
		if ls.Service == nil {
			continue
		}
		l := &listed{}
		lists[name] = l
		g.Go(func() error {
			fns, err := api.ListAllFunctions(gctx, name, "")
			if err != nil {
				return fmt.Errorf("service %s: list functions: %w", name, err)
			}
			l.functions = fns
			return nil
		})
		g.Go(func() error {
			vs, err := api.ListAllVersions(gctx, name)
			if err != nil {
				return fmt.Errorf("service %s: list versions: %w", name, err)
			}
			ls.Versions = vs
			return nil
		})
		g.Go(func() error {
			as, err := api.ListAllAliases(gctx, name)
			if err != nil {
				return fmt.Errorf("service %s: list aliases: %w", name, err)
			}
			l.aliases = as
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}

	// Phase 2: every function, its trigger list, every alias, and the
	// newest version's snapshot.
	type triggerRef struct{ service, function, trigger string }
	var (
		triggerRefs []triggerRef
	)
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for _, name := range services {
		ls, l := live.Services[name], lists[name]
		if l == nil {
			continue
		}
		for _, f := range l.functions {
			fn := f.FunctionName
			g.Go(func() error {
				got, err := api.GetFunction(gctx, name, "", fn)
				if fc.IsNotFound(err) {
					return nil // deleted since the list
				}
				if err != nil {
					return fmt.Errorf("function %s/%s: read: %w", name, fn, err)
				}
				trs, err := api.ListAllTriggers(gctx, name, fn)
				if fc.IsNotFound(err) {
					return nil
				}
				if err != nil {
					return fmt.Errorf("function %s/%s: list triggers: %w", name, fn, err)
				}
				mu.Lock()
				defer mu.Unlock()
				ls.Functions[fn] = got
				ls.Triggers[fn] = map[string]*fc.Trigger{}
				for _, t := range trs {
					triggerRefs = append(triggerRefs, triggerRef{name, fn, t.TriggerName})
				}
				return nil
			})
		}
		for _, a := range l.aliases {
			alias := a.AliasName
			g.Go(func() error {
				got, err := api.GetAlias(gctx, name, alias)
				if fc.IsNotFound(err) {
					return nil
				}
				if err != nil {
					return fmt.Errorf("alias %s/%s: read: %w", name, alias, err)
				}
				mu.Lock()
				ls.Aliases[alias] = got
				mu.Unlock()
				return nil
			})
		}
		if newest := ls.NewestVersion(); newest != "" {
			g.Go(func() error {
				svc, err := api.GetService(gctx, name, newest)
				if err != nil {
					return fmt.Errorf("service %s: read version %s: %w", name, newest, err)
				}
				fns, err := api.ListAllFunctions(gctx, name, newest)
				if err != nil {
					return fmt.Errorf("service %s: list functions of version %s: %w", name, newest, err)
				}
				m := make(map[string]*fc.Function, len(fns))
				for i := range fns {
					m[fns[i].FunctionName] = &fns[i]
				}
				mu.Lock()
				ls.NewestVersionService = svc
				ls.NewestVersionFunctions = m
				mu.Unlock()
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}

	// Phase 3: every trigger, for its ETag.
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for _, r := range triggerRefs {
		g.Go(func() error {
			got, err := api.GetTrigger(gctx, r.service, r.function, r.trigger)
			if fc.IsNotFound(err) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("trigger %s/%s/%s: read: %w", r.service, r.function, r.trigger, err)
			}
			mu.Lock()
			live.Services[r.service].Triggers[r.function][r.trigger] = got
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return live, nil
}
