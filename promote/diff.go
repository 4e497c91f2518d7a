package promote

import (
	"fmt"

	"github.com/fcdeploy/fcdeploy/planner"
)

// ConfigDifference is one field of the destination's configuration that
// differs from what runs in the source. Sensitive values are never held:
// Before and After are "(sensitive)" then.
type ConfigDifference struct {
	Address string // e.g. function.shop/api
	Path    string // e.g. memorySize
	Source  string // the value live in the source
	Dest    string // the value the destination gets
}

// ConfigDifferences compares the destination's desired state with the
// source's live state, field by field. Aliases and versions are left out:
// they follow each environment's own history. source names the source's
// account, for the ARNs of SERVICE/FUNCTION async destinations (resolved
// there, so the same function of each environment is no difference).
func ConfigDifferences(desired *planner.Desired, sourceLive *planner.Live, source ...planner.Target) ([]ConfigDifference, error) {
	var opt planner.Options
	if len(source) > 0 {
		opt.Target = source[0]
	}
	diff, err := planner.Diff(desired, sourceLive, opt)
	if err != nil {
		return nil, err
	}
	var out []ConfigDifference
	for _, c := range diff.Changes {
		if c.Action != planner.ActionUpdate || c.Kind == planner.KindAlias || c.Kind == planner.KindVersion {
			continue
		}
		for _, f := range c.FieldChanges {
			if f.AfterUnknown {
				continue
			}
			src, dst := fmt.Sprint(f.Before), fmt.Sprint(f.After)
			if f.Sensitive {
				src, dst = "(sensitive)", "(sensitive)"
			}
			out = append(out, ConfigDifference{Address: c.Address, Path: f.Path, Source: src, Dest: dst})
		}
	}
	return out, nil
}

// StaleFunction is a function whose promoted code differs between a saved
// plan and the source as it is now.
type StaleFunction struct {
	Service, Function string
	// Planned is the checksum the saved plan promotes ("" when it kept the
	// destination's code); Now the one a new promotion would.
	Planned, Now string
}

// StaleCode compares the code uploads of a saved promotion plan with those
// of a fresh plan from the same source: the functions whose code differs are
// the reason the saved plan is stale, named so that the user knows what was
// redeployed in the source since.
func StaleCode(saved, fresh *planner.Plan) []StaleFunction {
	uploads := func(p *planner.Plan) map[string]*planner.Change {
		m := map[string]*planner.Change{}
		for i := range p.Changes {
			c := &p.Changes[i]
			if c.Kind == planner.KindFunction && c.Code != nil && c.Code.Upload {
				m[c.Service+"/"+c.Function] = c
			}
		}
		return m
	}
	old, now := uploads(saved), uploads(fresh)
	var out []StaleFunction
	seen := map[string]bool{}
	add := func(k string) {
		if seen[k] {
			return
		}
		seen[k] = true
		var planned, current string
		var c *planner.Change
		if o := old[k]; o != nil {
			planned, c = o.Code.After, o
		}
		if n := now[k]; n != nil {
			current, c = n.Code.After, n
		}
		if planned == current {
			return
		}
		out = append(out, StaleFunction{Service: c.Service, Function: c.Function, Planned: planned, Now: current})
	}
	for _, c := range saved.Changes {
		add(c.Service + "/" + c.Function)
	}
	for _, c := range fresh.Changes {
		add(c.Service + "/" + c.Function)
	}
	return out
}
