//go:build unix

package localfc

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/runtime"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

// needNode skips without node, except in CI.
func needNode(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("node is needed to run nodejs functions: %v", err)
		}
		t.Skipf("node is not installed: %v", err)
	}
}

// publishLayer publishes a layer version in account and returns its ARN.
func (e *testEnv) publishLayer(account, name string, files map[string]string) string {
	e.t.Helper()
	r := e.do("POST", api+"/layers/"+name+"/versions", map[string]any{
		"code": map[string]any{"zipFile": zipFiles(e.t, files)},
	}, func(r *http.Request) { r.Header.Set(fc.HeaderAccountID, account) })
	require.Equal(e.t, http.StatusOK, r.status, "%s", r.body)
	var l fc.Layer
	r.json(e.t, &l)
	require.NotEmpty(e.t, l.ARN)
	return l.ARN
}

func TestAPythonFunctionImportsAModuleFromItsLayerThroughTheAPI(t *testing.T) {
	e := newTestEnv(t, withRuntime(t))
	arn := e.publishLayer(testAccount, "shared", map[string]string{"python/greeting.py": "WORD = 'hello from the layer'\n"})
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "s"})
	e.mustOK("POST", api+"/services/s/functions", map[string]any{
		"functionName": "f", "runtime": "python3.10", "handler": "index.handler", "layers": []string{arn},
		"code": map[string]any{"zipFile": zipFiles(t, map[string]string{"index.py": "import greeting\ndef handler(e, c):\n    return greeting.WORD\n"})},
	})

	r := invoke(e, api+"/services/s/functions/f/invocations", "", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Empty(t, r.header.Get(fc.HeaderErrorType), "%s", r.body)
	assert.Equal(t, "hello from the layer", string(r.body))
}

func TestANodeFunctionRequiresAPackageFromItsLayer(t *testing.T) {
	needNode(t)
	e := newTestEnv(t, withRuntime(t))
	arn := e.publishLayer(testAccount, "node-deps", map[string]string{
		"nodejs/node_modules/greet/index.js": "module.exports = (who) => 'hi ' + who + ' from the layer';\n",
	})
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "s"})
	e.mustOK("POST", api+"/services/s/functions", map[string]any{
		"functionName": "n", "runtime": "nodejs18", "handler": "index.handler", "layers": []string{arn},
		"code": map[string]any{"zipFile": zipFiles(t, map[string]string{
			"index.js": "const greet = require('greet');\nexports.handler = (event, context, callback) => callback(null, greet(event.toString()));\n",
		})},
	})

	r := invoke(e, api+"/services/s/functions/n/invocations", "Ada", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Empty(t, r.header.Get(fc.HeaderErrorType), "%s", r.body)
	assert.Equal(t, "hi Ada from the layer", string(r.body))
}

func TestAQualifiedInvocationUsesTheLayersOfItsVersion(t *testing.T) {
	e := newTestEnv(t, withRuntime(t))
	v1 := e.publishLayer(testAccount, "shared", map[string]string{"python/greeting.py": "WORD = 'one'\n"})
	v2 := e.publishLayer(testAccount, "shared", map[string]string{"python/greeting.py": "WORD = 'two'\n"})
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "s"})
	code := map[string]any{"zipFile": zipFiles(t, map[string]string{"index.py": "import greeting\ndef handler(e, c):\n    return greeting.WORD\n"})}
	e.mustOK("POST", api+"/services/s/functions", map[string]any{
		"functionName": "f", "runtime": "python3", "handler": "index.handler", "layers": []string{v1}, "code": code,
	})
	e.mustOK("POST", api+"/services/s/versions", map[string]any{})
	e.mustOK("PUT", api+"/services/s/functions/f", map[string]any{"layers": []string{v2}})

	r := invoke(e, api+"/services/s.1/functions/f/invocations", "", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, "one", string(r.body), "version 1 keeps the layer it was published with")
	r = invoke(e, api+"/services/s/functions/f/invocations", "", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, "two", string(r.body))
}

