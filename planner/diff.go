package planner

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
)

// Options tune Diff.
type Options struct {
	// Prune deletes functions, triggers and aliases that are live in a
	// declared service but absent from the desired state; without it they
	// are listed in Plan.NotManaged.
	Prune  bool
	Target Target
	// Created names the services this project created at Target, as the
	// CLI remembers them: such a service found untagged (an apply cut
	// short between its create and its tag) is not an adoption.
	Created map[string]bool
	// Now stamps Plan.CreatedAt; nil means time.Now.
	Now func() time.Time
}

// Diff compares the desired state with the live one and returns the plan
// that brings the live state to the desired one. It is pure: it reads
// nothing but its arguments. Only fields the desired state sets are
// compared; server-owned fields (ids, times) never are. Live must hold
// every desired service (absent ones with a nil Service).
func Diff(d *Desired, live *Live, opt Options) (*Plan, error) {
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	p := &Plan{
		FormatVersion: FormatVersion,
		Project:       d.Project,
		Target:        opt.Target,
		CreatedAt:     now().UTC(),
		Prune:         opt.Prune,
		Changes:       []Change{},
		NotManaged:    []string{},
		SecretSalt:    NewSalt(),
	}
	cur, err := newCurrentDiff(d, live, opt, p)
	if err != nil {
		return nil, err
	}
	if err := cur.layers(); err != nil {
		return nil, err
	}
	services := slices.Clone(d.Services)
	slices.SortFunc(services, func(a, b DesiredService) int { return strings.Compare(a.Name, b.Name) })
	if services, err = cur.resolveLayers(services); err != nil {
		return nil, err
	}
	declaredServices := map[string]bool{}
	for i := range services {
		ds := &services[i]
		if i > 0 && services[i-1].Name == ds.Name {
			return nil, fmt.Errorf("service %s: declared twice", ds.Name)
		}
		ls := live.Services[ds.Name]
		if ls == nil {
			return nil, fmt.Errorf("service %s: missing from the live state; read it with ReadLive first", ds.Name)
		}
		sd := &serviceDiff{plan: p, ds: ds, ls: ls, prune: opt.Prune}
		if err := sd.run(); err != nil {
			return nil, err
		}
		if err := cur.service(sd); err != nil {
			return nil, err
		}
		declaredServices[ds.Name] = true
	}
	cur.layerFunctions()
	if err := cur.customDomains(declaredServices); err != nil {
		return nil, err
	}
	cur.pruneLayers()
	orderCurrent(p.Changes)
	slices.Sort(p.NotManaged)
	p.Changes = sortByDependencies(p.Changes)
	return p, nil
}

// serviceDiff computes the changes of one declared service.
type serviceDiff struct {
	plan  *Plan
	ds    *DesiredService
	ls    *LiveService
	prune bool

	changes []Change
	// addresses of changes in this service, for dependencies
	has map[string]bool
}

func (s *serviceDiff) add(c Change) {
	if s.has == nil {
		s.has = map[string]bool{}
	}
	s.has[c.Address] = true
	s.changes = append(s.changes, c)
}

// dep returns the addresses among addrs that have a change in this plan.
func (s *serviceDiff) dep(addrs ...string) []string {
	var out []string
	for _, a := range addrs {
		if s.has[a] {
			out = append(out, a)
		}
	}
	return out
}

