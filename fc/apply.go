package fc

import (
	"reflect"
)

// The update semantics of the API, shared by the local server (which stores
// the result) and the planner (which predicts it): a nil field of an input
// leaves the resource's value as it is; a set one replaces it whole (a map
// or an object too). Fields are matched by JSON name, so a field added to
// both types is applied without a change here.

// Apply sets the non-nil fields of in on s.
func (s *Service) Apply(in ServiceInput) { applyInput(s, &in) }

// Apply sets the non-nil fields of in on f (not its code). A non-nil
// environment map replaces the old one whole.
func (f *Function) Apply(in FunctionInput) { applyInput(f, &in) }

// Apply sets the set fields of in on t. The trigger type is applied too,
// although no update changes it: the planner predicts the trigger it would
// replace this one with, and a server refuses the change before applying.
func (t *Trigger) Apply(in TriggerInput) { applyInput(t, &in) }

// Apply sets the non-nil fields of in on a.
func (a *Alias) Apply(in AliasInput) { applyInput(a, &in) }

// applyInput copies every set field of the input struct *in onto the
// response struct *dst: pointers, maps, slices and raw JSON that are not
// nil, and plain values that are not zero. Identity and write-only fields
// are not part of the resource's configuration and are skipped.
func applyInput(dst, in any) {
	dv, iv := reflect.ValueOf(dst).Elem(), reflect.ValueOf(in).Elem()
	for _, f := range Fields(iv.Type()) {
		if f.Flags.Name || f.Flags.WriteOnly {
			continue
		}
		v, ok := SetValue(iv.Field(f.Index))
		if !ok {
			continue
		}
		target, ok := FieldByName(dv.Type(), f.JSONName)
		if !ok {
			continue // a coverage test makes sure every input field has one
		}
		dv.Field(target.Index).Set(DeepCopy(v))
	}
}

// SetValue says whether an input field is set and returns its value without
// the pointer: a nil pointer, map, slice or raw JSON is unset, as is the
// zero value of a plain field.
func SetValue(v reflect.Value) (reflect.Value, bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v, false
		}
		return v.Elem(), true
	case reflect.Map, reflect.Slice, reflect.Interface:
		return v, !v.IsNil()
	}
	return v, !v.IsZero()
}

// DeepCopy copies v so that no map, slice or pointer is shared with it.
func DeepCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		c := reflect.New(v.Type().Elem())
		c.Elem().Set(DeepCopy(v.Elem()))
		return c
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		c := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			c.SetMapIndex(it.Key(), DeepCopy(it.Value()))
		}
		return c
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			c.Index(i).Set(DeepCopy(v.Index(i)))
		}
		return c
	case reflect.Struct:
		c := reflect.New(v.Type()).Elem()
		c.Set(v)
		for i := range v.NumField() {
			if c.Field(i).CanSet() {
				c.Field(i).Set(DeepCopy(v.Field(i)))
			}
		}
		return c
	}
	return v
}
