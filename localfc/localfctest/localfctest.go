package localfctest

import (
	"crypto/rand"
	"encoding/hex"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

// Instance is one running local Function Compute.
type Instance struct {
	URL         string
	AccountID   string
	Credentials fc.Credentials
	Store       store.Store
	Server      *localfc.Server
}

// Start runs a local Function Compute until the test ends.
func Start(t testing.TB) *Instance { return StartWithFaults(t, localfc.Faults{}) }

// StartWithFaults runs a local Function Compute that injects faults
// (throttling, errors, resets, latency) in front of every request.
func StartWithFaults(t testing.TB, faults localfc.Faults) *Instance {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), localfc.StoreFileName))
	if err != nil {
		t.Fatalf("localfctest: %v", err)
	}
	creds := fc.Credentials{AccessKeyID: "TEST" + randomHex(8), AccessKeySecret: randomHex(20)}
	srv := localfc.New(localfc.Config{
		Store:       st,
		Credentials: map[string]string{creds.AccessKeyID: creds.AccessKeySecret},
		// Tests use several accounts (staging, prod) with one key.
		KeyAccounts: map[string][]string{creds.AccessKeyID: {localfc.AnyAccount}},
	})
	ts := httptest.NewServer(faults.Wrap(srv)) // binds 127.0.0.1:0
	t.Cleanup(func() {
		ts.Close()
		st.Close()
	})
	return &Instance{URL: ts.URL, AccountID: localfc.DefaultAccountID, Credentials: creds, Store: st, Server: srv}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
