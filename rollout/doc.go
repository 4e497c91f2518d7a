// Package rollout shifts an alias's traffic from the version it serves to a
// new one in steps (additionalVersionWeight), waiting and running a health
// check after each step, and rolls the alias back by itself when a check
// fails or someone else changes the alias meanwhile.
//
// The rollout's state lives on the alias itself, as a marker at the end of
// its description, so a killed rollout can be resumed (Spec.Resume) or
// undone (Rollback) by another process later; no local state is kept.
//
// It owns the marker format, the step loop and its events. It must not
// print, parse flags or run commands: the check is a func the caller
// provides, progress goes to Options.OnEvent, and the caller decides how to
// show it. Every alias write is guarded by If-Match.
package rollout
