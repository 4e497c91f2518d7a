// Package store keeps the durable state of the local Function Compute in
// bbolt: services, functions and their code, triggers, versions (snapshots),
// aliases and the async invocation queue, scoped by account. It owns every
// rule that needs state, checked inside the transaction of the write it
// guards. It knows nothing of HTTP.
package store