func (s *serviceDiff) run() error {
	name := s.ds.Name
	exists := s.ls.Service != nil
	svcAddr := ServiceAddress(name)

	// The service itself.
	switch {
	case !exists && !s.ds.Managed:
		return fmt.Errorf("service %s: does not exist, and this project does not manage it: create it first", name)
	case !exists:
		in := s.ds.Config
		in.ServiceName = name
		s.add(Change{
			Address: svcAddr, Kind: KindService, Action: ActionCreate, Service: name,
			FieldChanges: serviceFieldChanges(&in, nil).changes, ServiceInput: &in,
		})
	case s.ds.Managed:
		in := s.ds.Config
		in.ServiceName = name
		if fcs := serviceFieldChanges(&in, s.ls.Service).changes; len(fcs) > 0 {
			s.add(Change{
				Address: svcAddr, Kind: KindService, Action: ActionUpdate, Service: name,
				FieldChanges: fcs, ETag: s.ls.Service.ETag, ServiceInput: &in,
			})
		} else {
			s.plan.NoOps++
		}
	default:
		s.plan.NoOps++
	}

	// Functions and their triggers.
	functions := slices.Clone(s.ds.Functions)
	slices.SortFunc(functions, func(a, b DesiredFunction) int { return strings.Compare(a.Name, b.Name) })
	declared := map[string]bool{}
	var triggerChanges []Change
	for i := range functions {
		df := &functions[i]
		if declared[df.Name] {
			return fmt.Errorf("function %s/%s: declared twice", name, df.Name)
		}
		declared[df.Name] = true
		if err := s.function(df); err != nil {
			return err
		}
	}
	// Triggers go after every function so that dependencies on aliases
	// (computed below) can be added once aliases are known.
	for i := range functions {
		tcs, err := s.triggers(&functions[i])
		if err != nil {
			return err
		}
		triggerChanges = append(triggerChanges, tcs...)
	}

	// Live functions absent from the desired state.
	var pruned []Change
	for _, fn := range slices.Sorted(maps.Keys(s.ls.Functions)) {
		if declared[fn] {
			continue
		}
		addr := FunctionAddress(name, fn)
		if !s.prune {
			s.plan.NotManaged = append(s.plan.NotManaged, addr)
			continue
		}
		var deps []string
		for _, tn := range slices.Sorted(maps.Keys(s.ls.Triggers[fn])) {
			t := s.ls.Triggers[fn][tn]
			tc := Change{
				Address: TriggerAddress(name, fn, tn), Kind: KindTrigger, Action: ActionDelete,
				Service: name, Function: fn, Name: tn, ETag: t.ETag,
			}
			pruned = append(pruned, tc)
			deps = append(deps, tc.Address)
		}
		pruned = append(pruned, Change{
			Address: addr, Kind: KindFunction, Action: ActionDelete, Service: name, Function: fn,
			ETag: s.ls.Functions[fn].ETag, DependsOn: deps,
		})
	}
	for _, c := range pruned {
		s.add(c)
	}

	// Publish.
	publishAddr := PublishAddress(name)
	if s.ds.Publish {
		if reason := s.publishReason(declared); reason != "" {
			var deps []string
			for _, c := range s.changes {
				if c.Kind == KindService || c.Kind == KindFunction {
					deps = append(deps, c.Address)
				}
			}
			etag := ""
			if exists {
				etag = s.ls.Service.ETag
			}
			s.add(Change{
				Address: publishAddr, Kind: KindVersion, Action: ActionPublish, Service: name,
				ETag: etag, DependsOn: deps, VersionDescription: s.ds.VersionDescription, Reason: reason,
			})
		}
	}

	// Aliases.
	aliases := slices.Clone(s.ds.Aliases)
	slices.SortFunc(aliases, func(a, b DesiredAlias) int { return strings.Compare(a.Name, b.Name) })
	declaredAliases := map[string]bool{}
	for i := range aliases {
		da := &aliases[i]
		if declaredAliases[da.Name] {
			return fmt.Errorf("alias %s/%s: declared twice", name, da.Name)
		}
		declaredAliases[da.Name] = true
		if err := s.alias(da); err != nil {
			return err
		}
	}

	// Triggers, now that alias changes are known.
	for _, tc := range triggerChanges {
		// triggers gives every change its input with the qualifier set,
		// LATEST when the manifest names none.
		q := *tc.TriggerInput.Qualifier
		if q != fc.QualifierLatest && !isVersionID(q) {
			if !declaredAliases[q] && s.ls.Aliases[q] == nil {
				return fmt.Errorf("trigger %s/%s/%s: qualifier %q names no alias of service %s and is not a version id", name, tc.Function, tc.Name, q, name)
			}
			tc.DependsOn = append(tc.DependsOn, s.dep(AliasAddress(name, q))...)
		}
		s.add(tc)
	}

	// Live triggers of declared functions, and live aliases, absent from
	// the desired state.
	aliasDeleteDeps := map[string][]string{}
	for _, fn := range slices.Sorted(maps.Keys(s.ls.Triggers)) {
		if !declared[fn] {
			continue
		}
		wanted := map[string]bool{}
		for _, df := range functions {
			if df.Name == fn {
				for _, t := range df.Triggers {
					wanted[t.Name] = true
				}
			}
		}
		for _, tn := range slices.Sorted(maps.Keys(s.ls.Triggers[fn])) {
			if wanted[tn] {
				continue
			}
			addr := TriggerAddress(name, fn, tn)
			if !s.prune {
				s.plan.NotManaged = append(s.plan.NotManaged, addr)
				continue
			}
			t := s.ls.Triggers[fn][tn]
			s.add(Change{
				Address: addr, Kind: KindTrigger, Action: ActionDelete, Service: name, Function: fn,
				Name: tn, ETag: t.ETag,
			})
			aliasDeleteDeps[t.Qualifier] = append(aliasDeleteDeps[t.Qualifier], addr)
		}
	}
	// Pruned triggers of pruned functions also go before alias deletes.
	for _, c := range pruned {
		if c.Kind == KindTrigger {
			q := s.ls.Triggers[c.Function][c.Name].Qualifier
			aliasDeleteDeps[q] = append(aliasDeleteDeps[q], c.Address)
		}
	}
	for _, an := range slices.Sorted(maps.Keys(s.ls.Aliases)) {
		if declaredAliases[an] {
			continue
		}
		addr := AliasAddress(name, an)
		if !s.prune {
			s.plan.NotManaged = append(s.plan.NotManaged, addr)
			continue
		}
		s.add(Change{
			Address: addr, Kind: KindAlias, Action: ActionDelete, Service: name, Name: an,
			ETag: s.ls.Aliases[an].ETag, DependsOn: aliasDeleteDeps[an],
		})
	}

	s.plan.Changes = append(s.plan.Changes, s.changes...)
	return nil
}

