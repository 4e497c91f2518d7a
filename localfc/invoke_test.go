package localfc

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/runtime"
)

// withRuntime gives the test server a real runtime pool. The functions of
// these tests are python: without python3 they are skipped, except in CI,
// which must run them.
func withRuntime(t testing.TB) func(*Config) {
	if _, err := exec.LookPath("python3"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 is needed to run functions: %v", err)
		}
		t.Skipf("python3 is not installed: %v", err)
	}
	return func(c *Config) {
		pool, err := runtime.NewPool(runtime.Config{CacheDir: t.TempDir()})
		require.NoError(t, err)
		t.Cleanup(func() { pool.Close() })
		c.Runtime = pool
	}
}

func zipFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for name, content := range files {
		f, err := w.Create(name)
		require.NoError(t, err)
		_, err = f.Write([]byte(content))
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

const pyHandlers = `import os

def handler(event, context):
    if event == b"fail":
        raise ValueError("asked to fail")
    return b"hello " + event

def record(event, context):
    path, _, text = event.decode().partition("|")
    with open(path, "a") as f:
        f.write(text + "\n")
    return "ok"

def which(event, context):
    return os.environ["WHICH"]

def web(environ, start_response):
    start_response("201 Created", [("Content-Type", "text/plain"), ("X-Path", environ["PATH_INFO"])])
    return [b"method " + environ["REQUEST_METHOD"].encode()]
`

func (e *testEnv) deploy(service, function, handler string, env map[string]string) {
	e.t.Helper()
	if r := e.do("GET", "/2016-08-15/services/"+service, nil); r.status == http.StatusNotFound {
		e.mustOK("POST", "/2016-08-15/services", map[string]any{"serviceName": service})
	}
	e.mustOK("POST", "/2016-08-15/services/"+service+"/functions", map[string]any{
		"functionName": function, "runtime": "python3", "handler": handler, "timeout": 10,
		"environmentVariables": env, "code": map[string]any{"zipFile": zipFiles(e.t, map[string]string{"index.py": pyHandlers})},
	})
}

func invoke(e *testEnv, path string, event string, headers map[string]string) reply {
	return e.do("POST", path, []byte(event), func(r *http.Request) {
		r.Header.Set("Content-Type", "application/octet-stream")
		for k, v := range headers {
			r.Header.Set(k, v)
		}
	})
}

func TestASyncInvocationReturnsTheFunctionsResultAndItsLog(t *testing.T) {
	e := newTestEnv(t, withRuntime(t))
	e.deploy("s", "f", "index.handler", nil)

	r := invoke(e, "/2016-08-15/services/s/functions/f/invocations", "Ada", map[string]string{fc.HeaderLogType: fc.LogTypeTail})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, "hello Ada", string(r.body))
	assert.NotEmpty(t, r.header.Get(fc.HeaderCodeChecksum))
	assert.NotEmpty(t, r.header.Get(fc.HeaderRequestID))
	assert.Empty(t, r.header.Get(fc.HeaderErrorType))
	_, err := base64.StdEncoding.DecodeString(r.header.Get(fc.HeaderLogResult))
	assert.NoError(t, err, "the log tail is base64")
	assert.Equal(t, "application/octet-stream", r.header.Get("Content-Type"))
}

func TestAFunctionErrorIsStill200WithTheErrorType(t *testing.T) {
	e := newTestEnv(t, withRuntime(t))
	e.deploy("s", "f", "index.handler", nil)
	r := invoke(e, "/2016-08-15/services/s/functions/f/invocations", "fail", nil)
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, fc.HandledInvocationError, r.header.Get(fc.HeaderErrorType))
	assert.Contains(t, string(r.body), "asked to fail")
	assert.Equal(t, "application/json", r.header.Get("Content-Type"))
}

