package manifest

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fcdeploy/fcdeploy/fc"
)

// The manifest writes each resource as its fc input type, field for field
// under the API's JSON names, plus a few keys of its own. One reflective
// walker decodes those blocks (the hashicorp/hcl gohcl way): it finds
// fields by JSON tag, reports every problem as a positioned diagnostic and
// never stops at the first one. Adding an API field to package fc makes it
// a manifest field without a change here.

// Shape says how the manifest writes one resource kind: Type is its fc
// input type, Own the keys the manifest handles by hand (Required the ones
// among them that must be written), Hidden the API fields it does not
// accept under their own name (it writes them through an own key, or
// derives them).
type Shape struct {
	Kind     string
	Type     reflect.Type
	Own      []string
	Required []string
	Hidden   []string
}

// Shapes of the resources, by kind. A manifest-specific key (say a
// function's `build:`) is added to Own here and handled where the kind is
// loaded.
var (
	ServiceShape = Shape{Kind: "service", Type: reflect.TypeFor[fc.ServiceInput](),
		Own: []string{"functions", "publish", "aliases", "tags"}}
	FunctionShape = Shape{Kind: "function", Type: reflect.TypeFor[fc.FunctionInput](),
		Own: []string{"code", "triggers", "build", "asyncInvokeConfig"}, Hidden: []string{"code"}}
	TriggerShape = Shape{Kind: "trigger", Type: reflect.TypeFor[fc.TriggerInput](),
		Own: []string{"type", "config"}, Required: []string{"type", "config"}, Hidden: []string{"triggerType", "triggerConfig"}}
	AliasShape = Shape{Kind: "alias", Type: reflect.TypeFor[fc.AliasInput](),
		Own: []string{"version", "provision"}, Required: []string{"version"}, Hidden: []string{"versionId"}}
)

// apiFields are the fields of t the manifest accepts under their JSON
// names: not the identity (the manifest's key) and not the hidden ones.
func apiFields(t reflect.Type, hidden []string) []fc.Field {
	var out []fc.Field
	for _, f := range fc.Fields(t) {
		if !f.Flags.Name && !slices.Contains(hidden, f.JSONName) {
			out = append(out, f)
		}
	}
	return out
}

// Keys lists every key the manifest accepts for the shape, API fields
// first, in declaration order.
func (s Shape) Keys() []string {
	var out []string
	for _, f := range apiFields(s.Type, s.Hidden) {
		out = append(out, f.JSONName)
	}
	return append(out, s.Own...)
}

// block is one decoded mapping: every key written, with its value.
type block struct {
	path string
	at   *yaml.Node // the key naming the mapping, or the mapping itself
	keys map[string]*yaml.Node
	vals map[string]*yaml.Node
}

func (b *block) has(name string) bool {
	v, ok := b.vals[name]
	return ok && !isNull(v)
}

// decodeShape decodes the mapping n (named by key at) into *dst, which
// must be of the shape's type; own keys are collected, not decoded.
func (l *loader) decodeShape(n, at *yaml.Node, path string, sh Shape, dst any) *block {
	rv := reflect.ValueOf(dst).Elem()
	b := l.decodeStruct(n, at, path, rv, sh.Kind, nil, sh.Own, sh.Hidden)
	for _, r := range sh.Required {
		if v, ok := b.vals[r]; !ok {
			l.errorf(b.at, path, "missing required field %q", r)
		} else if isNull(v) {
			l.errorf(b.keys[r], join(path, r), "%s is empty; it is required", r)
		}
	}
	return b
}

