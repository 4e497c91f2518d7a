package planner

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/fcdeploy/fcdeploy/fc"
)

// The kinds of today's API: layers and custom domains (account-wide),
// a function's async invoke configs, an alias's provisioned instances and
// a service's tags. They are read with list calls like the rest, diffed
// field by field, and ordered around the resources they point at: layers
// before the functions using them, functions before the domains, async
// configs and provision configs pointing at them, deletes in reverse.

// Tags fcdeploy sets on every service it manages: the project it belongs
// to (so import and adoption can tell what a project owns), and the
// layers the project publishes (so that --prune and destroy know which
// layers are its own: layers carry no tags).
const (
	TagProject = "fcdeploy:project"
	TagLayers  = "fcdeploy:layers"
)

// CurrentAPI is the part of *fc.Client that reads the kinds of today's
// API. ReadLive reads them when its API has it.
type CurrentAPI interface {
	ListAllLayers(ctx context.Context, prefix string) ([]fc.Layer, error)
	ListAllLayerVersions(ctx context.Context, layer string) ([]fc.Layer, error)
	ListAllCustomDomains(ctx context.Context, prefix string) ([]fc.CustomDomain, error)
	ListAllFunctionAsyncInvokeConfigs(ctx context.Context, service, function string) ([]fc.AsyncConfig, error)
	ListAllProvisionConfigs(ctx context.Context, service, alias string) ([]fc.ProvisionConfig, error)
	GetResourceTags(ctx context.Context, resourceARN string) (*fc.ResourceTags, error)
}

// DesiredLayer is one layer of the project. A version is published when
// the code's checksum, the description or the runtimes differ from the
// newest live version's (layer versions are immutable).
type DesiredLayer struct {
	Name              string
	Code              DesiredCode
	CompatibleRuntime []string
	Description       string
}

// DesiredCustomDomain is one custom domain; Input carries protocol and
// routeConfig.
type DesiredCustomDomain struct {
	Name  string
	Input fc.CustomDomainInput
}

// DesiredAsyncConfig is a function's async invoke configuration. OnSuccess
// and OnFailure are ARNs or SERVICE/FUNCTION of the project; Input's
// DestinationConfig is built from them.
type DesiredAsyncConfig struct {
	Qualifier string // "" means LATEST
	Input     fc.AsyncConfigInput
	OnSuccess string
	OnFailure string
}

// LayerAddress is "layer.NAME".
func LayerAddress(name string) string { return "layer." + name }

// CustomDomainAddress is "custom_domain.DOMAIN".
func CustomDomainAddress(domain string) string { return "custom_domain." + domain }

// AsyncConfigAddress is "async_config.SERVICE/FUNCTION/QUALIFIER".
func AsyncConfigAddress(service, function, qualifier string) string {
	return "async_config." + service + "/" + function + "/" + qualifier
}

// ProvisionAddress is "provision.SERVICE/FUNCTION/ALIAS".
func ProvisionAddress(service, function, alias string) string {
	return "provision." + service + "/" + function + "/" + alias
}

// ProvisionKey keys LiveService.Provisions.
func ProvisionKey(alias, function string) string { return alias + "/" + function }

// ServiceARN is the resource ARN of a service's tags on target; the
// partial services/NAME when the target's account or region is unknown.
func ServiceARN(t Target, service string) string {
	if t.AccountID == "" || t.Region == "" {
		return "services/" + service
	}
	return fc.ServiceARN(t.Region, t.AccountID, service)
}

