// Package render shows plans and apply results to people and machines:
// text for terminals (colours only when asked), the versioned plan JSON,
// and Markdown for pull-request comments (within a byte budget, sections
// left out whole and counted, and no local paths). Every renderer works from the
// same planner.Plan / applier.Result data.
//
// It owns presentation only: it must not plan, apply, read the
// environment (the caller decides about TTYs and NO_COLOR) or write
// anywhere but the io.Writer it is given. Sensitive values are never
// shown: only "(sensitive)".
package render
