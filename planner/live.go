package planner

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

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
	// Current says the kinds of today's API were read (the API given to
	// ReadLive implements CurrentAPI); the rest is empty otherwise.
	Current bool
	// Layers is the newest version of every layer of the account;
	// LayerVersions the version numbers of the layers the project owns
	// (named in its services' TagLayers tags).
	Layers        map[string]*fc.Layer
	LayerVersions map[string][]int32
	// CustomDomains are the account's custom domains.
	CustomDomains map[string]*fc.CustomDomain
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
	// Tags of the service; AsyncConfigs by function then qualifier
	// (LATEST for none); Provisions with a target above 0 by
	// ProvisionKey(alias, function). Read only when Live.Current.
	Tags         map[string]string
	AsyncConfigs map[string]map[string]*fc.AsyncConfig
	Provisions   map[string]*fc.ProvisionConfig
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
	// Target names the account, for the ARNs of service tags; without
	// it the partial ARN services/NAME is used.
	Target Target
	// AsyncConfigsOf says which functions' async invoke configs to list,
	// one request each; nil lists every function's. A plan without
	// --prune needs only the functions that declare one: an undeclared
	// config is neither changed nor deleted then.
	AsyncConfigsOf func(service, function string) bool
	// ClaimedBy, when set, is the project whose services (tagged
	// fcdeploy:project) are read with one list rather than one read each.
	ClaimedBy string
}

// DeclaredAsyncConfigs is ReadOptions.AsyncConfigsOf for a plan of d
// without --prune: the functions that declare asyncInvokeConfig.
func DeclaredAsyncConfigs(d *Desired) func(service, function string) bool {
	declared := map[string]bool{}
	for _, s := range d.Services {
		for _, f := range s.Functions {
			if f.AsyncConfig != nil {
				declared[s.Name+"/"+f.Name] = true
			}
		}
	}
	return func(service, function string) bool { return declared[service+"/"+function] }
}

// RecordedAsyncConfigs is ReadOptions.AsyncConfigsOf for checking a saved
// plan: the functions whose async configs it read or changes.
func (p *Plan) RecordedAsyncConfigs() func(service, function string) bool {
	read := map[string]bool{}
	for addr := range p.LiveETags {
		if rest, ok := strings.CutPrefix(addr, string(KindAsyncConfig)+"."); ok {
			parts := strings.SplitN(rest, "/", 3)
			if len(parts) == 3 {
				read[parts[0]+"/"+parts[1]] = true
			}
		}
	}
	for _, c := range p.Changes {
		if c.Kind == KindAsyncConfig {
			read[c.Service+"/"+c.Function] = true
		}
	}
	return func(service, function string) bool { return read[service+"/"+function] }
}

// claimedLister lists the services carrying tags (fc.Client has it).
type claimedLister interface {
	ListAllServicesByTags(ctx context.Context, prefix string, tags map[string]string) ([]fc.Service, error)
}

// listClaimed lists the services tagged as project's, by name; nil when
// project is empty or the API cannot filter by tags.
func listClaimed(ctx context.Context, api API, project string) (map[string]*fc.Service, error) {
	cl, ok := api.(claimedLister)
	if project == "" || !ok {
		return nil, nil
	}
	svcs, err := cl.ListAllServicesByTags(ctx, "", map[string]string{TagProject: project})
	if err != nil {
		return nil, fmt.Errorf("list the services of project %s: %w", project, err)
	}
	out := make(map[string]*fc.Service, len(svcs))
	for i := range svcs {
		svcs[i].ETag = "" // lists carry none; never trust one
		out[svcs[i].ServiceName] = &svcs[i]
	}
	return out, nil
}

// ReadLive reads the live state of the named services, and nothing else,
// with list calls: lists carry whole objects, so a function costs one
// request (its trigger list) and a service a handful. Lists carry no ETags:
// ResolveETags reads them afterwards for just the resources a plan changes.
// Requests run in parallel, at most opt.Parallelism at a time.
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

	// Phase 1: each service. The services the project claims come from
	// one list (whole objects, no ETag; ResolveETags reads the ETags of
	// those the plan changes); the others, unclaimed or absent, are read
	// one by one.
	claimed, err := listClaimed(ctx, api, opt.ClaimedBy)
	if err != nil {
		return nil, err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for _, name := range services {
		ls := live.Services[name]
		if svc := claimed[name]; svc != nil {
			ls.Service = svc
			continue
		}
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

	// Phase 2: the lists of each service.
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for _, name := range services {
		ls := live.Services[name]
		if ls.Service == nil {
			continue
		}
		g.Go(func() error {
			fns, err := api.ListAllFunctions(gctx, name, "")
			if err != nil {
				return fmt.Errorf("service %s: list functions: %w", name, err)
			}
			mu.Lock()
			defer mu.Unlock()
			for i := range fns {
				ls.Functions[fns[i].FunctionName] = &fns[i]
			}
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
			mu.Lock()
			defer mu.Unlock()
			for i := range as {
				ls.Aliases[as[i].AliasName] = &as[i]
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}

	// Phase 3: each function's triggers, and the newest version's snapshot.
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for _, name := range services {
		ls := live.Services[name]
		if ls.Service == nil {
			continue
		}
		for fn := range ls.Functions {
			g.Go(func() error {
				trs, err := api.ListAllTriggers(gctx, name, fn)
				if fc.IsNotFound(err) {
					return nil // deleted since the list
				}
				if err != nil {
					return fmt.Errorf("function %s/%s: list triggers: %w", name, fn, err)
				}
				m := make(map[string]*fc.Trigger, len(trs))
				for i := range trs {
					m[trs[i].TriggerName] = &trs[i]
				}
				mu.Lock()
				ls.Triggers[fn] = m
				mu.Unlock()
				return nil
			})
		}
		if len(ls.Versions) > 0 {
			newest := ls.Versions[0]
			g.Go(func() error {
				svc := ls.Service
				// The service as of the version is the live one when it was
				// not modified after the version was made: one read saved.
				if !before(ls.Service.LastModifiedTime, newest.CreatedTime) {
					var err error
					if svc, err = api.GetService(gctx, name, newest.VersionID); err != nil {
						return fmt.Errorf("service %s: read version %s: %w", name, newest.VersionID, err)
					}
				}
				fns, err := api.ListAllFunctions(gctx, name, newest.VersionID)
				if err != nil {
					return fmt.Errorf("service %s: list functions of version %s: %w", name, newest.VersionID, err)
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
	// A function deleted between its list and its trigger list is gone.
	for _, ls := range live.Services {
		for fn := range ls.Functions {
			if _, ok := ls.Triggers[fn]; !ok {
				delete(ls.Functions, fn)
			}
		}
	}
	if cur, ok := api.(CurrentAPI); ok {
		if err := readCurrent(ctx, cur, live, opt, limit); err != nil {
			return nil, err
		}
	}
	return live, nil
}

// before reports whether API time a is strictly before b; false when
// either does not parse, so the caller reads rather than guesses.
func before(a, b string) bool {
	ta, err1 := time.Parse(fc.TimeFormat, a)
	tb, err2 := time.Parse(fc.TimeFormat, b)
	return err1 == nil && err2 == nil && ta.Before(tb)
}
