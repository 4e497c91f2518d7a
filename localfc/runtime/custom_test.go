//go:build unix

package runtime

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// customFn is a custom runtime function whose bootstrap is a shell script
// starting testdata/server.py.
func customFn(t *testing.T, runtime string) Request {
	t.Helper()
	needInterpreter(t, "python3")
	server, err := os.ReadFile("testdata/server.py")
	require.NoError(t, err)
	req := fn(t, runtime, "index.handler",
		file{name: "bootstrap", body: "#!/bin/sh\nexec python3 server.py\n", mode: 0o755},
		file{name: "server.py", body: string(server)})
	req.Env = map[string]string{"STOP_FILE": filepath.Join(t.TempDir(), "stopped")}
	return req
}

func event(req Request, e string) Request {
	req.Event = []byte(e)
	return req
}

func TestCustomRuntimeBootstrapServesInvokeWithThePlatformHeaders(t *testing.T) {
	t.Parallel()
	p := newPool(t, Config{})
	for _, rt := range []string{"custom", "custom.debian10"} {
		t.Run(rt, func(t *testing.T) {
			req := event(customFn(t, rt), "headers")
			req.RequestID, req.Qualifier, req.VersionID = "r-7", "prod", "4"
			req.Initializer, req.InitializationTimeout = "index.init", 5
			req.PreFreeze = &LifecycleHook{Handler: "index.freeze"}
			req.LogProject, req.LogStore = "proj", "store"
			res := invoke(t, p, req)
			require.Empty(t, res.ErrorType, "body %s", res.Body)
			var got struct {
				Headers     map[string]string
				ContentType string
				Port        string
				Listening   int
				Cwd         string
				CodePath    string
			}
			require.NoError(t, json.Unmarshal(res.Body, &got), "body %s", res.Body)
			assert.Equal(t, map[string]string{
				"x-fc-request-id": "r-7", "x-fc-control-path": "/invoke",
				"x-fc-access-key-id": "", "x-fc-access-key-secret": "", "x-fc-security-token": "",
				"x-fc-function-name": "fn", "x-fc-service-name": "svc", "x-fc-function-handler": "index.handler",
				"x-fc-function-memory": "256", "x-fc-function-timeout": "10",
				"x-fc-function-initializer": "index.init", "x-fc-initialization-timeout": "5",
				"x-fc-instance-lifecycle-pre-freeze-handler": "index.freeze",
				"x-fc-region": "local", "x-fc-account-id": "111111", "x-fc-qualifier": "prod", "x-fc-version-id": "4",
				"x-fc-service-logproject": "proj", "x-fc-service-logstore": "store",
			}, got.Headers)
			assert.Equal(t, "application/octet-stream", got.ContentType)
			assert.Equal(t, strconv.Itoa(got.Listening), got.Port, "the server listens on FC_SERVER_PORT")
			assert.Equal(t, got.CodePath, got.Cwd, "the instance runs in its unpacked code")
		})
	}
}

func TestEachCustomInstanceGetsItsOwnPort(t *testing.T) {
	t.Parallel()
	p := newPool(t, Config{})
	req := event(customFn(t, "custom"), "headers")
	other := req
	other.Function = "other"
	ports := map[string]bool{}
	for _, r := range []Request{req, other} {
		res := invoke(t, p, r)
		var got struct{ Port string }
		require.NoError(t, json.Unmarshal(res.Body, &got), "body %s", res.Body)
		ports[got.Port] = true
	}
	assert.Len(t, ports, 2)
}

