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

// DestroyPlan is the plan that deletes everything live in the named
// services, in reverse order: aliases (after the triggers that use them),
// then versions, triggers before their functions, and each service last.
// Services absent from live are skipped; every other service must have been
// read by ReadLive.
func DestroyPlan(live *Live, services []string) (*Plan, error) {
	p := &Plan{
		FormatVersion: FormatVersion, CreatedAt: time.Now().UTC(), Prune: true,
		Changes: []Change{}, NotManaged: []string{},
		SecretSalt: NewSalt(),
	}
	for _, name := range slices.Sorted(slices.Values(services)) {
		ls, ok := live.Services[name]
		if !ok {
			return nil, fmt.Errorf("service %s: missing from the live state; read it with ReadLive first", name)
		}
		if ls.Service == nil {
			continue
		}
		var serviceDeps []string
		triggersByQualifier := map[string][]string{}
		for _, fn := range slices.Sorted(maps.Keys(ls.Functions)) {
			var fnDeps []string
			for _, tn := range slices.Sorted(maps.Keys(ls.Triggers[fn])) {
				t := ls.Triggers[fn][tn]
				c := Change{
					Address: TriggerAddress(name, fn, tn), Kind: KindTrigger, Action: ActionDelete,
					Service: name, Function: fn, Name: tn, ETag: t.ETag,
				}
				p.Changes = append(p.Changes, c)
				fnDeps = append(fnDeps, c.Address)
				triggersByQualifier[t.Qualifier] = append(triggersByQualifier[t.Qualifier], c.Address)
			}
			c := Change{
				Address: FunctionAddress(name, fn), Kind: KindFunction, Action: ActionDelete,
				Service: name, Function: fn, ETag: ls.Functions[fn].ETag, DependsOn: fnDeps,
			}
			p.Changes = append(p.Changes, c)
			serviceDeps = append(serviceDeps, c.Address)
		}
		var aliasDeletes []string
		for _, an := range slices.Sorted(maps.Keys(ls.Aliases)) {
			c := Change{
				Address: AliasAddress(name, an), Kind: KindAlias, Action: ActionDelete, Service: name,
				Name: an, ETag: ls.Aliases[an].ETag, DependsOn: triggersByQualifier[an],
			}
			p.Changes = append(p.Changes, c)
			aliasDeletes = append(aliasDeletes, c.Address)
		}
		serviceDeps = append(serviceDeps, aliasDeletes...)
		// Oldest first: the order a human would expect to read.
		versions := slices.Clone(ls.Versions)
		slices.SortFunc(versions, func(a, b fc.Version) int { return versionOrder(a.VersionID, b.VersionID) })
		for _, v := range versions {
			c := Change{
				Address: VersionAddress(name, v.VersionID), Kind: KindVersion, Action: ActionDelete,
				Service: name, Name: v.VersionID, DependsOn: aliasDeletes,
			}
			p.Changes = append(p.Changes, c)
			serviceDeps = append(serviceDeps, c.Address)
		}
		p.Changes = append(p.Changes, Change{
			Address: ServiceAddress(name), Kind: KindService, Action: ActionDelete, Service: name,
			ETag: ls.Service.ETag, DependsOn: serviceDeps,
		})
	}
	destroyCurrent(p, live, services)
	p.Changes = sortByDependencies(p.Changes)
	return p, nil
}

// versionOrder compares decimal version ids numerically.
func versionOrder(a, b string) int {
	x, errA := strconv.ParseUint(a, 10, 64)
	y, errB := strconv.ParseUint(b, 10, 64)
	switch {
	case errA != nil || errB != nil:
		return strings.Compare(a, b)
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}
