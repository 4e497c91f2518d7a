package planner

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Adoption marks the change by which a project takes over a live service
// it did not create: one that carries no fcdeploy:project tag, or the tag
// of another project. The change moves the tag to this project; applying
// it needs the caller's explicit consent (see CheckAdoptions), because the
// service's functions may be serving someone else's traffic.
type Adoption struct {
	// From is the project whose tag the service carries; empty when the
	// service is untagged (built in the console or by another tool).
	From string `json:"from_project,omitempty"`
}

// String is "untagged" or "from project NAME", for plans and errors.
func (a *Adoption) String() string {
	if a.From == "" {
		return "untagged"
	}
	return "from project " + a.From
}

// adoption is the Adoption of the live service ls by project, or nil when
// the project owns it already, creates it, or cannot tell (no project
// name). Callers read the tags first (Live.Current); Diff refuses a service
// missing from the live state, so ls is never nil.
func adoption(project string, ls *LiveService) *Adoption {
	if project == "" || ls.Service == nil {
		return nil
	}
	owner := ls.Tags[TagProject]
	if owner == project {
		return nil
	}
	return &Adoption{From: owner}
}

// Adoptions lists the plan's changes that adopt a service, in plan order.
func (p *Plan) Adoptions() []*Change {
	var out []*Change
	for i := range p.Changes {
		if p.Changes[i].Adopt != nil {
			out = append(out, &p.Changes[i])
		}
	}
	return out
}

// AdoptionError refuses a plan that takes over services without consent.
// Untagged lists the services no project claims (adopt allows them);
// Owned maps each service claimed by another project to that project
// (only a forced adoption takes those).
type AdoptionError struct {
	Project  string
	Untagged []string
	Owned    map[string]string
}

func (e *AdoptionError) Error() string {
	var parts []string
	if len(e.Untagged) > 0 {
		n := len(e.Untagged)
		parts = append(parts, fmt.Sprintf("%s %s %s live but not tagged as any project's: adopt %s to take %s over",
			plural(n, "service", "services"), strings.Join(e.Untagged, ", "),
			plural(n, "exists", "exist"), plural(n, "it", "them"), plural(n, "it", "them")))
	}
	for _, s := range slices.Sorted(maps.Keys(e.Owned)) {
		parts = append(parts, fmt.Sprintf("service %s belongs to project %s (its %s tag): only a forced adoption moves it to project %s",
			s, e.Owned[s], TagProject, e.Project))
	}
	return strings.Join(parts, "; ")
}

// CheckAdoptions refuses the plan, before anything is written, when it
// adopts an untagged service and adopt is false, or a service of another
// project and force is false. force implies adopt.
func (p *Plan) CheckAdoptions(adopt, force bool) error {
	e := &AdoptionError{Project: p.Project, Owned: map[string]string{}}
	for _, c := range p.Adoptions() {
		switch {
		case c.Adopt.From == "" && !adopt && !force:
			e.Untagged = appendNew(e.Untagged, c.Service)
		case c.Adopt.From != "" && !force:
			e.Owned[c.Service] = c.Adopt.From
		}
	}
	if len(e.Untagged) == 0 && len(e.Owned) == 0 {
		return nil
	}
	slices.Sort(e.Untagged)
	return e
}

// OwnerError refuses to delete services that another project's
// fcdeploy:project tag claims: Owned maps each to that project.
type OwnerError struct {
	Project string
	Owned   map[string]string
}

func (e *OwnerError) Error() string {
	var parts []string
	for _, s := range slices.Sorted(maps.Keys(e.Owned)) {
		parts = append(parts, fmt.Sprintf("service %s belongs to project %s (its %s tag), not to project %s: it is never deleted from here; destroy it from project %s, or adopt it first",
			s, e.Owned[s], TagProject, e.Project, e.Owned[s]))
	}
	return strings.Join(parts, "; ")
}

// CheckOwners refuses, before anything is deleted, a destroy plan that
// deletes anything of a service that live shows tagged by a project other
// than project (its functions, or the layers its tags name, included).
// Untagged services are the declaring project's to delete.
func CheckOwners(p *Plan, live *Live, project string) error {
	e := &OwnerError{Project: project, Owned: map[string]string{}}
	for _, c := range p.Changes {
		if c.Action != ActionDelete || c.Service == "" {
			continue
		}
		ls := live.Services[c.Service]
		if ls == nil {
			continue
		}
		if owner := ls.Tags[TagProject]; owner != "" && owner != project {
			e.Owned[c.Service] = owner
		}
	}
	if len(e.Owned) == 0 {
		return nil
	}
	return e
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// ownedLayersOf lists the layers named by the TagLayers tag of the live
// services that project owns (or that no project claims): another
// project's layers never become this project's, nor deleted by its
// --prune, because it adopts one of that project's services.
func (l *Live) ownedLayersOf(project string) []string {
	if project == "" {
		return l.OwnedLayers()
	}
	set := map[string]bool{}
	for _, ls := range l.Services {
		if owner := ls.Tags[TagProject]; owner != "" && owner != project {
			continue
		}
		for _, n := range splitLayers(ls.Tags[TagLayers]) {
			set[n] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}
