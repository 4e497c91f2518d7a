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
// slog.Logger and never carry headers or secrets.
//
// Functions run in a runtime.Pool given in Config (invoke.go): synchronous
// invocations, a durable async queue worked by StartBackground (async.go),
// timer triggers fired through that queue (timers.go) and HTTP triggers
// under /2016-08-15/proxy/ (proxy.go). Without a pool those answer 501.
//
// Every invocation maps the function (as of its qualifier) to a
// runtime.Request in runreq.go, the one place that does it: configuration,
// custom runtime fields, lifecycle hooks, the service's log config, the
// code's SHA-256 and its layers. Layer ARNs are resolved in the store of
// the account they name (another account's only when public; the ARN's
// region is not compared, the local Function Compute being one region);
// a missing or unreadable layer fails the invocation naming its ARN.
// Provision configs keep instances warm in the pool (provisioner.go), up to
// the pool's MaxProvisionedPerFunction; current reports how many run.
//
// Config.RateLimit (ratelimit.go) throttles each account's authenticated
// API requests with a token bucket, answering the platform's throttling
// errors; Faults (faults.go) wrap the handler to inject errors, resets and
// latency.
//
// A request whose Host is a custom domain (customdomains.go) is routed by
// the domain's route table to a function and served like an HTTP trigger.
// The async queue follows each function's async invoke config (retries,
// event age) and delivers outcomes to function destinations
// (destinations.go); other destination kinds are logged as not delivered.
package localfc