func TestInvokingAMissingFunctionOrAnUnsupportedRuntimeIsAClearError(t *testing.T) {
	e := newTestEnv(t, withRuntime(t))
	e.deploy("s", "f", "index.handler", nil)
	r := invoke(e, "/2016-08-15/services/s/functions/nope/invocations", "", nil)
	assert.Equal(t, fc.CodeFunctionNotFound, r.errorCode(t))

	e.mustOK("POST", "/2016-08-15/services/s/functions", map[string]any{
		"functionName": "j", "runtime": "java8", "handler": "a.B::handle",
		"code": map[string]any{"zipFile": zipFiles(t, map[string]string{"a.txt": "x"})},
	})
	r = invoke(e, "/2016-08-15/services/s/functions/j/invocations", "", nil)
	assert.Equal(t, http.StatusNotImplemented, r.status)
	assert.Equal(t, fc.CodeNotImplemented, r.errorCode(t))
	assert.Contains(t, string(r.body), "function s/j: runtime java8: the local Function Compute cannot run Java functions (no JVM worker); deploy and configuration work, invoke does not")
}

func TestAServerWithoutRuntimesSaysSo(t *testing.T) {
	e := newTestEnv(t)
	e.deploy("s", "f", "index.handler", nil)
	r := invoke(e, "/2016-08-15/services/s/functions/f/invocations", "", nil)
	assert.Equal(t, http.StatusNotImplemented, r.status)
	assert.Equal(t, fc.CodeNotImplemented, r.errorCode(t))
}

func TestAnAliasWithAWeightSplitsInvocationsBetweenItsVersions(t *testing.T) {
	// A fixed sequence stands in for the random source: the pick is below
	// the weight (0.3) for 3 draws in 10.
	draws := []float64{0.1, 0.5, 0.9, 0.2, 0.7, 0.8, 0.25, 0.6, 0.95, 0.4}
	i := 0
	e := newTestEnv(t, withRuntime(t), func(c *Config) {
		c.Rand = func() float64 { v := draws[i%len(draws)]; i++; return v }
	})
	e.deploy("s", "f", "index.which", map[string]string{"WHICH": "one"})
	e.mustOK("POST", "/2016-08-15/services/s/versions", map[string]any{})
	e.mustOK("PUT", "/2016-08-15/services/s/functions/f", map[string]any{"environmentVariables": map[string]string{"WHICH": "two"}})
	e.mustOK("POST", "/2016-08-15/services/s/versions", map[string]any{})
	e.mustOK("POST", "/2016-08-15/services/s/aliases", map[string]any{"aliasName": "live", "versionId": "1", "additionalVersionWeight": map[string]float64{"2": 0.3}})

	counts := map[string]int{}
	for range draws {
		r := invoke(e, "/2016-08-15/services/s.live/functions/f/invocations", "", nil)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		counts[string(r.body)]++
	}
	assert.Equal(t, map[string]int{"one": 7, "two": 3}, counts)
}

func TestAsyncInvocationsAreQueuedDurablyAndRunByTheWorker(t *testing.T) {
	e := newTestEnv(t, withRuntime(t))
	e.deploy("s", "f", "index.record", nil)
	out := filepath.Join(t.TempDir(), "ran.txt")

	// Queued while no worker runs: answered 202 and kept in the store.
	r := invoke(e, "/2016-08-15/services/s/functions/f/invocations", out+"|queued", map[string]string{fc.HeaderInvocationType: fc.InvocationAsync})
	require.Equal(t, http.StatusAccepted, r.status, "%s", r.body)
	assert.Empty(t, r.body)
	_, err := os.Stat(out)
	assert.True(t, os.IsNotExist(err), "nothing runs before the worker starts")

	stop := e.server.StartBackground()
	defer stop()
	require.Eventually(t, func() bool {
		b, _ := os.ReadFile(out)
		return strings.Contains(string(b), "queued")
	}, 20*time.Second, 50*time.Millisecond)
}

