// Package schema owns the JSON Schema of fcdeploy.yaml (embedded, printed
// by `fcdeploy schema` for editors) and whole-manifest validation: the
// schema check on the document as written (before interpolation, where a
// value may still be a ${...} reference) combined with package manifest's
// checks after interpolation, every problem reported at once with
// file:line:col and a plain-English message.
//
// It must not print or import cobra. The limits in the schema mirror
// package fc (limits.go), the single source of truth; a test keeps them
// equal.
package schema