// decodeStruct fills the struct rv from mapping n. fpath is the JSON path
// of rv inside its resource, for the limits of fc.Ranges.
func (l *loader) decodeStruct(n, at *yaml.Node, path string, rv reflect.Value, kind string, fpath []string, own, hidden []string) *block {
	b := &block{path: path, at: at, keys: map[string]*yaml.Node{}, vals: map[string]*yaml.Node{}}
	if at == nil {
		b.at = n
	}
	fields := apiFields(rv.Type(), hidden)
	if n != nil && !isNull(n) && n.Kind != yaml.MappingNode {
		l.errorf(n, path, "must be a mapping, not %s", describe(n))
		return b
	}
	byName := map[string]fc.Field{}
	allowed := make([]string, 0, len(fields)+len(own))
	for _, f := range fields {
		byName[f.JSONName] = f
		allowed = append(allowed, f.JSONName)
	}
	allowed = append(allowed, own...)
	if n != nil {
		for k, v := range pairs(n) {
			if !slices.Contains(allowed, k.Value) {
				l.errorf(k, join(path, k.Value), "%s", unknownField(k.Value, allowed))
				continue
			}
			b.keys[k.Value], b.vals[k.Value] = k, v
			f, api := byName[k.Value]
			if !api {
				continue // an own key: the caller's
			}
			if isNull(v) {
				if f.Flags.Required {
					l.errorf(k, join(path, k.Value), "%s is empty; it is required", k.Value)
				}
				continue
			}
			l.decodeValue(v, join(path, k.Value), rv.Field(f.Index), kind, append(slices.Clip(fpath), k.Value))
		}
	}
	for _, f := range fields {
		if b.has(f.JSONName) {
			continue
		}
		if _, written := b.vals[f.JSONName]; f.Flags.Required && !written {
			l.errorf(b.at, path, "missing required field %q", f.JSONName)
		}
		if f.Flags.HasDefault {
			// The API's default, written out: leaving a field out of the
			// manifest returns it to its default rather than keeping
			// whatever is live.
			p := reflect.New(f.Type)
			if err := json.Unmarshal(f.Flags.Default, p.Interface()); err != nil {
				panic(fmt.Sprintf("manifest: default of %s: %v", f.JSONName, err)) // fc's tags are tested
			}
			rv.Field(f.Index).Set(p.Elem())
		}
	}
	return b
}

// decodeValue fills rv from n by rv's type.
func (l *loader) decodeValue(n *yaml.Node, path string, rv reflect.Value, kind string, fpath []string) {
	t := rv.Type()
	if fc.IsRawJSON(t) || t.Kind() == reflect.Interface {
		v, err := Value(n)
		if err != nil {
			l.errorf(n, path, "%s", err)
			return
		}
		if t.Kind() == reflect.Interface {
			if v != nil {
				rv.Set(reflect.ValueOf(v))
			}
			return
		}
		raw, err := json.Marshal(v)
		if err != nil {
			l.errorf(n, path, "%s", err)
			return
		}
		rv.SetBytes(raw)
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		if isNull(n) {
			return
		}
		e := reflect.New(t.Elem())
		l.decodeValue(n, path, e.Elem(), kind, fpath)
		rv.Set(e)
	case reflect.Struct:
		l.decodeStruct(n, nil, path, rv, kind, fpath, nil, nil)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			l.errorf(n, path, "must be a mapping of names to values, not %s", describe(n))
			return
		}
		m := reflect.MakeMapWithSize(t, len(n.Content)/2)
		for k, v := range pairs(n) {
			e := reflect.New(t.Elem()).Elem()
			l.decodeValue(v, join(path, k.Value), e, kind, append(slices.Clip(fpath), "*"))
			m.SetMapIndex(reflect.ValueOf(k.Value).Convert(t.Key()), e)
		}
		rv.Set(m)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			what := "a list"
			if t.Elem().Kind() == reflect.String {
				what = "a list of strings"
			}
			l.errorf(n, path, "must be %s, not %s", what, describe(n))
			return
		}
		s := reflect.MakeSlice(t, len(n.Content), len(n.Content))
		for i, e := range n.Content {
			l.decodeValue(e, join(path, strconv.Itoa(i)), s.Index(i), kind, append(slices.Clip(fpath), "*"))
		}
		rv.Set(s)
	case reflect.String:
		// Numbers and booleans are accepted as their text: an unquoted
		// `accountId: 111111` or `A: 1` means the string.
		if n.Kind != yaml.ScalarNode {
			l.errorf(n, path, "must be a string, not %s", describe(n))
			return
		}
		if l.inEnum(n, path, kind, fpath, n.Value) {
			rv.SetString(n.Value)
		}
	case reflect.Bool:
		if b, ok := l.boolean(n, path); ok {
			rv.SetBool(b)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, ok := l.integer(n, path)
		if !ok {
			return
		}
		if rv.OverflowInt(i) {
			l.errorf(n, path, "the number %d is too large", i)
			return
		}
		if l.inRange(n, path, kind, fpath, float64(i)) && l.inEnum(n, path, kind, fpath, strconv.FormatInt(i, 10)) {
			rv.SetInt(i)
		}
	case reflect.Float32, reflect.Float64:
		f, ok := l.number(n, path)
		if ok && l.inRange(n, path, kind, fpath, f) {
			rv.SetFloat(f)
		}
	default:
		panic(fmt.Sprintf("manifest: %s: no decoder for %s", path, t)) // fc's types are tested
	}
}

