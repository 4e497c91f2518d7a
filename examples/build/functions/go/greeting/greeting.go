// Package greeting is the Go function's dependency: a module of its own,
// required through a replace directive so the build needs no network.
package greeting

import "strings"

// Hello greets who, or the world when who is blank.
func Hello(who string) string {
	who = strings.TrimSpace(who)
	if who == "" {
		who = "world"
	}
	return "Hello, " + who + "! (from Go, via the greeting module)"
}