func TestALayerOfAnotherAccountIsUsableOnlyWhenPublic(t *testing.T) {
	e := newTestEnv(t, withRuntime(t))
	const owner = "999999"
	arn := e.publishLayer(owner, "common", map[string]string{"python/common.py": "WHO = 'shared by 999999'\n"})
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "s"})
	e.mustOK("POST", api+"/services/s/functions", map[string]any{
		"functionName": "f", "runtime": "python3", "handler": "index.handler", "layers": []string{arn},
		"code": map[string]any{"zipFile": zipFiles(t, map[string]string{"index.py": "import common\ndef handler(e, c):\n    return common.WHO\n"})},
	})

	r := invoke(e, api+"/services/s/functions/f/invocations", "", nil)
	require.Equal(t, http.StatusForbidden, r.status, "%s", r.body)
	assert.Equal(t, fc.CodeAccessDenied, r.errorCode(t))
	assert.Contains(t, string(r.body), arn)
	assert.Contains(t, string(r.body), "not public")

	r = e.do("PUT", api+"/layers/common/acl?public=true", nil, func(r *http.Request) { r.Header.Set(fc.HeaderAccountID, owner) })
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	r = invoke(e, api+"/services/s/functions/f/invocations", "", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, "shared by 999999", string(r.body))
}

func TestAMissingLayerVersionFailsTheInvocationNamingItsARN(t *testing.T) {
	e := newTestEnv(t, withRuntime(t))
	arn := e.publishLayer(testAccount, "gone", map[string]string{"python/x.py": ""})
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "s"})
	e.mustOK("POST", api+"/services/s/functions", map[string]any{
		"functionName": "f", "runtime": "python3", "handler": "index.handler", "layers": []string{arn},
		"code": map[string]any{"zipFile": zipFiles(t, map[string]string{"index.py": "def handler(e, c):\n    return 'x'\n"})},
	})
	e.mustOK("DELETE", api+"/layers/gone/versions/1", nil)

	r := invoke(e, api+"/services/s/functions/f/invocations", "", nil)
	require.Equal(t, http.StatusNotFound, r.status, "%s", r.body)
	assert.Equal(t, fc.CodeLayerNotFound, r.errorCode(t))
	assert.Contains(t, string(r.body), "function s/f: layer "+arn+" cannot be used")
}

func TestACustomRuntimeFunctionRunsItsCustomRuntimeConfigThroughTheAPIAndItsTrigger(t *testing.T) {
	e := newTestEnv(t, withRuntime(t))
	server, err := os.ReadFile("runtime/testdata/server.py")
	require.NoError(t, err)
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "s", "logConfig": map[string]any{"project": "proj", "logstore": "store"}})
	// No bootstrap: the command comes from customRuntimeConfig.
	e.mustOK("POST", api+"/services/s/functions", map[string]any{
		"functionName": "c", "runtime": "custom.debian10", "handler": "index.handler", "timeout": 10, "caPort": 9001,
		"customRuntimeConfig":     map[string]any{"command": []string{"python3"}, "args": []string{"server.py"}},
		"customHealthCheckConfig": map[string]any{"httpGetUrl": "/healthz"},
		"instanceLifecycleConfig": map[string]any{"preStop": map[string]any{"handler": "stop", "timeout": 3}},
		"environmentVariables":    map[string]string{"STOP_FILE": filepath.Join(t.TempDir(), "stopped")},
		"code":                    map[string]any{"zipFile": zipFiles(t, map[string]string{"server.py": string(server)})},
	})

	r := invoke(e, api+"/services/s/functions/c/invocations", "headers", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	require.Empty(t, r.header.Get(fc.HeaderErrorType), "%s", r.body)
	var got struct{ Headers map[string]string }
	r.json(t, &got)
	assert.Equal(t, "proj", got.Headers["x-fc-service-logproject"])
	assert.Equal(t, "store", got.Headers["x-fc-service-logstore"])
	assert.Equal(t, "stop", got.Headers["x-fc-instance-lifecycle-pre-stop-handler"])

	e.mustOK("POST", api+"/services/s/functions/c/triggers", map[string]any{
		"triggerName": "h", "triggerType": "http",
		"triggerConfig": map[string]any{"authType": "anonymous", "methods": []string{"POST"}},
	})
	resp, err := http.Post(e.url+api+"/proxy/s/c/orders", "text/plain", bytes.NewReader([]byte("order 7")))
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	require.Less(t, resp.StatusCode, 300, "%s", body)
	var echo struct{ Method, Path, Body string }
	require.NoError(t, json.Unmarshal(body, &echo), "%s", body)
	assert.Equal(t, "POST", echo.Method)
	assert.Equal(t, "/orders", echo.Path)
	assert.Equal(t, "order 7", echo.Body)
}

