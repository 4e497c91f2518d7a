package schema

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/manifest"
)

// One place per field: an API field is its Go field on the fc input and
// response types plus its text in the schema. These tests prove the three
// agree, so that a field added to one of them and forgotten in another
// fails here rather than being silently refused, dropped or never diffed.

// resolve follows $ref and picks the anyOf branch that describes plain
// values (the others allow ${...} references).
func resolve(s map[string]any) map[string]any {
	for s != nil {
		if ref, ok := s["$ref"].(string); ok {
			s = lookup(ref)
			continue
		}
		if branches, ok := s["anyOf"].([]any); ok {
			for _, b := range branches {
				bm, _ := b.(map[string]any)
				if ref, _ := bm["$ref"].(string); ref == "#/definitions/ref" {
					continue
				}
				s = bm
				break
			}
			if _, again := s["anyOf"]; again {
				return s
			}
			continue
		}
		return s
	}
	return s
}

// schemaPaths lists the JSON paths the schema describes below s, "*" for
// list items and map values, skipping the manifest's own keys at the top.
func schemaPaths(s map[string]any, prefix []string, skip []string, out map[string]bool) {
	s = resolve(s)
	if props, ok := s["properties"].(map[string]any); ok {
		for k, v := range props {
			if len(prefix) == 0 && slices.Contains(skip, k) {
				continue
			}
			p := append(slices.Clip(prefix), k)
			out[strings.Join(p, ".")] = true
			schemaPaths(v.(map[string]any), p, nil, out)
		}
	}
	if items, ok := s["items"].(map[string]any); ok {
		if it := resolve(items); it["properties"] != nil {
			p := append(slices.Clip(prefix), "*")
			out[strings.Join(p, ".")] = true
			schemaPaths(it, p, nil, out)
		}
	}
	if ap, ok := s["additionalProperties"].(map[string]any); ok {
		p := append(slices.Clip(prefix), "*")
		out[strings.Join(p, ".")] = true
		schemaPaths(ap, p, nil, out)
	}
}

// inputPaths lists the JSON paths of an fc input type as the manifest
// writes them: without the identity, the hidden fields and what lies
// below free JSON.
func inputPaths(t reflect.Type, hidden []string) map[string]bool {
	out := map[string]bool{}
	for _, p := range fc.Paths(t) {
		if p.Flags.Name || slices.Contains(hidden, p.Path[0]) {
			continue
		}
		out[p.String()] = true
	}
	return out
}

func TestEveryInputFieldIsInTheSchemaAndBack(t *testing.T) {
	t.Parallel()
	for def, sh := range map[string]manifest.Shape{
		"/definitions/service":  manifest.ServiceShape,
		"/definitions/function": manifest.FunctionShape,
		"/definitions/trigger":  manifest.TriggerShape,
		"/definitions/alias":    manifest.AliasShape,
	} {
		s := at(t, def)
		assert.Equal(t, false, s["additionalProperties"], "%s must refuse unknown fields", def)
		assert.ElementsMatch(t, sh.Keys(), slices.Collect(maps.Keys(s["properties"].(map[string]any))),
			"%s: the schema's keys are the API fields of %s and the manifest's own keys", def, sh.Type)
		want := inputPaths(sh.Type, sh.Hidden)
		got := map[string]bool{}
		schemaPaths(s, nil, sh.Own, got)
		assert.Equal(t, slices.Sorted(maps.Keys(want)), slices.Sorted(maps.Keys(got)), "%s: the JSON paths of %s", def, sh.Type)
	}
}

func TestEveryTriggerConfigTypeIsInTheSchemaAndBack(t *testing.T) {
	t.Parallel()
	defs := map[string]string{"timer": "/definitions/timerConfig", "http": "/definitions/httpConfig"}
	assert.ElementsMatch(t, slices.Collect(maps.Keys(defs)), slices.Collect(maps.Keys(fc.TriggerConfigTypes)),
		"every trigger type with a Go config type has a schema definition")
	for typ, def := range defs {
		s := at(t, def)
		assert.Equal(t, false, s["additionalProperties"], "%s must refuse unknown fields", def)
		got := map[string]bool{}
		schemaPaths(s, nil, nil, got)
		assert.Equal(t, slices.Sorted(maps.Keys(inputPaths(fc.TriggerConfigTypes[typ], nil))), slices.Sorted(maps.Keys(got)), def)
	}
}

