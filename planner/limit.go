package planner

import (
	"fmt"
	"slices"
	"strings"
)

// ParseResourceRef splits a --target value, "SERVICE" or
// "SERVICE/FUNCTION".
func ParseResourceRef(ref string) (service, function string, err error) {
	service, function, _ = strings.Cut(ref, "/")
	if service == "" || strings.Contains(function, "/") || strings.HasSuffix(ref, "/") {
		return "", "", fmt.Errorf("%q is not SERVICE or SERVICE/FUNCTION, e.g. shop or shop/api", ref)
	}
	return service, function, nil
}

// Limit keeps only the changes to the given resources ("SERVICE" or
// "SERVICE/FUNCTION": a function with its triggers) and, transitively, the
// changes they depend on (a function's service, a trigger's alias, an
// alias's published version), and the adoption of the service (adopt.go).
// Changes that merely depend on the kept ones
// are left out, as are not-managed resources outside the refs.
func (p *Plan) Limit(refs []string) error {
	if len(refs) == 0 {
		return nil
	}
	type ref struct{ service, function string }
	var parsed []ref
	for _, r := range refs {
		s, f, err := ParseResourceRef(r)
		if err != nil {
			return err
		}
		parsed = append(parsed, ref{s, f})
	}
	matches := func(service, function string) bool {
		return slices.ContainsFunc(parsed, func(r ref) bool {
			return r.service == service && (r.function == "" || r.function == function)
		})
	}
	byAddr := map[string]*Change{}
	for i := range p.Changes {
		byAddr[p.Changes[i].Address] = &p.Changes[i]
	}
	keep := map[string]bool{}
	var visit func(addr string)
	visit = func(addr string) {
		if keep[addr] {
			return
		}
		keep[addr] = true
		if c := byAddr[addr]; c != nil {
			for _, d := range c.DependsOn {
				visit(d)
			}
		}
	}
	for _, c := range p.Changes {
		// A service's adoption stays with any part of it: otherwise a
		// limited plan would write into a service it has no consent for.
		adoptsRef := c.Adopt != nil && slices.ContainsFunc(parsed, func(r ref) bool { return r.service == c.Service })
		if matches(c.Service, c.Function) || adoptsRef {
			visit(c.Address)
		}
	}
	kept := []Change{}
	for _, c := range p.Changes {
		if keep[c.Address] {
			kept = append(kept, c)
		}
	}
	p.Changes = kept
	notManaged := []string{}
	for _, addr := range p.NotManaged {
		service := serviceOf(addr)
		_, rest, _ := strings.Cut(addr, "/")
		function, _, _ := strings.Cut(rest, "/")
		if strings.HasPrefix(addr, "alias.") {
			function = ""
		}
		if matches(service, function) {
			notManaged = append(notManaged, addr)
		}
	}
	p.NotManaged = notManaged
	p.Only = slices.Clone(refs)
	return nil
}