func TestACustomRuntimeFunctionWhoseHealthCheckFailsDoesNotStart(t *testing.T) {
	e := newTestEnv(t, withRuntime(t))
	server, err := os.ReadFile("runtime/testdata/server.py")
	require.NoError(t, err)
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "s"})
	e.mustOK("POST", api+"/services/s/functions", map[string]any{
		"functionName": "c", "runtime": "custom", "handler": "index.handler", "timeout": 1, "initializationTimeout": 1,
		"customRuntimeConfig":     map[string]any{"command": []string{"python3", "server.py"}},
		"customHealthCheckConfig": map[string]any{"httpGetUrl": "/missing"},
		"code":                    map[string]any{"zipFile": zipFiles(t, map[string]string{"server.py": string(server)})},
	})
	r := invoke(e, api+"/services/s/functions/c/invocations", "hi", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, fc.UnhandledInvocationError, r.header.Get(fc.HeaderErrorType))
	assert.Contains(t, string(r.body), "/missing")
}

// provisionedEnv is a service with version 1 of a python function that
// counts its initializations, and alias live on it.
func provisionedEnv(t *testing.T, configure ...func(*Config)) *testEnv {
	e := newTestEnv(t, append([]func(*Config){withRuntime(t)}, configure...)...)
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "s"})
	e.mustOK("POST", api+"/services/s/functions", map[string]any{
		"functionName": "f", "runtime": "python3", "handler": "index.handler", "initializer": "index.init",
		"code": map[string]any{"zipFile": zipFiles(t, map[string]string{"index.py": "import os\nn = 0\ndef init(c):\n    global n\n    n += 1\ndef handler(e, c):\n    return '%d:%d' % (os.getpid(), n)\n"})},
	})
	e.mustOK("POST", api+"/services/s/versions", map[string]any{})
	e.mustOK("POST", api+"/services/s/aliases", map[string]any{"aliasName": "live", "versionId": "1"})
	return e
}

func TestAProvisionedAliasHasItsInstancesRunningBeforeAnyInvocation(t *testing.T) {
	e := provisionedEnv(t)
	r := e.mustOK("PUT", api+"/services/s.live/functions/f/provision-config", map[string]any{"target": 2})
	var pc fc.ProvisionConfig
	r.json(t, &pc)
	assert.Equal(t, int64(2), pc.Current)

	r = e.mustOK("GET", api+"/services/s.live/functions/f/provision-config", nil)
	r.json(t, &pc)
	assert.Equal(t, fc.ProvisionConfig{Resource: testAccount + "#s#live#f", Target: 2, Current: 2}, pc)
	var list fc.ListProvisionConfigsOutput
	e.mustOK("GET", api+"/provision-configs", nil).json(t, &list)
	require.Len(t, list.ProvisionConfigs, 1)
	assert.Equal(t, int64(2), list.ProvisionConfigs[0].Current)
	assert.Equal(t, 2, e.server.runtime.Stats().Instances, "started before any invocation")

	r = invoke(e, api+"/services/s.live/functions/f/invocations", "", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Regexp(t, `^\d+:1$`, string(r.body), "an initialized instance served it")
	assert.Equal(t, 2, e.server.runtime.Stats().Instances, "no instance was started for it")

	e.mustOK("PUT", api+"/services/s.live/functions/f/provision-config", map[string]any{"target": 0})
	e.mustOK("GET", api+"/services/s.live/functions/f/provision-config", nil).json(t, &pc)
	assert.Zero(t, pc.Current, "target 0 releases them")
}

func TestProvisionedInstancesAreCappedByTheServersLimit(t *testing.T) {
	e := provisionedEnv(t, func(c *Config) {
		pool, err := runtime.NewPool(runtime.Config{CacheDir: t.TempDir(), MaxProvisionedPerFunction: 1})
		require.NoError(t, err)
		t.Cleanup(func() { pool.Close() })
		c.Runtime = pool
	})
	var pc fc.ProvisionConfig
	e.mustOK("PUT", api+"/services/s.live/functions/f/provision-config", map[string]any{"target": 3}).json(t, &pc)
	assert.Equal(t, fc.ProvisionConfig{Resource: testAccount + "#s#live#f", Target: 3, Current: 1}, pc)
}

func TestStoredProvisionConfigsAreProvisionedWhenTheServerStarts(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, StoreFileName))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	first := provisionedEnv(t, func(c *Config) { c.Store = st; c.NoProvisioning = true })
	first.mustOK("PUT", api+"/services/s.live/functions/f/provision-config", map[string]any{"target": 1})
	var pc fc.ProvisionConfig
	first.mustOK("GET", api+"/services/s.live/functions/f/provision-config", nil).json(t, &pc)
	require.Zero(t, pc.Current, "a server keeping no instances only stores the config")

	pool, err := runtime.NewPool(runtime.Config{CacheDir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(func() { pool.Close() })
	restarted := New(Config{Store: st, Runtime: pool})
	restarted.reconcileProvisioned(context.Background()) // what StartBackground does first
	assert.Equal(t, int64(1), restarted.currentProvisioned(testAccount, "s", "live", "f"))

	// The alias and with it the config go: the loop releases the instance.
	first.mustOK("DELETE", api+"/services/s/aliases/live", nil)
	restarted.reconcileProvisioned(context.Background())
	assert.Zero(t, restarted.currentProvisioned(testAccount, "s", "live", "f"))
}

func TestALayerThatCannotBeUnpackedFailsTheInvocationWith400NamingItsARN(t *testing.T) {
	e := newTestEnv(t, func(c *Config) {
		withRuntime(t)(c)
		pool, err := runtime.NewPool(runtime.Config{CacheDir: t.TempDir(), MaxUnpackedBytes: 1 << 10})
		require.NoError(t, err)
		t.Cleanup(func() { pool.Close() })
		c.Runtime = pool
	})
	arn := e.publishLayer(testAccount, "big", map[string]string{"python/big.py": "#" + string(bytes.Repeat([]byte("x"), 4<<10)) + "\n"})
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "s"})
	e.mustOK("POST", api+"/services/s/functions", map[string]any{
		"functionName": "f", "runtime": "python3", "handler": "index.handler", "layers": []string{arn},
		"code": map[string]any{"zipFile": zipFiles(t, map[string]string{"index.py": "def handler(e, c):\n    return 'x'\n"})},
	})
	r := invoke(e, api+"/services/s/functions/f/invocations", "", nil)
	require.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
	assert.Equal(t, fc.CodeInvalidArgument, r.errorCode(t))
	assert.Contains(t, string(r.body), "function s/f: layer "+arn+" cannot be used: ")
	assert.Contains(t, string(r.body), "larger than the limit")
}

