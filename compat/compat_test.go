package compat

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Each Node run gets this long; both usually finish in well under a minute.
const nodeTimeout = 2 * time.Minute

// TestNodeSDK runs sdk.test.js: the official Node SDK drives every non-invoke operation.
func TestNodeSDK(t *testing.T) {
	t.Parallel()
	requireNode(t)
	srv := startServer(t)
	runNode(t, srv, "node", "--test", "--test-reporter=spec", "sdk.test.js")
}

// TestNodeSDKInvokes runs invoke.test.js: the official Node SDK invokes a
// nodejs function that the server runs with its machine's node.
func TestNodeSDKInvokes(t *testing.T) {
	t.Parallel()
	requireNode(t)
	srv := startServer(t)
	runNode(t, srv, "node", "--test", "--test-reporter=spec", "invoke.test.js")
}

// TestNodeSDKDomainsAndAsync runs domains_async.test.js: the official Node SDK drives custom
// domains and async invoke configs, then a custom-domain request and an async destination.
func TestNodeSDKDomainsAndAsync(t *testing.T) {
	t.Parallel()
	requireNode(t)
	srv := startServer(t)
	runNode(t, srv, "node", "--test", "--test-reporter=spec", "domains_async.test.js")
}

// TestNodeSDKCurrentAPI runs current_api.test.js: the official Node SDK drives layers,
// provision and on-demand configs, tags and the account reads.
func TestNodeSDKCurrentAPI(t *testing.T) {
	t.Parallel()
	requireNode(t)
	srv := startServer(t)
	runNode(t, srv, "node", "--test", "--test-reporter=spec", "current_api.test.js")
}

// TestFuncraftDeploysTwice runs funcraft.sh: `fun deploy -y` twice, then checks the result.
func TestFuncraftDeploysTwice(t *testing.T) {
	t.Parallel()
	requireNode(t)
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatalf("funcraft.sh needs bash: %v", err)
	}
	srv := startServer(t)
	runNode(t, srv, "bash", "funcraft.sh")
}

// server is one `fcdeploy serve` subprocess and the target the Node clients get.
type server struct {
	endpoint, accountID, keyID, keySecret string
}

func (s server) env() []string {
	return append(os.Environ(),
		"FC_ENDPOINT="+s.endpoint,
		"FC_ACCOUNT_ID="+s.accountID,
		"FC_ACCESS_KEY_ID="+s.keyID,
		"FC_ACCESS_KEY_SECRET="+s.keySecret,
		"FC_REGION=cn-hangzhou",
	)
}

// requireNode skips without node/npm, except in CI where a missing toolchain is a failure:
// CI installs them, so their absence there means the compatibility proof silently vanished.
func requireNode(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			msg := fmt.Sprintf("compat tests need %s (Node.js 18+ with npm) on PATH to run the official FC clients: %v", tool, err)
			if os.Getenv("CI") == "true" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	require.NoError(t, installNodeModules(), "npm ci in compat/")
}

var (
	npmOnce sync.Once
	npmErr  error
)

// installNodeModules runs `npm ci` once per test run when compat/testdata/node_modules lacks the pinned
// clients, so `go test ./...` works on a fresh clone.
func installNodeModules() error {
	npmOnce.Do(func() {
		dir := jsDir()
		have := true
		for _, p := range []string{"node_modules/@alicloud/fc2/package.json", "node_modules/@alicloud/fun/package.json"} {
			if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
				have = false
			}
		}
		if have {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			npmErr = fmt.Errorf("npm ci in %s: %w\n%s", dir, err, out)
		}
	})
	return npmErr
}

var (
	buildOnce sync.Once
	buildBin  string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// fcdeployBinary builds ./cmd/fcdeploy once per test run.
func fcdeployBinary() (string, error) {
	buildOnce.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			buildErr = err
			return
		}
		buildDir, err = os.MkdirTemp("", "fcdeploy-compat-")
		if err != nil {
			buildErr = err
			return
		}
		buildBin = filepath.Join(buildDir, "fcdeploy")
		cmd := exec.Command("go", "build", "-o", buildBin, "./cmd/fcdeploy")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/fcdeploy: %w\n%s", err, out)
		}
	})
	return buildBin, buildErr
}

// startServer runs `fcdeploy serve` on a free loopback port with a temp data dir, waits until
// it answers HTTP and stops it (SIGTERM, then kill) when the test ends.
func startServer(t *testing.T) server {
	t.Helper()
	bin, err := fcdeployBinary()
	require.NoError(t, err)

	secret := make([]byte, 16)
	_, err = rand.Read(secret)
	require.NoError(t, err)
	srv := server{
		accountID: "1234567890123456",
		keyID:     "compatKeyID",
		keySecret: hex.EncodeToString(secret),
	}
	addr := freeAddr(t)
	srv.endpoint = "http://" + addr

	var out safeBuffer
	shown := false // the output was already part of a failure message
	cmd := exec.Command(bin, "serve", "--addr", addr, "--data", t.TempDir(),
		"--access-key-id", srv.keyID, "--access-key-secret", srv.keySecret, "--account", srv.accountID)
	cmd.Stdout = &out
	cmd.Stderr = &out
	require.NoError(t, cmd.Start(), "start fcdeploy serve")
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() && !shown {
			t.Logf("fcdeploy serve output:\n%s", out.String())
		}
	})

	deadline := time.Now().Add(20 * time.Second)
	client := &http.Client{Timeout: time.Second}
	for {
		select {
		case err := <-exited:
			exited <- err // let Cleanup see it too
			shown = true
			t.Fatalf("fcdeploy serve --addr %s exited before answering: %v\noutput:\n%s", addr, err, out.String())
		default:
		}
		// Any HTTP answer (even 403 for an unsigned request) means the server is serving.
		resp, err := client.Get(srv.endpoint + "/2016-08-15/services")
		if err == nil {
			resp.Body.Close()
			return srv
		}
		if time.Now().After(deadline) {
			shown = true
			t.Fatalf("fcdeploy serve --addr %s did not answer within 20s: %v\noutput:\n%s", addr, err, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// runNode runs a Node command in compat/ against srv and fails with its output if it fails.
func runNode(t *testing.T, srv server, name string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), nodeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = jsDir()
	cmd.Env = srv.env()
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("%s %v did not finish within %s; output:\n%s", name, args, nodeTimeout, out)
	}
	if err != nil {
		t.Fatalf("%s %v against fcdeploy serve failed: %v; output:\n%s", name, args, err, out)
	}
	t.Logf("%s %v output:\n%s", name, args, out)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// compatDir is this package's directory: go test runs tests in it.
func compatDir() string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return wd
}

// jsDir holds the Node side (package.json, tests, Funcraft project). It
// lives under testdata so that the Go files npm installs into its
// node_modules (Funcraft ships Go templates) are not part of ./... .
func jsDir() string { return filepath.Join(compatDir(), "testdata") }

// moduleRoot walks up from the package directory to the folder holding go.mod.
func moduleRoot() (string, error) {
	dir := compatDir()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("compat: no go.mod above the package directory")
		}
		dir = parent
	}
}

// safeBuffer collects the server's output while the test reads it.
type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
