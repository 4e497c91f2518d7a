// Package promote ships the code live in one environment to another: every
// function of the destination gets the very bytes the source runs (same
// codeChecksum), downloaded from the source with GetFunctionCode or read from
// the artifacts.json record of `fcdeploy package`, never rebuilt from the
// working tree. Layers are promoted the same way: the destination publishes
// the bytes of the newest version live in the source, checksum-checked. The
// configuration stays the destination's own (the manifest with its
// variables).
//
// It owns reading the source's live code (Source, a deploy.CodeFunc and an
// applier.CodeProvider in one), the comparison of the destination's
// configuration with what runs in the source (ConfigDifferences), and the
// explanation of a stale promotion plan (StaleCode). It must not connect to
// targets, parse flags or print: the CLI connects, plans with the planner,
// applies with the applier and shows what these functions return.
package promote
