package planner

import (
	"encoding/json"
	"reflect"
)

// jsonValue turns v into the plain JSON-like value (string, float64, bool,
// map[string]any, []any, nil) it encodes to, so values compare and render
// the same whether they come from memory or from a plan file.
func jsonValue(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil
	}
	return out
}

// isEmpty says whether a JSON-like value is one that Function Compute treats
// as absent: nil, an empty map or an empty list.
func isEmpty(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(t) == 0
	case []any:
		return len(t) == 0
	}
	return false
}

// sameValue compares two JSON-like values, with nil, {} and [] equal at
// any depth.
func sameValue(a, b any) bool {
	return reflect.DeepEqual(canon(a), canon(b))
}

// canon drops empty members of maps, recursively, and turns an empty value
// into nil.
func canon(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range t {
			if c := canon(e); c != nil {
				out[k] = c
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		if len(t) == 0 {
			return nil
		}
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = canon(e)
		}
		return out
	}
	return v
}
