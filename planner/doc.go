// Package planner turns a desired state and the live state of a Function
// Compute account into a Plan: an ordered list of typed changes with
// field-level before/after values, the ETags seen at plan time and code
// checksums, and encodes that Plan as versioned JSON.
//
// It owns the Desired model (independent of the manifest: the CLI adapts a
// manifest into it), the live-state read (ReadLive: bounded parallel reads of
// the declared services only), the pure Diff, DestroyPlan and the plan file
// format (WritePlan/ReadPlan).
//
// A saved plan records what it was made against (Plan.RecordLive: every
// live ETag, each service's newest version, the live code sizes) and its
// target with the names of its credential variables; Plan.CheckLive refuses
// it once the live state moved on, before anything is written. Plan.Limit
// narrows a plan to some services or functions and what they depend on.
//
// The kinds of today's API (current.go): layers (a version published only
// when the zip checksum or configuration differ from the newest live one;
// functions name layers, resolved to version ARNs), custom domains, async
// invoke configs (SERVICE/FUNCTION destinations resolved to ARNs with
// Options.Target), provision configs and service tags. They are read when
// the API implements CurrentAPI, ordered around what they point at, pruned
// and destroyed; fcdeploy:project and fcdeploy:layers tags on the project's
// services record what the project owns. A declared service live without
// the project's tag is adopted (adopt.go): its change carries Adopt, and
// Plan.CheckAdoptions refuses it without the caller's consent; CheckOwners
// keeps destroy off services another project's tag claims.
//
// It must not write to an account (the applier does), print, or know about
// YAML, cobra or how plans are shown (package render does).
//
// Secrets: environment variables marked sensitive are written to a plan file
// only as salted scrypt digests (SecretDigest, one random salt per plan), and
// to plan output (WritePublicPlan) not at all. A plan read back from a file therefore
// carries placeholders; before applying it the caller rebuilds the Desired
// state from the manifest and its environment and calls Plan.FillSecrets,
// which checks every hash and puts the real values back. The applier refuses
// a plan whose secrets are still placeholders.
package planner