// readCurrent reads the kinds of today's API for the services of live.
func readCurrent(ctx context.Context, api CurrentAPI, live *Live, opt ReadOptions, limit int) error {
	live.Current = true
	live.Layers = map[string]*fc.Layer{}
	live.LayerVersions = map[string][]int32{}
	live.CustomDomains = map[string]*fc.CustomDomain{}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	g.Go(func() error {
		ls, err := api.ListAllLayers(gctx, "")
		if err != nil {
			return fmt.Errorf("list layers: %w", err)
		}
		mu.Lock()
		defer mu.Unlock()
		for i := range ls {
			live.Layers[ls[i].LayerName] = &ls[i]
		}
		return nil
	})
	g.Go(func() error {
		ds, err := api.ListAllCustomDomains(gctx, "")
		if err != nil {
			return fmt.Errorf("list custom domains: %w", err)
		}
		mu.Lock()
		defer mu.Unlock()
		for i := range ds {
			live.CustomDomains[ds[i].DomainName] = &ds[i]
		}
		return nil
	})
	for name, ls := range live.Services {
		ls.AsyncConfigs = map[string]map[string]*fc.AsyncConfig{}
		ls.Provisions = map[string]*fc.ProvisionConfig{}
		ls.Tags = map[string]string{}
		if ls.Service == nil {
			continue
		}
		g.Go(func() error {
			t, err := api.GetResourceTags(gctx, ServiceARN(opt.Target, name))
			if err != nil && !fc.IsNotFound(err) {
				return fmt.Errorf("service %s: read tags: %w", name, err)
			}
			if t != nil {
				mu.Lock()
				maps.Copy(ls.Tags, t.Tags)
				mu.Unlock()
			}
			return nil
		})
		for fn := range ls.Functions {
			if opt.AsyncConfigsOf != nil && !opt.AsyncConfigsOf(name, fn) {
				continue
			}
			g.Go(func() error {
				acs, err := api.ListAllFunctionAsyncInvokeConfigs(gctx, name, fn)
				if fc.IsNotFound(err) {
					return nil
				}
				if err != nil {
					return fmt.Errorf("function %s/%s: list async invoke configs: %w", name, fn, err)
				}
				m := map[string]*fc.AsyncConfig{}
				for i := range acs {
					m[latest(acs[i].Qualifier)] = &acs[i]
				}
				mu.Lock()
				ls.AsyncConfigs[fn] = m
				mu.Unlock()
				return nil
			})
		}
	}
	// Provision configs: one list for the account rather than one per
	// service, started once every service has its map.
	g.Go(func() error {
		pcs, err := api.ListAllProvisionConfigs(gctx, "", "")
		if err != nil {
			return fmt.Errorf("list provision configs: %w", err)
		}
		mu.Lock()
		defer mu.Unlock()
		for i := range pcs {
			parts := strings.Split(pcs[i].Resource, "#")
			if len(parts) != 4 || pcs[i].Target <= 0 {
				continue
			}
			if ls := live.Services[parts[1]]; ls != nil && ls.Service != nil {
				ls.Provisions[ProvisionKey(parts[2], parts[3])] = &pcs[i]
			}
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return err
	}
	// The versions of the layers the project owns, for deletes.
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for _, name := range live.OwnedLayers() {
		if live.Layers[name] == nil {
			continue
		}
		g.Go(func() error {
			vs, err := api.ListAllLayerVersions(gctx, name)
			if err != nil && !fc.IsNotFound(err) {
				return fmt.Errorf("layer %s: list versions: %w", name, err)
			}
			ids := make([]int32, 0, len(vs))
			for _, v := range vs {
				ids = append(ids, v.Version)
			}
			slices.Sort(ids)
			mu.Lock()
			live.LayerVersions[name] = ids
			mu.Unlock()
			return nil
		})
	}
	return g.Wait()
}

// OwnedLayers lists the layers the project's live services name in their
// TagLayers tag.
func (l *Live) OwnedLayers() []string {
	set := map[string]bool{}
	for _, ls := range l.Services {
		for _, n := range splitLayers(ls.Tags[TagLayers]) {
			set[n] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

func splitLayers(v string) []string {
	var out []string
	for _, n := range strings.Split(v, ",") {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

func latest(q string) string {
	if q == "" {
		return fc.QualifierLatest
	}
	return q
}

// usesCurrent says whether d declares any kind of today's API.
func (d *Desired) usesCurrent() bool {
	if len(d.Layers) > 0 || len(d.CustomDomains) > 0 {
		return true
	}
	for _, s := range d.Services {
		if len(s.Tags) > 0 {
			return true
		}
		for _, f := range s.Functions {
			if f.AsyncConfig != nil {
				return true
			}
		}
		for _, a := range s.Aliases {
			if a.Provision != nil || len(a.ProvisionFunctions) > 0 {
				return true
			}
		}
	}
	return false
}

// currentDiff plans the kinds of today's API around the per-service diff.
type currentDiff struct {
	d    *Desired
	live *Live
	opt  Options
	plan *Plan
	// published names the layers this plan publishes; arns the version
	// ARN of the others.
	published map[string]bool
	arns      map[string]string
	declared  map[string]bool // layers of the project
	// functions: every declared SERVICE/FUNCTION
	functions map[string]bool
}

func newCurrentDiff(d *Desired, live *Live, opt Options, p *Plan) (*currentDiff, error) {
	if d.usesCurrent() && !live.Current {
		return nil, fmt.Errorf("the live state was read without layers, custom domains, async, provision and tag configuration: read it with an API implementing planner.CurrentAPI")
	}
	c := &currentDiff{d: d, live: live, opt: opt, plan: p, published: map[string]bool{}, arns: map[string]string{}, declared: map[string]bool{}, functions: map[string]bool{}}
	for _, s := range d.Services {
		for _, f := range s.Functions {
			c.functions[s.Name+"/"+f.Name] = true
		}
	}
	return c, nil
}

// layers plans a version of each declared layer whose content changed.
func (c *currentDiff) layers() error {
	ls := slices.Clone(c.d.Layers)
	slices.SortFunc(ls, func(a, b DesiredLayer) int { return strings.Compare(a.Name, b.Name) })
	for i, dl := range ls {
		if i > 0 && ls[i-1].Name == dl.Name {
			return fmt.Errorf("layer %s: declared twice", dl.Name)
		}
		c.declared[dl.Name] = true
		if dl.Code.Checksum == "" {
			return fmt.Errorf("layer %s: desired code has no checksum", dl.Name)
		}
		desc := dl.Description
		runtimes := slices.Clone(dl.CompatibleRuntime)
		if runtimes == nil {
			runtimes = []string{}
		}
		in := fc.PublishLayerVersionInput{LayerName: dl.Name, CompatibleRuntime: runtimes, Description: &desc}
		newest := c.live.Layers[dl.Name]
		code := &CodeChange{Upload: true, After: dl.Code.Checksum, Size: dl.Code.Size, Source: dl.Code.Source}
		if newest == nil {
			c.published[dl.Name] = true
			fcs := []FieldChange{{Path: "codeChecksum", After: dl.Code.Checksum}}
			if desc != "" {
				fcs = append(fcs, FieldChange{Path: "description", After: desc})
			}
			if len(runtimes) > 0 {
				fcs = append(fcs, FieldChange{Path: "compatibleRuntime", After: jsonValue(runtimes)})
			}
			c.plan.Changes = append(c.plan.Changes, Change{
				Address: LayerAddress(dl.Name), Kind: KindLayer, Action: ActionCreate, Name: dl.Name,
				FieldChanges: fcs, LayerInput: &in, Code: code, Reason: "the layer does not exist yet",
			})
			continue
		}
		var fcs []FieldChange
		if newest.CodeChecksum != dl.Code.Checksum {
			fcs = append(fcs, FieldChange{Path: "codeChecksum", Before: newest.CodeChecksum, After: dl.Code.Checksum})
		}
		if newest.Description != desc {
			fcs = append(fcs, FieldChange{Path: "description", Before: newest.Description, After: desc})
		}
		if !sameValue(jsonValue(sortedCopy(newest.CompatibleRuntime)), jsonValue(sortedCopy(runtimes))) {
			fcs = append(fcs, FieldChange{Path: "compatibleRuntime", Before: jsonValue(newest.CompatibleRuntime), After: jsonValue(runtimes)})
		}
		if len(fcs) == 0 {
			c.arns[dl.Name] = newest.ARN
			c.plan.NoOps++
			continue
		}
		c.published[dl.Name] = true
		code.Before = newest.CodeChecksum
		code.BeforeSize = newest.CodeSize
		c.plan.Changes = append(c.plan.Changes, Change{
			Address: LayerAddress(dl.Name), Kind: KindLayer, Action: ActionPublish, Name: dl.Name,
			FieldChanges: fcs, LayerInput: &in, Code: code,
			Reason: fmt.Sprintf("version %d differs (layer versions are immutable)", newest.Version),
		})
	}
	return nil
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// layerPlaceholder stands in a function's layers for the version of
// layer name that this plan publishes; the applier replaces it.
func layerPlaceholder(name string) string { return "(new version of layer " + name + ")" }

// resolveLayers returns services with every function's layer names
// replaced by the version ARN they resolve to (or the placeholder of the
// version this plan publishes).
func (c *currentDiff) resolveLayers(services []DesiredService) ([]DesiredService, error) {
	for i := range services {
		s := &services[i]
		s.Functions = slices.Clone(s.Functions)
		for j := range s.Functions {
			f := &s.Functions[j]
			if len(f.Config.Layers) == 0 {
				continue
			}
			refs := slices.Clone(f.Config.Layers)
			for k, ref := range refs {
				if strings.HasPrefix(ref, "acs:") {
					continue
				}
				switch {
				case c.published[ref]:
					refs[k] = layerPlaceholder(ref)
				case c.arns[ref] != "":
					refs[k] = c.arns[ref]
				default:
					return nil, fmt.Errorf("function %s/%s: layer %q is not declared by the project and is not a layer version ARN", s.Name, f.Name, ref)
				}
			}
			f.Config.Layers = refs
		}
	}
	return services, nil
}

// layerFunctions makes every function change using a layer this plan
// publishes go after it, with the ARN filled in at apply time.
func (c *currentDiff) layerFunctions() {
	for i := range c.plan.Changes {
		ch := &c.plan.Changes[i]
		if ch.Kind != KindFunction || ch.FunctionInput == nil {
			continue
		}
		for k, ref := range ch.FunctionInput.Layers {
			for l := range c.published {
				if ref == layerPlaceholder(l) {
					if ch.FunctionLayers == nil {
						ch.FunctionLayers = map[int]string{}
					}
					ch.FunctionLayers[k] = l
					ch.DependsOn = appendNew(ch.DependsOn, LayerAddress(l))
				}
			}
		}
		if len(ch.FunctionLayers) > 0 {
			for f := range ch.FieldChanges {
				if ch.FieldChanges[f].Path == "layers" {
					ch.FieldChanges[f].After, ch.FieldChanges[f].AfterUnknown = nil, true
				}
			}
		}
	}
}

// service plans the tags, async configs and provision configs of one
// declared service, after its own diff.
func (c *currentDiff) service(sd *serviceDiff) error {
	ds, ls := sd.ds, sd.ls
	name := ds.Name
	var out []Change
	add := func(ch Change) {
		out = append(out, ch)
		sd.has[ch.Address] = true
	}
	if sd.has == nil {
		sd.has = map[string]bool{}
	}
	// Tags.
	if ds.Managed && c.live.Current {
		want := maps.Clone(ds.Tags)
		if want == nil {
			want = map[string]string{}
		}
		if c.d.Project != "" {
			want[TagProject] = c.d.Project
		}
		// A live service without this project's tag is taken over by
		// this plan: the tag moves, and the change says so, so that apply
		// asks for consent (never silently, least of all from another
		// project).
		adopt := adoption(c.d.Project, ls)
		if adopt != nil && adopt.From == "" && c.opt.Created[name] {
			// This project created it; an apply cut short before the
			// tag was written left it untagged. Tagging it is no
			// takeover.
			adopt = nil
		}
		owned := map[string]bool{}
		for l := range c.declared {
			owned[l] = true
		}
		if !c.opt.Prune {
			// A layer dropped from the manifest stays the project's
			// until --prune deletes it.
			for _, l := range c.live.ownedLayersOf(c.d.Project) {
				owned[l] = true
			}
		}
		if len(owned) > 0 {
			want[TagLayers] = strings.Join(slices.Sorted(maps.Keys(owned)), ",")
		}
		have := ls.Tags
		set := map[string]string{}
		var untag []string
		var fcs []FieldChange
		for _, k := range slices.Sorted(maps.Keys(want)) {
			if v, ok := have[k]; !ok || v != want[k] {
				set[k] = want[k]
				var before any
				if ok {
					before = v
				}
				fcs = append(fcs, FieldChange{Path: "tags." + k, Before: before, After: want[k]})
			}
		}
		for _, k := range slices.Sorted(maps.Keys(have)) {
			if _, ok := want[k]; !ok {
				untag = append(untag, k)
				fcs = append(fcs, FieldChange{Path: "tags." + k, Before: have[k]})
			}
		}
		if len(fcs) > 0 {
			if len(set) == 0 {
				set = nil
			}
			// Tags are part of the service's change: written right after
			// its create or update, by TagResource and UntagResource.
			svc := findChange(c.plan.Changes, ServiceAddress(name))
			if svc != nil && c.pruningLayers() {
				// The service's configuration goes before its functions,
				// which go before the layer deletes, which go before the
				// tag that records the layers: a step of its own.
				c.plan.Changes = append(c.plan.Changes, Change{
					Address: ServiceTagsAddress(name), Kind: KindService, Action: ActionUpdate, Service: name,
					ETag: ls.Service.ETag, DependsOn: []string{ServiceAddress(name)},
				})
				svc = &c.plan.Changes[len(c.plan.Changes)-1]
				sd.has[svc.Address] = true
			} else if svc == nil {
				in := ds.Config
				in.ServiceName = name
				c.plan.Changes = append(c.plan.Changes, Change{
					Address: ServiceAddress(name), Kind: KindService, Action: ActionUpdate, Service: name,
					ETag: ls.Service.ETag, ServiceInput: &in,
				})
				c.plan.NoOps-- // counted as unchanged by the service's own diff
				svc = &c.plan.Changes[len(c.plan.Changes)-1]
				sd.has[svc.Address] = true
			}
			svc.FieldChanges = append(svc.FieldChanges, fcs...)
			svc.ResourceARN, svc.Tags, svc.UntagKeys = ServiceARN(c.opt.Target, name), set, untag
			svc.Adopt = adopt
		}
	}

	// Async invoke configs.
	declaredFns := map[string]bool{}
	wantAsync := map[string]map[string]bool{}
	for _, df := range ds.Functions {
		declaredFns[df.Name] = true
		if df.AsyncConfig == nil {
			continue
		}
		q := latest(df.AsyncConfig.Qualifier)
		wantAsync[df.Name] = map[string]bool{q: true}
		ch, err := c.asyncConfig(sd, &df, q)
		if err != nil {
			return err
		}
		if ch == nil {
			c.plan.NoOps++
			continue
		}
		add(*ch)
	}
	for _, fn := range slices.Sorted(maps.Keys(ls.AsyncConfigs)) {
		for _, q := range slices.Sorted(maps.Keys(ls.AsyncConfigs[fn])) {
			if wantAsync[fn][q] {
				continue
			}
			addr := AsyncConfigAddress(name, fn, q)
			if !c.opt.Prune {
				c.plan.NotManaged = append(c.plan.NotManaged, addr)
				continue
			}
			add(Change{Address: addr, Kind: KindAsyncConfig, Action: ActionDelete, Service: name, Function: fn, Qualifier: q})
		}
	}

	// Provision configs: each declared function at each alias that says
	// provision.
	wantProv := map[string]bool{}
	for _, da := range ds.Aliases {
		for _, df := range ds.Functions {
			var n int64
			switch m, ok := da.ProvisionFunctions[df.Name]; {
			case da.Provision != nil:
				n = *da.Provision
			case ok:
				n = m
			default:
				continue
			}
			key := ProvisionKey(da.Name, df.Name)
			wantProv[key] = true
			var before any
			lp := ls.Provisions[key]
			if lp != nil {
				if lp.Target == n {
					c.plan.NoOps++
					continue
				}
				before = lp.Target
			} else if n == 0 {
				continue
			}
			action := ActionUpdate
			if lp == nil {
				action = ActionCreate
			}
			add(Change{
				Address: ProvisionAddress(name, df.Name, da.Name), Kind: KindProvision, Action: action,
				Service: name, Function: df.Name, Name: da.Name, ProvisionTarget: &n,
				FieldChanges: []FieldChange{{Path: "target", Before: before, After: n}},
				DependsOn:    sd.dep(AliasAddress(name, da.Name), FunctionAddress(name, df.Name)),
			})
		}
	}
	for _, key := range slices.Sorted(maps.Keys(ls.Provisions)) {
		if wantProv[key] {
			continue
		}
		alias, fn, _ := strings.Cut(key, "/")
		addr := ProvisionAddress(name, fn, alias)
		if !c.opt.Prune {
			c.plan.NotManaged = append(c.plan.NotManaged, addr)
			continue
		}
		zero := int64(0)
		add(Change{
			Address: addr, Kind: KindProvision, Action: ActionDelete, Service: name, Function: fn, Name: alias,
			ProvisionTarget: &zero, FieldChanges: []FieldChange{{Path: "target", Before: ls.Provisions[key].Target, After: int64(0)}},
		})
	}
	c.plan.Changes = append(c.plan.Changes, out...)
	return nil
}

// ServiceTagsAddress is "service.SERVICE/tags": a service's tags when
// they are written in a step of their own.
func ServiceTagsAddress(service string) string { return ServiceAddress(service) + "/tags" }

// pruningLayers says whether this plan deletes layers the project owns.
func (c *currentDiff) pruningLayers() bool {
	if !c.opt.Prune {
		return false
	}
	for _, name := range c.live.ownedLayersOf(c.d.Project) {
		if !c.declared[name] && c.live.Layers[name] != nil {
			return true
		}
	}
	return false
}

func findChange(changes []Change, addr string) *Change {
	for i := range changes {
		if changes[i].Address == addr {
			return &changes[i]
		}
	}
	return nil
}

// TagsOnly says a service update changes nothing but the tags: the
// configuration is not sent again.
func (c *Change) TagsOnly() bool {
	if c.Kind != KindService || c.Action != ActionUpdate || len(c.FieldChanges) == 0 {
		return false
	}
	for _, f := range c.FieldChanges {
		if !strings.HasPrefix(f.Path, "tags.") {
			return false
		}
	}
	return true
}

// destination resolves an async destination as written.
func (c *currentDiff) destination(v string) (string, []string, error) {
	if v == "" || strings.HasPrefix(v, "acs:") {
		return v, nil, nil
	}
	svc, fn, ok := strings.Cut(v, "/")
	if !ok {
		return "", nil, fmt.Errorf("destination %q is neither SERVICE/FUNCTION nor an ARN", v)
	}
	if !c.functions[v] {
		return "", nil, fmt.Errorf("destination %q names no function of the project", v)
	}
	t := c.opt.Target
	if t.AccountID == "" || t.Region == "" {
		return "", nil, fmt.Errorf("destination %q: the target's account id and region are needed to make its ARN; plan with a target (planner.Options.Target)", v)
	}
	return fc.FunctionARN(t.Region, t.AccountID, svc, "", fn), []string{FunctionAddress(svc, fn)}, nil
}

func (c *currentDiff) asyncConfig(sd *serviceDiff, df *DesiredFunction, q string) (*Change, error) {
	name := sd.ds.Name
	ac := df.AsyncConfig
	in := ac.Input
	in.DestinationConfig = &fc.DestinationConfig{}
	var deps []string
	for _, side := range []struct {
		v   string
		dst **fc.Destination
	}{{ac.OnSuccess, &in.DestinationConfig.OnSuccess}, {ac.OnFailure, &in.DestinationConfig.OnFailure}} {
		arn, d, err := c.destination(side.v)
		if err != nil {
			return nil, fmt.Errorf("function %s/%s: asyncInvokeConfig: %w", name, df.Name, err)
		}
		if arn != "" {
			*side.dst = &fc.Destination{Destination: arn}
		}
		deps = append(deps, d...)
	}
	live := sd.ls.AsyncConfigs[df.Name][q]
	// A put replaces the whole configuration: every field is compared,
	// the unset ones against null.
	after := fc.AsyncConfig{
		MaxAsyncEventAgeInSeconds: in.MaxAsyncEventAgeInSeconds, MaxAsyncRetryAttempts: in.MaxAsyncRetryAttempts,
		DestinationConfig: *in.DestinationConfig, StatefulInvocation: in.StatefulInvocation != nil && *in.StatefulInvocation,
	}
	afterV, _ := jsonValue(&after).(map[string]any)
	var before map[string]any
	if live != nil {
		before, _ = jsonValue(live).(map[string]any)
	}
	w := &differ{create: live == nil, flags: fc.Paths(reflect.TypeFor[fc.AsyncConfigInput]())}
	keys := []string{"maxAsyncEventAgeInSeconds", "maxAsyncRetryAttempts", "destinationConfig"}
	if in.StatefulInvocation != nil || (live != nil && live.StatefulInvocation) {
		keys = append(keys, "statefulInvocation") // unset means false
	}
	for _, k := range keys {
		w.walk([]string{k}, before[k], afterV[k])
	}
	if live != nil && len(w.out.changes) == 0 {
		return nil, nil
	}
	action := ActionUpdate
	if live == nil {
		action = ActionCreate
	}
	// Destinations may be functions of other services: kept when the
	// plan changes them (orderCurrent drops the others).
	realDeps := append(deps, sd.dep(FunctionAddress(name, df.Name))...)
	if q != fc.QualifierLatest && !isVersionID(q) {
		realDeps = append(realDeps, sd.dep(AliasAddress(name, q))...)
	}
	return &Change{
		Address: AsyncConfigAddress(name, df.Name, q), Kind: KindAsyncConfig, Action: action,
		Service: name, Function: df.Name, Qualifier: q, AsyncConfigInput: &in,
		FieldChanges: w.out.changes, DependsOn: realDeps,
	}, nil
}

// customDomains plans the declared domains, and with --prune deletes the
// project's others: those whose every route points at a service of the
// project.
func (c *currentDiff) customDomains(services map[string]bool) error {
	doms := slices.Clone(c.d.CustomDomains)
	slices.SortFunc(doms, func(a, b DesiredCustomDomain) int { return strings.Compare(a.Name, b.Name) })
	declared := map[string]bool{}
	for _, dd := range doms {
		if declared[dd.Name] {
			return fmt.Errorf("custom domain %s: declared twice", dd.Name)
		}
		declared[dd.Name] = true
		in := dd.Input
		in.DomainName = dd.Name
		var deps []string
		if in.RouteConfig != nil {
			for _, r := range in.RouteConfig.Routes {
				if !c.functions[r.ServiceName+"/"+r.FunctionName] {
					continue // another project's function: it must exist already
				}
				deps = append(deps, FunctionAddress(r.ServiceName, r.FunctionName))
				if q := r.Qualifier; q != "" && q != fc.QualifierLatest && !isVersionID(q) {
					deps = append(deps, AliasAddress(r.ServiceName, q))
				}
			}
		}
		live := c.live.CustomDomains[dd.Name]
		after := fc.CustomDomain{}
		if live != nil {
			after = *live
		}
		after.Apply(in)
		d := diffFields(&in, live, &after, nil)
		if live != nil && len(d.changes) == 0 {
			c.plan.NoOps++
			continue
		}
		action := ActionUpdate
		if live == nil {
			action = ActionCreate
		}
		c.plan.Changes = append(c.plan.Changes, Change{
			Address: CustomDomainAddress(dd.Name), Kind: KindCustomDomain, Action: action, Name: dd.Name,
			FieldChanges: d.changes, CustomDomainInput: &in, DependsOn: slices.Compact(sortedStrings(deps)),
		})
	}
	for _, name := range slices.Sorted(maps.Keys(c.live.CustomDomains)) {
		if declared[name] || !ownedDomain(c.live.CustomDomains[name], services) {
			continue
		}
		addr := CustomDomainAddress(name)
		if !c.opt.Prune {
			c.plan.NotManaged = append(c.plan.NotManaged, addr)
			continue
		}
		c.plan.Changes = append(c.plan.Changes, Change{Address: addr, Kind: KindCustomDomain, Action: ActionDelete, Name: name})
	}
	return nil
}

func sortedStrings(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// ownedDomain says whether every route of d points at one of services.
func ownedDomain(d *fc.CustomDomain, services map[string]bool) bool {
	if len(d.RouteConfig.Routes) == 0 {
		return false
	}
	for _, r := range d.RouteConfig.Routes {
		if !services[r.ServiceName] {
			return false
		}
	}
	return true
}

// pruneLayers deletes, with --prune, the versions of the layers the
// project owns but no longer declares.
func (c *currentDiff) pruneLayers() {
	for _, name := range c.live.ownedLayersOf(c.d.Project) {
		if c.declared[name] || c.live.Layers[name] == nil {
			continue
		}
		addr := LayerAddress(name)
		if !c.opt.Prune {
			c.plan.NotManaged = append(c.plan.NotManaged, addr)
			continue
		}
		c.plan.Changes = append(c.plan.Changes, layerDelete(name, c.live.LayerVersions[name]))
	}
}

func layerDelete(name string, versions []int32) Change {
	fcs := make([]FieldChange, 0, len(versions))
	for _, v := range versions {
		fcs = append(fcs, FieldChange{Path: "versions." + strconv.Itoa(int(v)), Before: v})
	}
	return Change{Address: LayerAddress(name), Kind: KindLayer, Action: ActionDelete, Name: name, LayerVersions: slices.Clone(versions), FieldChanges: fcs}
}

// orderCurrent adds the dependencies that span kinds: what points at a
// resource goes before the resource's delete, a layer's delete after the
// functions stop using it, and tags after layer deletes (they record
// which layers are the project's). Dependencies on addresses outside the
// plan are dropped.
func orderCurrent(changes []Change) {
	in := map[string]bool{}
	for _, c := range changes {
		in[c.Address] = true
	}
	var functions, layerDeletes []string
	for _, c := range changes {
		switch {
		case c.Kind == KindFunction:
			functions = append(functions, c.Address)
		case c.Kind == KindLayer && c.Action == ActionDelete:
			layerDeletes = append(layerDeletes, c.Address)
		}
	}
	for i := range changes {
		c := &changes[i]
		var extra []string
		switch {
		case c.Action == ActionDelete && (c.Kind == KindFunction || c.Kind == KindAlias || c.Kind == KindService):
			for _, o := range changes {
				if pointsAt(&o, c.Service) {
					extra = append(extra, o.Address)
				}
			}
			if c.Kind == KindService {
				// Its tags record the layers: they go once the layers are gone.
				extra = append(extra, layerDeletes...)
			}
		case c.Kind == KindLayer && c.Action == ActionDelete:
			extra = functions
		case c.Kind == KindService && c.Action != ActionDelete && (len(c.Tags) > 0 || len(c.UntagKeys) > 0):
			extra = layerDeletes
		}
		for _, e := range extra {
			if e != c.Address {
				c.DependsOn = appendNew(c.DependsOn, e)
			}
		}
		if !currentKinds[c.Kind] {
			continue
		}
		var kept []string
		for _, d := range c.DependsOn {
			if in[d] {
				kept = append(kept, d)
			}
		}
		c.DependsOn = kept
	}
}

// pointsAt says whether change o may point at something of service (a
// route, a destination, a provision or async config of it), so that it must
// go before a delete there. A domain or async config delete carries no
// routes or destinations: it is assumed to.
func pointsAt(o *Change, service string) bool {
	switch o.Kind {
	case KindProvision:
		return o.Service == service
	case KindAsyncConfig:
		if o.Service == service || o.AsyncConfigInput == nil {
			return true
		}
		dc := o.AsyncConfigInput.DestinationConfig
		if dc == nil {
			return false
		}
		for _, d := range []*fc.Destination{dc.OnSuccess, dc.OnFailure} {
			if d != nil && (strings.Contains(d.Destination, ":services/"+service+"/") || strings.Contains(d.Destination, ":services/"+service+".")) {
				return true
			}
		}
	case KindCustomDomain:
		if o.CustomDomainInput == nil || o.CustomDomainInput.RouteConfig == nil {
			return true
		}
		for _, r := range o.CustomDomainInput.RouteConfig.Routes {
			if r.ServiceName == service {
				return true
			}
		}
	}
	return false
}

var currentKinds = map[Kind]bool{KindLayer: true, KindCustomDomain: true, KindAsyncConfig: true, KindProvision: true}

func appendNew(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// destroyCurrent adds to a destroy plan the async and provision configs of
// the destroyed services, the custom domains routing only to them and the
// layers they own.
func destroyCurrent(p *Plan, live *Live, services []string) {
	if !live.Current {
		return
	}
	set := map[string]bool{}
	for _, name := range services {
		ls := live.Services[name]
		if ls == nil || ls.Service == nil {
			continue
		}
		set[name] = true
		for _, fn := range slices.Sorted(maps.Keys(ls.AsyncConfigs)) {
			for _, q := range slices.Sorted(maps.Keys(ls.AsyncConfigs[fn])) {
				p.Changes = append(p.Changes, Change{Address: AsyncConfigAddress(name, fn, q), Kind: KindAsyncConfig, Action: ActionDelete, Service: name, Function: fn, Qualifier: q})
			}
		}
		for _, key := range slices.Sorted(maps.Keys(ls.Provisions)) {
			alias, fn, _ := strings.Cut(key, "/")
			zero := int64(0)
			p.Changes = append(p.Changes, Change{
				Address: ProvisionAddress(name, fn, alias), Kind: KindProvision, Action: ActionDelete, Service: name, Function: fn, Name: alias,
				ProvisionTarget: &zero, FieldChanges: []FieldChange{{Path: "target", Before: ls.Provisions[key].Target, After: int64(0)}},
			})
		}
	}
	for _, name := range slices.Sorted(maps.Keys(live.CustomDomains)) {
		if ownedDomain(live.CustomDomains[name], set) {
			p.Changes = append(p.Changes, Change{Address: CustomDomainAddress(name), Kind: KindCustomDomain, Action: ActionDelete, Name: name})
		}
	}
	for _, name := range live.OwnedLayers() {
		if live.Layers[name] != nil {
			p.Changes = append(p.Changes, layerDelete(name, live.LayerVersions[name]))
		}
	}
	orderCurrent(p.Changes)
}

// currentStamps adds to out a stamp of each resource of today's kinds the
// project owns, for saved plans (see LiveETags): the newest version of its
// layers, its custom domains, and its services' async and provision configs.
func currentStamps(live *Live, out map[string]string) {
	if !live.Current {
		return
	}
	services := map[string]bool{}
	for name, ls := range live.Services {
		if ls == nil || ls.Service == nil {
			continue
		}
		services[name] = true
		for fn, qs := range ls.AsyncConfigs {
			for q, ac := range qs {
				out[AsyncConfigAddress(name, fn, q)] = stamp("", ac.LastModifiedTime)
			}
		}
		out[ServiceTagsAddress(name)] = tagStamp(ls.Tags)
		for key, pc := range ls.Provisions {
			alias, fn, _ := strings.Cut(key, "/")
			out[ProvisionAddress(name, fn, alias)] = "target " + strconv.FormatInt(pc.Target, 10)
		}
	}
	for _, name := range live.OwnedLayers() {
		if l := live.Layers[name]; l != nil {
			out[LayerAddress(name)] = fmt.Sprintf("version %d code %s", l.Version, l.CodeChecksum)
		}
	}
	for name, d := range live.CustomDomains {
		if ownedDomain(d, services) {
			out[CustomDomainAddress(name)] = stamp("", d.LastModifiedTime)
		}
	}
}

// tagStamp is a service's tags as one string.
func tagStamp(tags map[string]string) string {
	var b strings.Builder
	b.WriteString("tags")
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		b.WriteString(" " + strconv.Quote(k) + "=" + strconv.Quote(tags[k]))
	}
	return b.String()
}
