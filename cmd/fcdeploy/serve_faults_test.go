package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc"
)

// startServe runs serve with opts until the test ends and returns its URL
// and output.
func startServe(t *testing.T, opts *serveOptions) (string, *syncBuffer) {
	t.Helper()
	out := &syncBuffer{}
	streams := &IOStreams{In: bytes.NewReader(nil), Out: out, ErrOut: &syncBuffer{}}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	opts.addr = "127.0.0.1:0"
	opts.ready = func(url string) { ready <- url }
	go func() { done <- runServe(ctx, opts, streams) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case url := <-ready:
		return url, out
	case err := <-done:
		t.Fatalf("serve ended before it was ready: %v", err)
		return "", nil
	}
}

// listServices sends one signed ListServices and returns its status and
// error code.
func listServices(t *testing.T, url, dataDir string) (int, string) {
	t.Helper()
	creds, _, err := localfc.LoadOrCreateKeys(dataDir)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodGet, url+"/2016-08-15/services", nil)
	require.NoError(t, err)
	fc.SignRequest(req, creds, time.Now())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var e struct{ ErrorCode string }
	_ = json.Unmarshal(body, &e)
	return resp.StatusCode, e.ErrorCode
}

func TestServeThrottlesEachAccountToItsRateLimitAndSaysSo(t *testing.T) {
	dataDir := t.TempDir()
	// One token per thousand seconds: the second request is over the rate
	// however slow the machine.
	url, out := startServe(t, &serveOptions{dataDir: dataDir, rateLimit: 0.001, rateLimitBurst: 1, rateLimitStatus: 503, maxProvisioned: 2})
	assert.Contains(t, out.String(), "rate limit: 0.001 requests per second per account (bursts of 1), then 503 ResourceThrottled")

	status, _ := listServices(t, url, dataDir)
	assert.Equal(t, http.StatusOK, status)
	status, code := listServices(t, url, dataDir)
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Equal(t, fc.CodeResourceThrottled, code)
}

func TestServeInjectsTheFaultsItPrints(t *testing.T) {
	dataDir := t.TempDir()
	url, out := startServe(t, &serveOptions{dataDir: dataDir, faults: "429=100%", maxProvisioned: 2})
	assert.Contains(t, out.String(), "faults: 429=100%\n")

	status, code := listServices(t, url, dataDir)
	assert.Equal(t, http.StatusTooManyRequests, status)
	assert.Equal(t, fc.CodeResourceExhausted, code)
}

func TestServeRefusesABadFaultSpecOrRateLimit(t *testing.T) {
	streams := &IOStreams{In: bytes.NewReader(nil), Out: &syncBuffer{}, ErrOut: &syncBuffer{}}
	err := runServe(context.Background(), &serveOptions{dataDir: t.TempDir(), faults: "418=5%"}, streams)
	assert.ErrorContains(t, err, `serve: --faults (or $FCDEPLOY_SERVE_FAULTS): faults "418=5%": unknown key "418"`)
	err = runServe(context.Background(), &serveOptions{dataDir: t.TempDir(), rateLimit: 5, rateLimitStatus: 500}, streams)
	assert.ErrorContains(t, err, "serve: --rate-limit: rate limit status 500: use 429")
	err = runServe(context.Background(), &serveOptions{dataDir: t.TempDir(), maxProvisioned: -1}, streams)
	assert.ErrorContains(t, err, "--max-provisioned -1")
}

func TestServeReadsFaultsFromTheEnvironmentUnlessTheFlagIsGiven(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"environment", nil, "faults: 503=10%,latency=1ms\n"},
		{"flag", []string{"--faults", "429=1%"}, "faults: 429=1%\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(localfc.FaultsEnv, "503=10%,latency=1ms")
			out := &syncBuffer{}
			cmd := newServeCmd(&IOStreams{In: bytes.NewReader(nil), Out: out, ErrOut: &syncBuffer{}})
			cmd.SetArgs(append([]string{"--addr", "127.0.0.1:0", "--data", t.TempDir()}, tc.args...))
			cmd.SetErr(io.Discard)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			// An ended context: serve starts, prints its banner and stops
			// (failing to read the store with the ended context).
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			assert.ErrorIs(t, cmd.ExecuteContext(ctx), context.Canceled)
			assert.Contains(t, out.String(), tc.want)
		})
	}
}
