// Package localfctest starts a local Function Compute for tests: a real
// HTTP server on 127.0.0.1 over a BoltStore in a temporary directory, with a
// fresh key pair and account DefaultAccountID, all cleaned up by t.Cleanup.
//
// It owns nothing but that setup; it must not be imported by non-test code
// and must not reach into the server's internals.
package localfctest
