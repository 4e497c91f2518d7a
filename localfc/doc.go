// Package localfc is the local Function Compute: an http.Handler that speaks
// the 2016-08-15 API (wire-protocol.md) over a store.Store, so official FC
// clients and fcdeploy itself work against one machine with no cloud account.
//
// It owns the route table, request signing checks (auth.go), the account
// rule (x-fc-account-id, else the first label of Host), request validation
// against the limits of fc/limits.go, the one error mapper that writes
// cloud-shaped error bodies, signed code-download URLs, and the data
// directory conventions the CLI uses (credentials.json, server.json,
// Connect).
//
// It must not hold state of its own beyond the server's signing key for
// download tokens: every resource rule that needs state (existence,
// emptiness, If-Match) belongs to the store, checked inside its
// transactions. It never prints; request logs go to the injected
// slog.Logger and never carry headers or secrets. Function runtimes and the
// HTTP-trigger proxy are other issues: their routes answer 501.
package localfc
