package fc

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// An API field is declared once: its Go field on the input and response
// types, with the JSON name in the json tag and its flags in an `fc` tag,
// e.g. `fc:"required,default=128"`. The manifest decoder, Apply and the
// planner find fields and flags here, by reflection, instead of naming each.
//
// Flags:
//   - name: the resource's identity (serviceName, functionName, ...), taken
//     from the URL or the manifest's key, never updated;
//   - required: required by a create;
//   - default=V: the value the API uses when a create leaves the field out,
//     as JSON (a bare word is a string; "default=" is the empty string);
//   - immutable: an update cannot change it: the planner replaces instead;
//   - sensitive: values are secret: masked in plans and messages;
//   - secretnames: a map whose values are secret when their key looks like
//     a secret (see IsSecretName);
//   - writeonly: input only, never echoed by a response (code);
//   - readonly: response only, set by the server (ids, times, checksums);
//   - atomic: a map or object compared and shown whole, not key by key.

// Flags are the `fc` tag flags of a field.
type Flags struct {
	Name, Required, Immutable, Sensitive, SecretNames, WriteOnly, ReadOnly, Atomic bool
	// Default is the API default as JSON; HasDefault says there is one.
	Default    json.RawMessage
	HasDefault bool
}

// Field is one JSON field of an fc struct type.
type Field struct {
	JSONName string
	Index    int
	Type     reflect.Type
	Flags    Flags
}

var fieldCache sync.Map // reflect.Type -> []Field

// Fields lists the JSON fields of struct type t in declaration order;
// fields without a JSON name (`json:"-"`) are left out.
func Fields(t reflect.Type) []Field {
	if v, ok := fieldCache.Load(t); ok {
		return v.([]Field)
	}
	var out []Field
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		out = append(out, Field{JSONName: name, Index: i, Type: sf.Type, Flags: parseFlags(sf)})
	}
	fieldCache.Store(t, out)
	return out
}

// FieldByName returns the field of struct type t with JSON name name.
func FieldByName(t reflect.Type, name string) (Field, bool) {
	for _, f := range Fields(t) {
		if f.JSONName == name {
			return f, true
		}
	}
	return Field{}, false
}

func parseFlags(sf reflect.StructField) Flags {
	var f Flags
	tag, ok := sf.Tag.Lookup("fc")
	if !ok {
		return f
	}
	for _, part := range strings.Split(tag, ",") {
		key, val, hasVal := strings.Cut(part, "=")
		switch key {
		case "name":
			f.Name = true
		case "required":
			f.Required = true
		case "immutable":
			f.Immutable = true
		case "sensitive":
			f.Sensitive = true
		case "secretnames":
			f.SecretNames = true
		case "writeonly":
			f.WriteOnly = true
		case "readonly":
			f.ReadOnly = true
		case "atomic":
			f.Atomic = true
		case "default":
			f.HasDefault = true
			if !hasVal || !json.Valid([]byte(val)) {
				val = mustJSON(val)
			}
			f.Default = json.RawMessage(val)
		default:
			panic(fmt.Sprintf("fc: field %s has an unknown fc tag flag %q", sf.Name, part)) // caught by the tests
		}
	}
	return f
}

func mustJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// Elem is t without pointers.
func Elem(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// rawMessageType is json.RawMessage: a JSON value of any shape, a leaf.
var rawMessageType = reflect.TypeFor[json.RawMessage]()

// IsRawJSON says whether t holds free-form JSON (json.RawMessage).
func IsRawJSON(t reflect.Type) bool { return Elem(t) == rawMessageType }

// FieldPath is one JSON path of a type, "*" standing for any map key or
// list index, with the flags of the field it ends in (inherited by
// everything below it).
type FieldPath struct {
	Path  []string
	Flags Flags
}

func (p FieldPath) String() string { return strings.Join(p.Path, ".") }

// Paths lists every JSON path of struct type t, depth first: a field, then
// the paths below it.
func Paths(t reflect.Type) []FieldPath {
	var out []FieldPath
	var walk func(t reflect.Type, prefix []string, inherited Flags)
	walk = func(t reflect.Type, prefix []string, inherited Flags) {
		t = Elem(t)
		switch {
		case IsRawJSON(t):
		case t.Kind() == reflect.Struct:
			for _, f := range Fields(t) {
				p := append(append([]string(nil), prefix...), f.JSONName)
				flags := f.Flags
				flags.Sensitive = flags.Sensitive || inherited.Sensitive
				flags.Immutable = flags.Immutable || inherited.Immutable
				flags.WriteOnly = flags.WriteOnly || inherited.WriteOnly
				flags.Atomic = flags.Atomic || inherited.Atomic
				flags.SecretNames = flags.SecretNames || inherited.SecretNames
				out = append(out, FieldPath{Path: p, Flags: flags})
				walk(f.Type, p, flags)
			}
		case t.Kind() == reflect.Map || t.Kind() == reflect.Slice:
			p := append(append([]string(nil), prefix...), "*")
			in := inherited
			in.Name, in.Required, in.HasDefault, in.Default = false, false, false, nil
			if t.Kind() == reflect.Map || Elem(t.Elem()).Kind() == reflect.Struct {
				out = append(out, FieldPath{Path: p, Flags: in})
			}
			walk(t.Elem(), p, in)
		}
	}
	walk(t, nil, Flags{})
	return out
}

// IsSecretName says whether an environment variable's name suggests that
// its value is a secret.
func IsSecretName(name string) bool {
	u := strings.ToUpper(name)
	for _, s := range []string{"PASSWORD", "SECRET", "TOKEN", "KEY"} {
		if strings.Contains(u, s) {
			return true
		}
	}
	return false
}