func (s *serviceDiff) function(df *DesiredFunction) error {
	name := s.ds.Name
	lf := s.ls.Functions[df.Name]
	addr := FunctionAddress(name, df.Name)
	in := normalizedFunctionInput(df)
	sensitive := df.sensitiveKeys()

	if lf == nil {
		if df.Code.Checksum == "" && df.Code.OSSObject == "" && !df.Code.Image {
			return fmt.Errorf("function %s/%s: desired code has no checksum", name, df.Name)
		}
		s.add(Change{
			Address: addr, Kind: KindFunction, Action: ActionCreate, Service: name, Function: df.Name,
			FieldChanges:  functionFieldChanges(&in, nil, df.Sensitive).changes,
			Code:          codeChange(df, "", true),
			FunctionInput: &in, Sensitive: sensitive,
			DependsOn: s.dep(ServiceAddress(name)),
		})
		return nil
	}
	upload := false
	switch {
	case df.Code.Checksum != "":
		upload = df.Code.Checksum != lf.CodeChecksum
	case df.Code.OSSObject == "" && !df.Code.Image:
		return fmt.Errorf("function %s/%s: desired code has no checksum", name, df.Name)
	}
	fcs := functionFieldChanges(&in, lf, df.Sensitive).changes
	if len(fcs) == 0 && !upload {
		s.plan.NoOps++
		return nil
	}
	s.add(Change{
		Address: addr, Kind: KindFunction, Action: ActionUpdate, Service: name, Function: df.Name,
		FieldChanges: fcs, ETag: lf.ETag, Code: codeChange(df, lf.CodeChecksum, upload),
		FunctionInput: &in, Sensitive: sensitive,
		DependsOn: s.dep(ServiceAddress(name)),
	})
	return nil
}

func codeChange(df *DesiredFunction, before string, upload bool) *CodeChange {
	if df.Code.Image {
		return nil // nothing to send: the image is part of the configuration
	}
	after := df.Code.Checksum
	if after == "" {
		after = before // unknown OSS code: treated as unchanged
	}
	return &CodeChange{
		Upload: upload, Before: before, After: after, Size: df.Code.Size, Source: df.Code.Source,
		OSSBucket: df.Code.OSSBucket, OSSObject: df.Code.OSSObject,
	}
}

// normalizedFunctionInput is the input sent for a desired function: its
// name set, a non-nil environment (so that an empty one clears it), and
// zero integers dropped (zero is never valid in FC: it means "default").
func normalizedFunctionInput(df *DesiredFunction) fc.FunctionInput {
	in := df.Config
	in.FunctionName = df.Name
	in.Code = nil
	env := make(map[string]string, len(in.EnvironmentVariables))
	maps.Copy(env, in.EnvironmentVariables)
	in.EnvironmentVariables = env
	for _, p := range []**int32{&in.MemorySize, &in.Timeout, &in.InitializationTimeout, &in.InstanceConcurrency} {
		if *p != nil && **p == 0 {
			*p = nil
		}
	}
	return in
}

