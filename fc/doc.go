// Package fc speaks the Function Compute 2016-08-15 API: its types (from the
// specification's Definitions), request signing, typed errors, limits and
// checksums, and a context-aware client with one method per operation.
//
// It is shared by both sides of the wire: the client used by the planner and
// applier, and the local server in localfc. It never prints and holds no
// global state.
//
// Adding a field of a service, function, trigger or alias is one change
// here plus its text in the manifest's JSON Schema: the Go field on the
// input type (a pointer when optional) and on the response type, both under
// the API's JSON name, its flags in an `fc` tag (see Flags: required,
// default, immutable, sensitive, ...), and its limits in Ranges or Enums.
// The manifest's decoder, Apply, the planner's diff and the renderers find
// it by reflection; a coverage test in package schema fails until the
// schema and both types agree.
package fc
