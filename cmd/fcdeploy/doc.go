// Package main is the fcdeploy CLI: one file per verb, each with an options
// struct. It is the only code that parses flags or prints; engine packages
// return values and the verbs decide how to show them through IOStreams.
package main