func (l *loader) inRange(n *yaml.Node, path, kind string, fpath []string, v float64) bool {
	r, ok := fc.Ranges[kind+"."+strings.Join(fpath, ".")]
	if !ok {
		return true
	}
	if err := r.Check(v); err != nil {
		l.errorf(n, path, "%s", err)
		return false
	}
	return true
}

func (l *loader) inEnum(n *yaml.Node, path, kind string, fpath []string, v string) bool {
	values, ok := fc.Enums[kind+"."+strings.Join(fpath, ".")]
	if !ok || slices.Contains(values, v) {
		return true
	}
	msg := fmt.Sprintf("%q is not one of: %s", v, strings.Join(values, ", "))
	if s := DidYouMean(v, values); s != "" {
		msg = fmt.Sprintf("%q is not allowed; did you mean %q? Allowed: %s", v, s, strings.Join(values, ", "))
	}
	l.errorf(n, path, "%s", msg)
	return false
}

func (l *loader) boolean(v *yaml.Node, path string) (value, ok bool) {
	if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
		hint := ""
		switch strings.ToLower(v.Value) {
		case "yes", "on", "y":
			hint = " (YAML 1.2 reads yes/on as text; write true)"
		case "no", "off", "n":
			hint = " (YAML 1.2 reads no/off as text; write false)"
		}
		l.errorf(v, path, "must be true or false, not %s%s", describe(v), hint)
		return false, false
	}
	b, err := strconv.ParseBool(strings.ToLower(v.Value))
	if err != nil {
		l.errorf(v, path, "must be true or false, not %s", describe(v))
		return false, false
	}
	return b, true
}

// integer reads a whole number (1e3 and 2.0 are whole too).
func (l *loader) integer(v *yaml.Node, path string) (int64, bool) {
	if v.Kind != yaml.ScalarNode || (v.Tag != "!!int" && v.Tag != "!!float") {
		l.errorf(v, path, "must be a whole number, not %s", describe(v))
		return 0, false
	}
	i, err := strconv.ParseInt(strings.ReplaceAll(v.Value, "_", ""), 0, 64)
	if err == nil {
		return i, true
	}
	f, ferr := strconv.ParseFloat(strings.ReplaceAll(v.Value, "_", ""), 64)
	if ferr != nil || f != float64(int64(f)) {
		l.errorf(v, path, "must be a whole number, not %s", describe(v))
		return 0, false
	}
	return int64(f), true
}

// finiteFloat parses a YAML number (underscores allowed) that is neither
// NaN nor infinite: JSON, and so the API, has no such numbers.
func finiteFloat(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
}

func (l *loader) number(v *yaml.Node, path string) (float64, bool) {
	if v.Kind == yaml.ScalarNode && (v.Tag == "!!int" || v.Tag == "!!float") {
		if f, ok := finiteFloat(v.Value); ok {
			return f, true
		}
	}
	l.errorf(v, path, "must be a number, not %s", describe(v))
	return 0, false
}

func unknownField(name string, allowed []string) string {
	msg := fmt.Sprintf("unknown field %q", name)
	if s := DidYouMean(name, allowed); s != "" {
		return msg + fmt.Sprintf("; did you mean %q?", s)
	}
	return msg + "; allowed here: " + strings.Join(allowed, ", ")
}
