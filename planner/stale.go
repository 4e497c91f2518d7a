package planner

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// RecordLive notes in the plan what it was made against (LiveETags) and the
// live code size of each function whose code it uploads, so that a saved
// plan can be checked for staleness (CheckLive) and code changes can show
// how their size changes.
func (p *Plan) RecordLive(live *Live) {
	p.LiveETags = LiveETags(live)
	for i := range p.Changes {
		c := &p.Changes[i]
		if c.Kind != KindFunction || c.Code == nil || !c.Code.Upload {
			continue
		}
		if ls := live.Services[c.Service]; ls != nil {
			if lf := ls.Functions[c.Function]; lf != nil {
				c.Code.BeforeSize = lf.CodeSize
			}
		}
	}
}

// LiveETags maps the address of every live resource in live to a stamp
// that changes whenever the resource does, and PublishAddress(service) to
// the newest version id of each service that has versions. The stamp is
// the ETag where the read carried one (services); list calls carry none,
// so for the rest it is the modification time (and a function's code
// checksum), which the API moves on every write.
func LiveETags(live *Live) map[string]string {
	out := map[string]string{}
	for name, ls := range live.Services {
		if ls == nil || ls.Service == nil {
			continue
		}
		out[ServiceAddress(name)] = stamp(ls.Service.ETag, ls.Service.LastModifiedTime)
		for fn, f := range ls.Functions {
			out[FunctionAddress(name, fn)] = stamp(f.ETag, f.LastModifiedTime+" code "+f.CodeChecksum)
		}
		for fn, ts := range ls.Triggers {
			for tn, t := range ts {
				out[TriggerAddress(name, fn, tn)] = stamp(t.ETag, t.LastModifiedTime)
			}
		}
		for an, a := range ls.Aliases {
			out[AliasAddress(name, an)] = stamp(a.ETag, a.LastModifiedTime)
		}
		if v := ls.NewestVersion(); v != "" {
			out[PublishAddress(name)] = v
		}
	}
	currentStamps(live, out)
	return out
}

// stamp is etag when known, else what stands in for it.
func stamp(etag, modified string) string {
	if etag != "" {
		return etag
	}
	return "modified " + modified
}

// Services lists, sorted, the services whose live state a plan depends on:
// those of its changes and of its LiveETags.
func (p *Plan) Services() []string {
	set := map[string]bool{}
	for _, c := range p.Changes {
		if c.Service != "" { // layers and custom domains belong to no service
			set[c.Service] = true
		}
	}
	for addr := range p.LiveETags {
		if s := serviceOf(addr); s != "" {
			set[s] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// serviceOf is the service of an address: "function.shop/api" -> "shop".
func serviceOf(addr string) string {
	kind, rest, ok := strings.Cut(addr, ".")
	if !ok || kind == string(KindLayer) || kind == string(KindCustomDomain) {
		return "" // account-wide: no service
	}
	svc, _, _ := strings.Cut(rest, "/")
	return svc
}

// LiveChangedError says the live state is no longer the one a saved plan
// was made against: the plan was applied already, or someone changed the
// account since. Callers exit 3 without writing anything.
type LiveChangedError struct {
	// Resources are "ADDRESS (what happened)", sorted by address.
	Resources []string
}

func (e *LiveChangedError) Error() string {
	return "plan file: the live state changed since the plan was made (was it applied already?), so nothing was changed:\n  " +
		strings.Join(e.Resources, "\n  ") + "\nRun plan again to see the live state now."
}

// CheckLive compares live with what the plan was made against and returns
// a *LiveChangedError naming every resource that differs: a resource the
// plan creates that exists now, one it updates or deletes whose ETag
// changed or that is gone, and, when the plan recorded LiveETags, any
// other resource read then that changed, appeared or disappeared since.
func (p *Plan) CheckLive(live *Live) error {
	now := LiveETags(live)
	found := map[string]string{}
	for _, c := range p.Changes {
		etag, exists := now[c.Address]
		switch c.Action {
		case ActionCreate:
			if exists {
				found[c.Address] = "exists already"
			}
		case ActionUpdate, ActionDelete, ActionReplace:
			switch {
			case !exists:
				found[c.Address] = "deleted since the plan"
			case c.ETag != "" && p.LiveETags == nil && etag != c.ETag:
				// A plan file of an older fcdeploy: its changes' ETags are
				// all it recorded (a recorded plan is checked below).
				found[c.Address] = "changed since the plan"
			}
		case ActionPublish:
			svc, ok := now[ServiceAddress(c.Service)]
			if c.ETag != "" && p.LiveETags == nil && ok && svc != c.ETag {
				found[ServiceAddress(c.Service)] = "changed since the plan"
			}
		}
	}
	if p.LiveETags != nil {
		for addr, then := range p.LiveETags {
			nowTag, ok := now[addr]
			switch {
			case !ok:
				found[addr] = "deleted since the plan"
			case nowTag != then && strings.HasPrefix(addr, "version."):
				found[addr] = fmt.Sprintf("version %s was published since the plan", nowTag)
			case nowTag != then:
				found[addr] = "changed since the plan"
			}
		}
		planned := map[string]bool{}
		for _, s := range p.Services() {
			planned[s] = true
		}
		for addr := range now {
			if _, ok := p.LiveETags[addr]; ok || !planned[serviceOf(addr)] {
				continue
			}
			if _, ok := found[addr]; !ok {
				if strings.HasPrefix(addr, "version.") {
					found[addr] = fmt.Sprintf("version %s was published since the plan", now[addr])
				} else {
					found[addr] = "created since the plan"
				}
			}
		}
	}
	if len(found) == 0 {
		return nil
	}
	e := &LiveChangedError{}
	for _, addr := range slices.Sorted(maps.Keys(found)) {
		e.Resources = append(e.Resources, addr+" ("+found[addr]+")")
	}
	return e
}
