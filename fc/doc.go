// Package fc speaks the Function Compute 2016-08-15 API: its types (from the
// specification's Definitions), request signing, typed errors, limits and
// checksums, and a context-aware client with one method per operation.
//
// It is shared by both sides of the wire: the client used by the planner and
// applier, and the local server in localfc. It never prints and holds no
// global state.
package fc