func (s *serviceDiff) triggers(df *DesiredFunction) ([]Change, error) {
	name := s.ds.Name
	var out []Change
	seen := map[string]bool{}
	triggers := slices.Clone(df.Triggers)
	slices.SortFunc(triggers, func(a, b DesiredTrigger) int { return strings.Compare(a.Name, b.Name) })
	for _, dt := range triggers {
		if seen[dt.Name] {
			return nil, fmt.Errorf("trigger %s/%s/%s: declared twice", name, df.Name, dt.Name)
		}
		seen[dt.Name] = true
		in := dt.Input
		in.TriggerName = dt.Name
		q := fc.QualifierLatest
		if in.Qualifier != nil && *in.Qualifier != "" {
			q = *in.Qualifier
		}
		in.Qualifier = &q
		addr := TriggerAddress(name, df.Name, dt.Name)
		deps := s.dep(FunctionAddress(name, df.Name))
		var lt *fc.Trigger
		if m := s.ls.Triggers[df.Name]; m != nil {
			lt = m[dt.Name]
		}
		switch {
		case lt == nil:
			out = append(out, Change{
				Address: addr, Kind: KindTrigger, Action: ActionCreate, Service: name, Function: df.Name,
				Name: dt.Name, FieldChanges: triggerFieldChanges(&in, nil).changes, TriggerInput: &in, DependsOn: deps,
			})
		case triggerFieldChanges(&in, lt).replaceReason() != "":
			d := triggerFieldChanges(&in, lt)
			out = append(out, Change{
				Address: addr, Kind: KindTrigger, Action: ActionReplace, Service: name, Function: df.Name,
				Name: dt.Name, FieldChanges: d.changes, TriggerInput: &in, Reason: d.replaceReason(),
				ETag: lt.ETag, DependsOn: deps,
			})
		default:
			fcs := triggerFieldChanges(&in, lt).changes
			if len(fcs) == 0 {
				s.plan.NoOps++
				continue
			}
			out = append(out, Change{
				Address: addr, Kind: KindTrigger, Action: ActionUpdate, Service: name, Function: df.Name,
				Name: dt.Name, FieldChanges: fcs, TriggerInput: &in, ETag: lt.ETag, DependsOn: deps,
			})
		}
	}
	return out, nil
}

func (s *serviceDiff) alias(da *DesiredAlias) error {
	name := s.ds.Name
	addr := AliasAddress(name, da.Name)
	publishAddr := PublishAddress(name)
	publishing := s.has[publishAddr]

	var version string
	toPublished := false
	switch {
	case strings.EqualFold(da.Version, VersionLatest) && publishing:
		toPublished = true
	case strings.EqualFold(da.Version, VersionLatest):
		version = s.ls.NewestVersion()
		if version == "" {
			return fmt.Errorf("alias %s/%s: version latest, but service %s has no version and none is published (set publish: true)", name, da.Name, name)
		}
	case isVersionID(da.Version):
		version = da.Version
	default:
		return fmt.Errorf("alias %s/%s: version %q is neither %q nor a version id", name, da.Name, da.Version, VersionLatest)
	}

	exists := func(id string) bool {
		return slices.ContainsFunc(s.ls.Versions, func(v fc.Version) bool { return v.VersionID == id })
	}
	if !toPublished && !exists(version) {
		return fmt.Errorf("alias %s/%s: version %s of service %s does not exist", name, da.Name, version, name)
	}
	for id := range da.AdditionalVersionWeight {
		if !exists(id) {
			return fmt.Errorf("alias %s/%s: additionalVersionWeight names version %s, which does not exist", name, da.Name, id)
		}
	}
	weights := map[string]float64{}
	maps.Copy(weights, da.AdditionalVersionWeight)
	desc := da.Description
	in := fc.AliasInput{AliasName: da.Name, Description: &desc, AdditionalVersionWeight: weights}
	if !toPublished {
		in.VersionID = &version
	}
	deps := s.dep(publishAddr, ServiceAddress(name))
	if s.has[publishAddr] {
		deps = []string{publishAddr} // publish already follows the service
	}

	la := s.ls.Aliases[da.Name]
	var fcs []FieldChange
	versionChange := func(before any) {
		if toPublished {
			fcs = append(fcs, FieldChange{Path: "versionId", Before: before, AfterUnknown: true})
		} else if !sameValue(before, version) {
			fcs = append(fcs, FieldChange{Path: "versionId", Before: before, After: version})
		}
	}
	// The version is compared above (it may be known only at apply time);
	// the other fields generically.
	rest := in
	rest.VersionID = nil
	if la == nil {
		versionChange(nil)
		fcs = append(fcs, aliasFieldChanges(&rest, nil).changes...)
		s.add(Change{
			Address: addr, Kind: KindAlias, Action: ActionCreate, Service: name, Name: da.Name,
			FieldChanges: fcs, AliasInput: &in, AliasToPublished: toPublished, DependsOn: deps,
		})
		return nil
	}
	versionChange(la.VersionID)
	fcs = append(fcs, aliasFieldChanges(&rest, la).changes...)
	if len(fcs) == 0 {
		s.plan.NoOps++
		return nil
	}
	s.add(Change{
		Address: addr, Kind: KindAlias, Action: ActionUpdate, Service: name, Name: da.Name,
		FieldChanges: fcs, ETag: la.ETag, AliasInput: &in, AliasToPublished: toPublished, DependsOn: deps,
	})
	return nil
}

