// Package deploy turns a loaded manifest into what the planner and applier
// need: it builds the functions that declare a build: block (package
// builder, in parallel, each failure naming its function), packages every
// function's code or build output and every layer's code (a directory
// shared by several functions once), builds the planner's desired state
// (layers, custom domains, async and provision configs and tags included),
// and serves the packaged bytes to the applier. It does no I/O with
// Function Compute and never prints.
package deploy
