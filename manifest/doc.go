// Package manifest loads fcdeploy.yaml into the Project model: the desired
// state of services, functions, triggers and aliases, with every value's
// position kept for error messages.
//
// It owns the YAML decoding (bounded against huge documents and alias
// bombs), `${vars.*}`/`${env.*}` interpolation, environment selection,
// defaults, marking of sensitive environment variables, and the checks that
// need the interpolated values (limits from package fc, code paths, alias
// references, cron expressions). Every problem is reported at once as a
// Diagnostic with file:line:col.
//
// API blocks (a service, function, trigger or alias) are decoded by one
// reflective walker into the fc input types by JSON name (decode.go); the
// code in resources.go handles only the manifest's own keys (Shape.Own)
// and the checks that span fields. A new API field needs no change here.
// The manifest's own kinds of today's API (top-level layers and
// customDomains, a function's asyncInvokeConfig, an alias's provision, a
// service's tags) live in current.go; names they use (a layer,
// SERVICE/FUNCTION) are checked here and resolved by the planner.
//
// It must not print, import cobra, talk to the network or read code
// directories beyond checking that they exist: packaging is the
// packager's job, and the JSON Schema lives in package schema.
package manifest