// publishReason says why the service needs a new version, or "" when the
// content after this apply equals the newest version's (publishing would be
// refused with VersionPublishError). Comparing the projected content rather
// than "something changed" also covers an earlier apply killed before it
// published, and a change reverted back to the newest version.
func (s *serviceDiff) publishReason(declared map[string]bool) string {
	newest := s.ls.NewestVersion()
	if newest == "" {
		return "the service has no version yet"
	}
	if s.ls.NewestVersionService == nil || s.ls.NewestVersionFunctions == nil {
		return "version " + newest + " could not be compared"
	}
	// The service configuration after the apply.
	svc := fc.Service{}
	if s.ls.Service != nil {
		svc = *s.ls.Service
	}
	if s.ds.Managed {
		svc.Apply(s.ds.Config)
	}
	if !sameServiceContent(&svc, s.ls.NewestVersionService) {
		return "the service configuration differs from version " + newest
	}
	// The functions after the apply.
	after := map[string]fc.Function{}
	for fn, lf := range s.ls.Functions {
		if declared[fn] || !s.prune {
			after[fn] = *lf
		}
	}
	for _, df := range s.ds.Functions {
		base := fc.Function{}
		if lf := s.ls.Functions[df.Name]; lf != nil {
			base = *lf
		}
		f := base
		f.Apply(normalizedFunctionInput(&df))
		if df.Code.Checksum != "" {
			f.CodeChecksum = df.Code.Checksum
		}
		after[df.Name] = f
	}
	if len(after) != len(s.ls.NewestVersionFunctions) {
		return "the set of functions differs from version " + newest
	}
	for _, fn := range slices.Sorted(maps.Keys(after)) {
		vf := s.ls.NewestVersionFunctions[fn]
		f := after[fn]
		if vf == nil || !sameFunctionContent(&f, vf) {
			return "function " + fn + " differs from version " + newest
		}
	}
	return ""
}

// isVersionID says whether q is a version id (a decimal number).
func isVersionID(q string) bool {
	if q == "" {
		return false
	}
	_, err := strconv.ParseUint(q, 10, 64)
	return err == nil
}

// sensitiveKeys lists, sorted, the keys of f's environment whose values
// are secret: those marked Sensitive and those whose name looks secret.
// The manifest marks the latter itself; a Desired built by other code may
// not, and the plan file must not hold its value in clear either way.
func (f *DesiredFunction) sensitiveKeys() []string {
	var out []string
	for k, v := range f.Sensitive {
		if v {
			out = append(out, k)
		}
	}
	for k := range f.Config.EnvironmentVariables {
		if !f.Sensitive[k] && isSecretKey(f.Sensitive, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// isSecretKey says whether environment variable k holds a secret: marked
// so, or named like one. The plan's field changes and its file agree by
// both asking here.
func isSecretKey(marked map[string]bool, k string) bool {
	return marked[k] || fc.IsSecretName(k)
}

// sortByDependencies orders changes so that each comes after the changes it
// depends on, keeping the given order otherwise (a stable topological sort).
// Dependencies on addresses outside the plan are ignored.
func sortByDependencies(changes []Change) []Change {
	index := make(map[string]int, len(changes))
	for i, c := range changes {
		index[c.Address] = i
	}
	done := make([]bool, len(changes))
	visiting := make([]bool, len(changes))
	out := make([]Change, 0, len(changes))
	var visit func(i int)
	visit = func(i int) {
		if done[i] || visiting[i] {
			return // a cycle cannot be built by Diff; ignore rather than loop
		}
		visiting[i] = true
		for _, d := range changes[i].DependsOn {
			if j, ok := index[d]; ok {
				visit(j)
			}
		}
		visiting[i] = false
		done[i] = true
		out = append(out, changes[i])
	}
	for i := range changes {
		visit(i)
	}
	return out
}
