package localfc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc"
)

// buildFcdeploy builds the CLI into a temp dir, so the test runs `serve`
// exactly as users do, as a separate process that can be killed.
func buildFcdeploy(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI (CI=true) must build fcdeploy, but there is no go command on PATH: %v", err)
		}
		t.Skip("no go command on PATH to build fcdeploy")
	}
	bin := filepath.Join(t.TempDir(), "fcdeploy")
	out, err := exec.Command(goBin, "build", "-o", bin, "github.com/fcdeploy/fcdeploy/cmd/fcdeploy").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

type serveProc struct {
	cmd    *exec.Cmd
	url    string
	stderr *bytes.Buffer
}

// startServe runs `fcdeploy serve` on dataDir and waits until its
// server.json names it.
func startServe(t *testing.T, bin, dataDir string) *serveProc {
	t.Helper()
	p := &serveProc{stderr: &bytes.Buffer{}}
	p.cmd = exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", dataDir)
	p.cmd.Stdout = io.Discard
	p.cmd.Stderr = p.stderr
	require.NoError(t, p.cmd.Start())
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if info, err := localfc.ReadServerInfo(dataDir); err == nil && info.PID == p.cmd.Process.Pid {
			p.url = info.URL
			return p
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("serve did not write server.json in time; stderr: %s", p.stderr)
	return nil
}

func signedDo(t *testing.T, creds fc.Credentials, method, url string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set(fc.HeaderAccountID, localfc.DefaultAccountID)
	fc.SignRequest(req, creds, time.Now())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, b
}

// TestAcknowledgedWritesSurviveKill9 is the crash test: every write the
// server answered 200 to is there after SIGKILL and a restart. It also
// checks that a second serve on the same directory fails fast and clearly,
// and that SIGTERM shuts down cleanly and removes server.json.
func TestAcknowledgedWritesSurviveKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the fcdeploy binary")
	}
	bin := buildFcdeploy(t)
	dataDir := t.TempDir()
	first := startServe(t, bin, dataDir)
	creds, created, err := localfc.LoadOrCreateKeys(dataDir)
	require.NoError(t, err)
	require.False(t, created, "serve created the key pair")

	const n = 40
	for i := range n {
		status, body := signedDo(t, creds, "POST", first.url+"/2016-08-15/services", map[string]any{"serviceName": fmt.Sprintf("svc%03d", i)})
		require.Equal(t, 200, status, "write %d: %s", i, body)
	}
	require.NoError(t, first.cmd.Process.Signal(syscall.SIGKILL))
	first.cmd.Wait()

	second := startServe(t, bin, dataDir)
	status, body := signedDo(t, creds, "GET", second.url+"/2016-08-15/services?limit=100", nil)
	require.Equal(t, 200, status, "%s", body)
	var list fc.ListServicesOutput
	require.NoError(t, json.Unmarshal(body, &list))
	require.Len(t, list.Services, n, "every acknowledged write survived kill -9")
	for i, s := range list.Services {
		assert.Equal(t, fmt.Sprintf("svc%03d", i), s.ServiceName)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0", "--data", dataDir).CombinedOutput()
	require.Error(t, err, "a second serve on the same data directory must fail")
	assert.Contains(t, string(out), "already served at "+second.url)
	assert.Contains(t, string(out), filepath.Join(dataDir, localfc.StoreFileName))

	require.NoError(t, second.cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, second.cmd.Wait(), "graceful shutdown exits 0; stderr: %s", second.stderr)
	assert.NoFileExists(t, filepath.Join(dataDir, localfc.ServerInfoFileName))
	assert.Contains(t, second.stderr.String(), "path=/2016-08-15/services")
	assert.NotContains(t, second.stderr.String(), creds.AccessKeySecret, "logs never carry secrets")
	assert.False(t, strings.Contains(second.stderr.String(), "Authorization"), "logs never carry headers")
}