func TestGo1RunsTheBinaryNamedByTheHandler(t *testing.T) {
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("go is required on CI: %v", err)
		}
		t.Skipf("skipping: go is not installed (%v)", err)
	}
	dir := t.TempDir()
	src := `package main

import (
	"io"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/invoke", func(w http.ResponseWriter, r *http.Request) {
		event, _ := io.ReadAll(r.Body)
		if string(event) == "fail" {
			w.Header().Set("x-fc-status", "404")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, "{\"errorMessage\":\"go failed\"}")
			return
		}
		os.Stdout.WriteString("go got " + string(event) + "\n")
		io.WriteString(w, "go:"+string(event)+":"+r.Header.Get("x-fc-request-id"))
	})
	http.ListenAndServe(":"+os.Getenv("FC_SERVER_PORT"), nil)
}
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644))
	build := exec.Command(goTool, "build", "-o", filepath.Join(dir, "main"), "main.go")
	build.Dir = dir
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	binary, err := os.ReadFile(filepath.Join(dir, "main"))
	require.NoError(t, err)

	p := newPool(t, Config{})
	req := fn(t, "go1", "main", file{name: "main", body: string(binary), mode: 0o755})
	req.Event, req.LogTail = []byte("ping"), true
	res := invoke(t, p, req)
	require.Empty(t, res.ErrorType, "body %s", res.Body)
	assert.Equal(t, "go:ping:req-1", string(res.Body))
	assert.Equal(t, "go got ping\n", string(res.Log))

	res = invoke(t, p, event(req, "fail"))
	assert.Equal(t, fc.UnhandledInvocationError, res.ErrorType)
	assert.JSONEq(t, `{"errorMessage":"go failed"}`, string(res.Body))
}

func TestXFcStatus404IsAnUnhandledErrorThatKeepsTheServerWarm(t *testing.T) {
	t.Parallel()
	p := newPool(t, Config{})
	req := customFn(t, "custom")
	pid := pidOf(t, invoke(t, p, event(req, "pid")))
	res := invoke(t, p, event(req, "fail"))
	assert.Equal(t, fc.UnhandledInvocationError, res.ErrorType)
	assert.JSONEq(t, `{"errorMessage":"asked to fail"}`, string(res.Body), "the function's body is the error payload")
	assert.Equal(t, pid, pidOf(t, invoke(t, p, event(req, "pid"))), "the server answered, so it stays warm")
}

func TestHTTPTriggerRequestsPassRawToTheCustomRuntime(t *testing.T) {
	t.Parallel()
	p := newPool(t, Config{})
	req := customFn(t, "custom")
	req.HTTP = &HTTPRequest{
		Method: "PUT", Path: "/orders/7", RawQuery: "a=1&b=%20x",
		Header: map[string][]string{"X-Custom": {"one", "two"}, "X-Fc-Request-Id": {"forged"}, "Connection": {"keep-alive"}},
		Body:   []byte(`{"qty":2}`), Host: "shop.example.com",
		BasePath: "/2016-08-15/proxy/svc/fn/",
	}
	res := invoke(t, p, req)
	require.Empty(t, res.ErrorType, "body %s", res.Body)
	require.NotNil(t, res.HTTP)
	assert.Equal(t, 201, res.HTTP.Status)
	assert.Equal(t, []string{"a=1", "b=2"}, res.HTTP.Header["Set-Cookie"])
	assert.Equal(t, []string{"application/json"}, res.HTTP.Header["Content-Type"])
	assert.NotContains(t, res.HTTP.Header, "X-Fc-Status", "x-fc-status is for the platform")
	assert.NotContains(t, res.HTTP.Header, "Content-Length")
	var got struct {
		Method, Path, Host, Body string
		Custom                   []string
		Fc                       map[string]string
	}
	require.NoError(t, json.Unmarshal(res.HTTP.Body, &got), "body %s", res.HTTP.Body)
	assert.Equal(t, "PUT", got.Method)
	assert.Equal(t, "/orders/7?a=1&b=%20x", got.Path)
	assert.Equal(t, "shop.example.com", got.Host)
	assert.Equal(t, `{"qty":2}`, got.Body)
	assert.Equal(t, []string{"one", "two"}, got.Custom)
	assert.Equal(t, "req-1", got.Fc["x-fc-request-id"], "the caller's x-fc-* headers are replaced")
	assert.Equal(t, "/http-invoke", got.Fc["x-fc-control-path"])
	assert.Equal(t, "/2016-08-15/proxy/svc/fn/", got.Fc["x-fc-base-path"])
}

func TestAnHTTPTriggerResponseKeepsItsStatusWithoutXFcStatus(t *testing.T) {
	t.Parallel()
	p := newPool(t, Config{})
	req := customFn(t, "custom")
	req.HTTP = &HTTPRequest{Method: "GET", Path: "/missing"}
	res := invoke(t, p, req)
	require.Empty(t, res.ErrorType, "body %s", res.Body)
	require.NotNil(t, res.HTTP)
	assert.Equal(t, 404, res.HTTP.Status)
	assert.Equal(t, "no such page", string(res.HTTP.Body))
}

func TestCustomRuntimeInitializerRunsOncePerInstance(t *testing.T) {
	t.Parallel()
	p := newPool(t, Config{})
	req := event(customFn(t, "custom"), "state")
	req.Initializer = "index.init"
	for range 3 {
		res := invoke(t, p, req)
		assert.JSONEq(t, `{"initialize":1,"preFreeze":0}`, string(res.Body))
	}
}

func TestAFailingCustomInitializerIsUnhandledAndDropsTheInstance(t *testing.T) {
	t.Parallel()
	p := newPool(t, Config{})
	req := event(customFn(t, "custom"), "state")
	req.Initializer = "index.init"
	req.Env["FAIL_INIT"] = "1"
	res := invoke(t, p, req)
	assert.Equal(t, fc.UnhandledInvocationError, res.ErrorType)
	msg, typ, _ := errorBody(t, res)
	assert.Equal(t, "initializer failed: POST /initialize answered HTTP 500: no database", msg)
	assert.Equal(t, "InitializationError", typ)
	assert.Zero(t, p.Stats().Instances)
}

func TestCustomRuntimeTimeoutKillsTheProcessGroup(t *testing.T) {
	t.Parallel()
	p := newPool(t, Config{})
	pidFile := filepath.Join(t.TempDir(), "pid")
	req := event(customFn(t, "custom"), "sleep "+pidFile)
	req.Timeout = 1
	res := invoke(t, p, req)
	assert.Equal(t, fc.UnhandledInvocationError, res.ErrorType)
	msg, _, _ := errorBody(t, res)
	assert.Equal(t, "Function timed out after 1 second", msg)
	b, err := os.ReadFile(pidFile)
	require.NoError(t, err)
	pid, err := strconv.Atoi(string(b))
	require.NoError(t, err)
	assert.Eventually(t, func() bool { return errors.Is(syscall.Kill(-pid, 0), syscall.ESRCH) },
		5*time.Second, 20*time.Millisecond, "process group %d still exists", pid)
	assert.Zero(t, p.Stats().Instances)
}

func TestCustomRuntimeLogsAreCutPerInvocation(t *testing.T) {
	t.Parallel()
	p := newPool(t, Config{})
	req := event(customFn(t, "custom"), "log")
	req.LogTail = true
	req.RequestID = "first"
	invoke(t, p, req)
	req.RequestID = "second"
	res := invoke(t, p, req)
	assert.Equal(t, "logged", string(res.Body))
	log := string(res.Log)
	assert.Contains(t, log, "stdout of second\n")
	assert.Contains(t, log, "stderr of second\n")
	assert.NotContains(t, log, "first")
	assert.NotContains(t, log, "fc-end")
}

func TestPreFreezeRunsAfterEachInvocationAndPreStopWhenThePoolCloses(t *testing.T) {
	t.Parallel()
	p, err := NewPool(Config{CacheDir: t.TempDir(), MaxInstancesPerFunction: 1})
	require.NoError(t, err)
	req := event(customFn(t, "custom"), "state")
	req.PreFreeze = &LifecycleHook{Handler: "index.freeze", Timeout: 5}
	req.PreStop = &LifecycleHook{Handler: "index.stop", Timeout: 5}
	// With one instance, the second invocation waits until the first one's
	// pre-freeze hook has run.
	assert.JSONEq(t, `{"initialize":0,"preFreeze":0}`, string(invoke(t, p, req).Body))
	assert.JSONEq(t, `{"initialize":0,"preFreeze":1}`, string(invoke(t, p, req).Body))
	// Close kills busy instances; wait until the second pre-freeze is done.
	require.Eventually(t, func() bool { return p.Stats().Idle == 1 }, 10*time.Second, 10*time.Millisecond)
	require.NoError(t, p.Close())
	b, err := os.ReadFile(req.Env["STOP_FILE"])
	require.NoError(t, err, "GET /pre-stop was not called")
	assert.Equal(t, "/pre-stop", string(b))
}

func TestCustomRuntimeConfigCommandAndArgsStartTheServer(t *testing.T) {
	t.Parallel()
	p := newPool(t, Config{})
	req := customFn(t, "custom")
	req.Command, req.Args = []string{"python3"}, []string{"server.py"}
	req.HealthCheckPath = "/healthz"
	res := invoke(t, p, event(req, "hi"))
	assert.Equal(t, "echo:hi", string(res.Body), "body %s", res.Body)
}

func TestCustomRuntimesThatCannotStartSayWhy(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{})
	cases := []struct {
		name    string
		req     Request
		typ     string
		message string
	}{
		{"no bootstrap", fn(t, "custom", "index.handler", file{name: "server.py", body: "x"}), "CAFileNotFound", "bootstrap"},
		{"a go1 handler naming no binary", fn(t, "go1", "bin/main", file{name: "main", body: "x"}), "CAFileNotFound", `go1 handler "bin/main" names no executable`},
		{"a bootstrap that is not executable", fn(t, "custom", "index.handler", file{name: "bootstrap", body: "#!/bin/sh\n", mode: 0o644}), "CAFilePermission", "is not executable"},
		{"a bootstrap that exits", fn(t, "custom", "index.handler", file{name: "bootstrap", body: "#!/bin/sh\necho bye\nexit 3\n", mode: 0o755}), "CAExited", "exit status 3"},
		{"a server on the wrong port", fn(t, "custom", "index.handler", file{name: "bootstrap", body: "#!/bin/sh\nexec sleep 30\n", mode: 0o755}), "FunctionNotStarted", "must listen on the port in FC_SERVER_PORT"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.Timeout = 1
			tc.req.CAPort = 9000
			res := invoke(t, p, tc.req)
			assert.Equal(t, fc.UnhandledInvocationError, res.ErrorType)
			msg, typ, _ := errorBody(t, res)
			assert.Equal(t, tc.typ, typ)
			assert.Contains(t, msg, tc.message)
		})
	}
}

func TestACustomRuntimeFindsItsLayersButGetsNoSearchPaths(t *testing.T) {
	t.Parallel()
	p := newPool(t, Config{})
	req := event(customFn(t, "custom"), "env")
	req.Layers = []Layer{layer(t, nil, file{name: "python/mylib.py", body: "X = 1\n"})}
	res := invoke(t, p, req)
	require.Empty(t, res.ErrorType, "body %s", res.Body)
	var env map[string]string
	require.NoError(t, json.Unmarshal(res.Body, &env))
	require.NotEmpty(t, env["FCDEPLOY_OPT_DIR"])
	b, err := os.ReadFile(filepath.Join(env["FCDEPLOY_OPT_DIR"], "python", "mylib.py"))
	require.NoError(t, err)
	assert.Equal(t, "X = 1\n", string(b))
	assert.NotContains(t, env, "PYTHONPATH", "section 5.3: custom runtimes set their own search paths")
	assert.NotContains(t, env["PATH"], env["FCDEPLOY_OPT_DIR"])
}

func TestAProvisionedCustomInstanceIsListeningAndInitializedBeforeItsFirstInvocation(t *testing.T) {
	t.Parallel()
	p := newPool(t, Config{})
	req := event(customFn(t, "custom"), "state")
	req.Initializer = "index.init"
	n, err := p.Provision(t.Context(), req, 1)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.JSONEq(t, `{"initialize":1,"preFreeze":0}`, string(invoke(t, p, req).Body))
	assert.Equal(t, 1, p.Stats().Instances)
}
