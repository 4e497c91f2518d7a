package planner

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/fcdeploy/fcdeploy/fc"
)

// The field changes of a resource, computed the same way for every kind
// and every field (terraform's ProposedNew, fluxcd ssa's merge and diff):
//  1. after := live with the input applied by fc's Apply, the API's update
//     rule (a set field replaces the live one whole; the rest is kept);
//  2. a generic diff of live and after over their JSON values, nil, {} and
//     [] being equal: objects and maps key by key, lists and atomic fields
//     whole, restricted to the fields the input sets;
//  3. each change takes the flags of its path from the fc tags: sensitive
//     values are masked, a changed immutable field turns the update into
//     a replacement.

// fieldDiff is the result of diffing one resource.
type fieldDiff struct {
	changes []FieldChange
	// immutable lists the changed paths an update cannot change.
	immutable []string
}

// replaceReason says why the resource must be replaced, "" when it can be
// updated in place.
func (d fieldDiff) replaceReason() string {
	if len(d.immutable) == 0 {
		return ""
	}
	return strings.Join(d.immutable, ", ") + " cannot change in place"
}

// diffFields compares live (nil: the resource is created) with after over
// the fields the input in (a pointer to an fc input struct) sets. secret
// names the keys of secretnames maps (environment variables) that the
// desired state marks secret.
func diffFields(in, live, after any, secret map[string]bool) fieldDiff {
	iv := reflect.ValueOf(in).Elem()
	create := reflect.ValueOf(live).IsNil()
	var before map[string]any
	if !create {
		before, _ = jsonValue(live).(map[string]any)
	}
	afterV, _ := jsonValue(after).(map[string]any)
	w := &differ{create: create, flags: fc.Paths(iv.Type()), secret: secret}
	for _, f := range fc.Fields(iv.Type()) {
		if f.Flags.Name || f.Flags.WriteOnly {
			continue
		}
		if _, set := fc.SetValue(iv.Field(f.Index)); !set {
			continue
		}
		w.walk([]string{f.JSONName}, before[f.JSONName], afterV[f.JSONName])
	}
	return w.out
}

type differ struct {
	create bool
	flags  []fc.FieldPath
	secret map[string]bool
	out    fieldDiff
}

func (w *differ) walk(path []string, before, after any) {
	flags := w.flagsOf(path)
	bm, bIsMap := before.(map[string]any)
	am, aIsMap := after.(map[string]any)
	if !flags.Atomic && (aIsMap || bIsMap) && (aIsMap || after == nil) && (bIsMap || before == nil) {
		keys := slices.Sorted(maps.Keys(am))
		for k := range bm {
			if _, ok := am[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			w.walk(append(slices.Clip(path), k), bm[k], am[k])
		}
		return
	}
	if w.create {
		if isEmpty(after) || after == "" {
			return
		}
		before = nil
	} else if sameValue(before, after) {
		return
	}
	key := path[len(path)-1]
	sensitive := flags.Sensitive || (flags.SecretNames && len(path) > 1 && isSecretKey(w.secret, key))
	w.out.changes = append(w.out.changes, FieldChange{Path: strings.Join(path, "."), Before: before, After: after, Sensitive: sensitive})
	if flags.Immutable && !w.create {
		w.out.immutable = append(w.out.immutable, strings.Join(path, "."))
	}
}

// flagsOf returns the flags of the longest known path that path starts
// with; "*" matches any key or index.
func (w *differ) flagsOf(path []string) fc.Flags {
	var best fc.FieldPath
	for _, p := range w.flags {
		if len(p.Path) > len(path) || len(p.Path) <= len(best.Path) {
			continue
		}
		match := true
		for i, tok := range p.Path {
			if tok != "*" && tok != path[i] {
				match = false
				break
			}
		}
		if match {
			best = p
		}
	}
	return best.Flags
}

func serviceFieldChanges(in *fc.ServiceInput, live *fc.Service) fieldDiff {
	after := fc.Service{}
	if live != nil {
		after = *live
	}
	after.Apply(*in)
	return diffFields(in, live, &after, nil)
}

func functionFieldChanges(in *fc.FunctionInput, live *fc.Function, sensitive map[string]bool) fieldDiff {
	after := fc.Function{}
	if live != nil {
		after = *live
	}
	after.Apply(*in)
	return diffFields(in, live, &after, sensitive)
}

// triggerFieldChanges diffs a trigger; the live qualifier "" is LATEST,
// which the input always names.
func triggerFieldChanges(in *fc.TriggerInput, live *fc.Trigger) fieldDiff {
	after := fc.Trigger{}
	if live != nil {
		l := *live
		if l.Qualifier == "" {
			l.Qualifier = fc.QualifierLatest
		}
		if l.TriggerType == "timer" {
			l.TriggerConfig = timerEnableExplicit(l.TriggerConfig)
		}
		live, after = &l, l
	}
	after.Apply(*in)
	return diffFields(in, live, &after, nil)
}

// timerEnableExplicit writes the enable of a timer config that has none
// as false, which is how Function Compute reads it (tools like Funcraft
// leave it out), so that an explicit false is no change.
func timerEnableExplicit(cfg json.RawMessage) json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(cfg, &m) != nil || m == nil {
		return cfg
	}
	if _, ok := m["enable"]; ok {
		return cfg
	}
	m["enable"] = json.RawMessage("false")
	out, err := json.Marshal(m)
	if err != nil {
		return cfg
	}
	return out
}

func aliasFieldChanges(in *fc.AliasInput, live *fc.Alias) fieldDiff {
	after := fc.Alias{}
	if live != nil {
		after = *live
	}
	after.Apply(*in)
	return diffFields(in, live, &after, nil)
}

// The versioned content of a service and of a function: what a version
// snapshots, every field but the server-owned ones (ids, times), the code
// checksum included.

func sameServiceContent(a, b *fc.Service) bool {
	return sameValue(versionedContent(a), versionedContent(b))
}

func sameFunctionContent(a, b *fc.Function) bool {
	ca, cb := versionedContent(a), versionedContent(b)
	ca["codeChecksum"], cb["codeChecksum"] = a.CodeChecksum, b.CodeChecksum
	return sameValue(ca, cb)
}

func versionedContent(resource any) map[string]any {
	v := reflect.ValueOf(resource).Elem()
	out := map[string]any{}
	for _, f := range fc.Fields(v.Type()) {
		if !f.Flags.ReadOnly {
			out[f.JSONName] = jsonValue(v.Field(f.Index).Interface())
		}
	}
	return out
}
