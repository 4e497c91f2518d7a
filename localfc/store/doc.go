// Package store keeps the durable state of the local Function Compute in
// bbolt: services, functions and their code, triggers, versions (snapshots),
// aliases and the async invocation queue, scoped by account. It owns every
// rule that needs state (existence, emptiness, If-Match, version ids,
// alias targets), checked inside the transaction of the write it guards.
//
// Layout of the file: one bucket per account ("account:<id>") holding flat
// buckets of services, functions, triggers, versions and aliases whose
// keys join parent names with NUL, so every list is one sorted key range;
// global buckets hold code zips by checksum (shared, reference counted)
// and the async queue. The resources added since 2018 (layers, provision
// and on-demand configs, tags) have buckets of their own inside the account
// bucket, created by their first write (extra.go); layer zips share the
// code buckets.
//
// It must not know HTTP, validate request shapes (names, limits, trigger
// config shapes: the HTTP layer does), print or log.
package store