// Each input field has the response field Apply copies it to, of the same
// type, and each response field the server does not own can be set.
func TestEveryInputFieldIsOnTheResponseTypeAndBack(t *testing.T) {
	t.Parallel()
	for in, out := range map[reflect.Type]reflect.Type{
		reflect.TypeFor[fc.ServiceInput]():  reflect.TypeFor[fc.Service](),
		reflect.TypeFor[fc.FunctionInput](): reflect.TypeFor[fc.Function](),
		reflect.TypeFor[fc.TriggerInput]():  reflect.TypeFor[fc.Trigger](),
		reflect.TypeFor[fc.AliasInput]():    reflect.TypeFor[fc.Alias](),
	} {
		for _, f := range fc.Fields(in) {
			if f.Flags.WriteOnly {
				continue
			}
			r, ok := fc.FieldByName(out, f.JSONName)
			if assert.True(t, ok, "%s.%s has no field on %s", in, f.JSONName, out) {
				assert.Equal(t, fc.Elem(f.Type), r.Type, "%s.%s: Apply copies the input's value to the response", in, f.JSONName)
			}
		}
		for _, r := range fc.Fields(out) {
			if r.Flags.ReadOnly {
				continue
			}
			_, ok := fc.FieldByName(in, r.JSONName)
			assert.True(t, ok, "%s.%s is neither set by %s nor marked readonly", out, r.JSONName, in)
		}
		inPaths, outPaths := map[string]bool{}, map[string]bool{}
		for _, p := range fc.Paths(in) {
			if !p.Flags.WriteOnly {
				inPaths[p.String()] = true
			}
		}
		for _, p := range fc.Paths(out) {
			if !p.Flags.ReadOnly {
				outPaths[p.String()] = true
			}
		}
		assert.Equal(t, slices.Sorted(maps.Keys(inPaths)), slices.Sorted(maps.Keys(outPaths)), "the JSON paths of %s and %s", in, out)
	}
}

// The schema repeats fc.Ranges for editors; this keeps them equal.
func TestTheSchemaRangesAreFCsRanges(t *testing.T) {
	t.Parallel()
	defs := map[string]string{"service": "/definitions/service", "function": "/definitions/function", "trigger": "/definitions/trigger", "alias": "/definitions/alias"}
	for key, r := range fc.Ranges {
		kind, path, _ := strings.Cut(key, ".")
		s := at(t, defs[kind])
		for _, tok := range strings.Split(path, ".") {
			s = resolve(s)
			if tok == "*" {
				if it, ok := s["items"].(map[string]any); ok {
					s = it
				} else {
					s, _ = s["additionalProperties"].(map[string]any)
				}
				continue
			}
			s, _ = s["properties"].(map[string]any)[tok].(map[string]any)
		}
		rule, _ := s["x-rule"].(string)
		s = resolve(s)
		if !assert.NotNil(t, s, key) {
			continue
		}
		assert.Equal(t, r.Min, s["minimum"], "%s minimum", key)
		assert.Equal(t, r.Max, s["maximum"], "%s maximum", key)
		if r.Step != 0 {
			assert.Equal(t, r.Step, s["multipleOf"], "%s multipleOf", key)
		}
		assert.Equal(t, r.Rule(), rule, "%s: the schema's message is fc's", key)
	}
}

// The schema's enums are fc.Enums.
func TestTheSchemaEnumsAreFCsEnums(t *testing.T) {
	t.Parallel()
	defs := map[string]string{"service": "/definitions/service", "function": "/definitions/function"}
	for key, values := range fc.Enums {
		kind, path, _ := strings.Cut(key, ".")
		s := at(t, defs[kind])
		for _, tok := range strings.Split(path, ".") {
			s, _ = resolve(s)["properties"].(map[string]any)[tok].(map[string]any)
		}
		var got []string
		for _, v := range resolve(s)["enum"].([]any) {
			got = append(got, strings.TrimSuffix(strings.TrimSuffix(fmt.Sprint(v), ".0"), "e+00"))
		}
		assert.Equal(t, values, got, key)
	}
}

func TestEveryFlagTagParses(t *testing.T) {
	t.Parallel()
	for _, typ := range []any{fc.ServiceInput{}, fc.FunctionInput{}, fc.TriggerInput{}, fc.AliasInput{}, fc.Service{}, fc.Function{}, fc.Trigger{}, fc.Alias{}} {
		assert.NotPanics(t, func() { fc.Paths(reflect.TypeOf(typ)) }, "%T", typ)
	}
}