func TestTimerTriggersQueueAnInvocationWhenDueAndRespectEnable(t *testing.T) {
	e := newTestEnv(t, withRuntime(t))
	e.deploy("s", "f", "index.handler", nil)
	e.mustOK("POST", "/2016-08-15/services/s/functions/f/triggers", map[string]any{
		"triggerName": "tick", "triggerType": "timer",
		"triggerConfig": map[string]any{"cronExpression": "0 * * * * *", "enable": true, "payload": "hi"},
	})
	e.mustOK("POST", "/2016-08-15/services/s/functions/f/triggers", map[string]any{
		"triggerName": "off", "triggerType": "timer",
		"triggerConfig": map[string]any{"cronExpression": "* * * * * *", "enable": false},
	})
	ctx := context.Background()
	start := time.Date(2026, 1, 1, 0, 0, 30, 0, time.UTC)
	timers := e.server.scanTimers(ctx, nil, start)
	require.Len(t, timers, 1, "a disabled timer is not scheduled")

	e.server.fireTimers(ctx, timers, start.Add(10*time.Second))
	_, ok, err := e.server.store.NextAsync(ctx)
	require.NoError(t, err)
	assert.False(t, ok, "not due at :40")

	e.server.fireTimers(ctx, timers, start.Add(30*time.Second))
	inv, ok, err := e.server.store.NextAsync(ctx)
	require.NoError(t, err)
	require.True(t, ok, "due at the minute")
	assert.Equal(t, "f", inv.FunctionName)
	assert.Contains(t, string(inv.Event), `"payload":"hi"`)
	assert.Contains(t, string(inv.Event), `"triggerName":"tick"`)
}

func TestHTTPTriggersServeAnonymousRequestsAndCheckMethodsAndAuth(t *testing.T) {
	e := newTestEnv(t, withRuntime(t))
	e.deploy("s", "web", "index.web", nil)
	e.mustOK("POST", "/2016-08-15/services/s/functions/web/triggers", map[string]any{
		"triggerName": "h", "triggerType": "http",
		"triggerConfig": map[string]any{"authType": "anonymous", "methods": []string{"GET", "POST"}},
	})
	resp, err := http.Get(e.url + "/2016-08-15/proxy/s.LATEST/web/hello/there?x=1")
	require.NoError(t, err)
	defer resp.Body.Close()
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	assert.Equal(t, http.StatusCreated, resp.StatusCode, body.String())
	assert.Equal(t, "method GET", body.String())
	assert.Equal(t, "/hello/there", resp.Header.Get("X-Path"))

	req, _ := http.NewRequest(http.MethodDelete, e.url+"/2016-08-15/proxy/s.LATEST/web/", nil)
	resp2, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp2.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp2.StatusCode)

	e.mustOK("PUT", "/2016-08-15/services/s/functions/web/triggers/h", map[string]any{
		"triggerConfig": map[string]any{"authType": "function", "methods": []string{"GET"}},
	})
	resp3, err := http.Get(e.url + "/2016-08-15/proxy/s.LATEST/web/")
	require.NoError(t, err)
	resp3.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp3.StatusCode, "authType function needs a signed request")
	signed := e.do("GET", "/2016-08-15/proxy/s.LATEST/web/", nil)
	assert.Equal(t, http.StatusCreated, signed.status, "%s", signed.body)
}

func TestATimerTriggerRunsItsFunctionWhileTheServerRuns(t *testing.T) {
	e := newTestEnv(t, withRuntime(t))
	e.deploy("s", "f", "index.record", nil)
	out := filepath.Join(t.TempDir(), "fired.txt")
	// Every second; the payload tells the function where to write.
	e.mustOK("POST", "/2016-08-15/services/s/functions/f/triggers", map[string]any{
		"triggerName": "each-second", "triggerType": "timer",
		"triggerConfig": map[string]any{"cronExpression": "* * * * * *", "enable": true, "payload": out},
	})
	// The function appends the trigger's name to the file its payload names.
	e.mustOK("PUT", "/2016-08-15/services/s/functions/f", map[string]any{
		"handler": "timer.handler",
		"code": map[string]any{"zipFile": zipFiles(t, map[string]string{"timer.py": `import json

def handler(event, context):
    e = json.loads(event)
    with open(e["payload"], "a") as f:
        f.write(e["triggerName"] + "\n")
    return "ok"
`})},
	})
	stop := e.server.StartBackground()
	defer stop()
	require.Eventually(t, func() bool {
		b, _ := os.ReadFile(out)
		return strings.Contains(string(b), "each-second")
	}, 20*time.Second, 100*time.Millisecond, "the timer fired and its function ran")
}