func TestProvisionedInstancesFollowTheirAliasToAnotherVersion(t *testing.T) {
	e := provisionedEnv(t)
	e.mustOK("PUT", api+"/services/s.live/functions/f/provision-config", map[string]any{"target": 1})
	e.mustOK("PUT", api+"/services/s/functions/f", map[string]any{
		"code": map[string]any{"zipFile": zipFiles(t, map[string]string{"index.py": "n = 0\ndef init(c):\n    global n\n    n += 1\ndef handler(e, c):\n    return 'v2:%d' % n\n"})},
	})
	e.mustOK("POST", api+"/services/s/versions", map[string]any{})
	e.mustOK("PUT", api+"/services/s/aliases/live", map[string]any{"versionId": "2"})
	e.server.reconcileProvisioned(context.Background()) // what the alias update wakes

	assert.Equal(t, int64(1), e.server.currentProvisioned(testAccount, "s", "live", "f"))
	before := e.server.runtime.Stats().Instances
	r := invoke(e, api+"/services/s.live/functions/f/invocations", "", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, "v2:1", string(r.body), "version 2's provisioned instance, initialized, served it")
	assert.Equal(t, before, e.server.runtime.Stats().Instances, "no instance was started for it")
}

func TestAProvisionConfigWhoseInstancesFailToStartIsKeptAndTheFailureLoggedOnce(t *testing.T) {
	var logs syncLog
	e := newTestEnv(t, withRuntime(t), func(c *Config) { c.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "s"})
	e.mustOK("POST", api+"/services/s/functions", map[string]any{
		"functionName": "f", "runtime": "python3", "handler": "index.handler", "initializer": "index.init",
		"code": map[string]any{"zipFile": zipFiles(t, map[string]string{"index.py": "def init(c):\n    raise Exception('no database')\ndef handler(e, c):\n    return 'x'\n"})},
	})
	e.mustOK("POST", api+"/services/s/versions", map[string]any{})
	e.mustOK("POST", api+"/services/s/aliases", map[string]any{"aliasName": "live", "versionId": "1"})

	var pc fc.ProvisionConfig
	e.mustOK("PUT", api+"/services/s.live/functions/f/provision-config", map[string]any{"target": 1}).json(t, &pc)
	assert.Equal(t, int64(1), pc.Target, "the config is stored")
	assert.Zero(t, pc.Current)
	e.server.reconcileProvisioned(context.Background()) // a retry that fails the same way
	assert.Equal(t, 1, strings.Count(logs.String(), "provisioned instances not started"), "%s", logs.String())
	assert.Contains(t, logs.String(), "no database")
}

// syncLog is a log buffer the server's goroutines may share.
type syncLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) { l.mu.Lock(); defer l.mu.Unlock(); return l.b.Write(p) }
func (l *syncLog) String() string              { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }
