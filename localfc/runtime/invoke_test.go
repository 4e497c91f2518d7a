//go:build unix

package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHelloWorldRunsInEveryRuntime(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	needInterpreter(t, "node")
	p := newPool(t, Config{})
	cases := []struct {
		name string
		req  Request
	}{
		{"python3 returns a str", fn(t, "python3", "index.handler", py("def handler(event, context):\n    return 'hello world'\n"))},
		{"python3.9 returns bytes", fn(t, "python3.9", "index.handler", py("def handler(event, context):\n    return b'hello world'\n"))},
		{"nodejs14 calls back with a string", fn(t, "nodejs14", "index.handler", js("exports.handler = function(event, context, callback) { callback(null, 'hello world'); };"))},
		{"nodejs6 calls back with a Buffer", fn(t, "nodejs6", "index.handler", js("exports.handler = (e, c, cb) => cb(null, Buffer.from('hello world'));"))},
		{"nodejs12 async handler resolves", fn(t, "nodejs12", "index.handler", js("exports.handler = async () => 'hello world';"))},
		{"python3.10 runs on this machine's python3", fn(t, "python3.10", "index.handler", py("def handler(event, context):\n    return 'hello world'\n"))},
		{"nodejs18 runs on this machine's node", fn(t, "nodejs18", "index.handler", js("exports.handler = async () => 'hello world';"))},
		{"nodejs20 runs on this machine's node", fn(t, "nodejs20", "index.handler", js("exports.handler = (e, c, cb) => cb(null, 'hello world');"))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := invoke(t, p, tc.req)
			assert.Empty(t, res.ErrorType, "body %s", res.Body)
			assert.Equal(t, "hello world", string(res.Body))
			assert.Positive(t, res.Duration)
		})
	}
}

func TestReturnValuesAreConvertedToBodies(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	needInterpreter(t, "node")
	p := newPool(t, Config{})
	cases := []struct {
		name, runtime, code, want string
	}{
		{"a python dict becomes JSON", "python3", "def handler(e, c):\n    return {'a': [1, 2]}\n", `{"a": [1, 2]}`},
		{"python None is an empty body", "python3", "def handler(e, c):\n    return None\n", ""},
		{"a python int is printed", "python3", "def handler(e, c):\n    return 42\n", "42"},
		{"a node object becomes JSON", "nodejs14", "exports.handler = (e, c, cb) => cb(null, {a: [1, 2]});", `{"a":[1,2]}`},
		{"node undefined is an empty body", "nodejs14", "exports.handler = (e, c, cb) => cb(null);", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := py(tc.code)
			if strings.HasPrefix(tc.runtime, "nodejs") {
				f = js(tc.code)
			}
			res := invoke(t, p, fn(t, tc.runtime, "index.handler", f))
			assert.Empty(t, res.ErrorType, "body %s", res.Body)
			assert.Equal(t, tc.want, string(res.Body))
		})
	}
}

func TestBinaryEventsRoundTripUnchanged(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	needInterpreter(t, "node")
	p := newPool(t, Config{})
	event := make([]byte, 3<<20) // larger than a pipe buffer, every byte value
	for i := range event {
		event[i] = byte(i * 7)
	}
	for _, req := range []Request{
		fn(t, "python3", "index.handler", py("def handler(event, context):\n    assert isinstance(event, bytes)\n    return event\n")),
		fn(t, "nodejs14", "index.handler", js("exports.handler = (event, context, cb) => cb(null, Buffer.isBuffer(event) ? event : 'not a buffer');")),
	} {
		t.Run(req.Runtime, func(t *testing.T) {
			req.Event = event
			res := invoke(t, p, req)
			require.Empty(t, res.ErrorType, "body %.300s", res.Body)
			assert.True(t, len(res.Body) == len(event) && string(res.Body) == string(event), "the body differs from the event")
		})
	}
}

func TestHandledErrorsCarryMessageTypeAndStack(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	needInterpreter(t, "node")
	p := newPool(t, Config{})
	cases := []struct {
		name        string
		req         Request
		wantMessage string
		wantType    string
	}{
		{"a python exception", fn(t, "python3", "index.handler", py("def handler(e, c):\n    raise ValueError('bad input')\n")), "bad input", "ValueError"},
		{"a node callback error", fn(t, "nodejs14", "index.handler", js("exports.handler = (e, c, cb) => cb(new TypeError('bad input'));")), "bad input", "TypeError"},
		{"a node synchronous throw", fn(t, "nodejs14", "index.handler", js("exports.handler = () => { throw new RangeError('bad input'); };")), "bad input", "RangeError"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := invoke(t, p, tc.req)
			assert.Equal(t, fc.HandledInvocationError, res.ErrorType)
			msg, typ, stack := errorBody(t, res)
			assert.Equal(t, tc.wantMessage, msg)
			assert.Equal(t, tc.wantType, typ)
			assert.NotEmpty(t, stack)
		})
	}
}

func TestHandledErrorKeepsTheInstanceWarm(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{})
	req := fn(t, "python3", "index.handler", py("import os\ndef handler(e, c):\n    if e == b'fail':\n        raise ValueError('no')\n    return str(os.getpid())\n"))
	first := invoke(t, p, req)
	req.Event = []byte("fail")
	assert.Equal(t, fc.HandledInvocationError, invoke(t, p, req).ErrorType)
	req.Event = nil
	assert.Equal(t, string(first.Body), string(invoke(t, p, req).Body))
}

func TestUnhandledErrorsDiscardTheInstance(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	needInterpreter(t, "node")
	cases := []struct {
		name        string
		req         Request
		wantMessage string
	}{
		{"a python process exiting", fn(t, "python3", "index.handler", py("import os\ndef handler(e, c):\n    os._exit(3)\n")), "Process exited unexpectedly before completing the request (exit status 3)"},
		{"a node process exiting", fn(t, "nodejs14", "index.handler", js("exports.handler = () => process.exit(4);")), "Process exited unexpectedly before completing the request (exit status 4)"},
		{"a node exception thrown later", fn(t, "nodejs14", "index.handler", js("exports.handler = () => setTimeout(() => { throw new Error('late boom'); }, 1);")), "late boom"},
		{"a python module that does not import", fn(t, "python3", "index.handler", py("import not_a_module\n")), "Unable to import module 'index': No module named 'not_a_module'"},
		{"a python module missing", fn(t, "python3", "main.handler", py("")), "Unable to import module 'main': No module named 'main'"},
		{"a node module with a syntax error", fn(t, "nodejs14", "index.handler", js("exports.handler = (;")), "Unable to import module 'index'"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := newPool(t, Config{})
			res := invoke(t, p, tc.req)
			assert.Equal(t, fc.UnhandledInvocationError, res.ErrorType)
			msg, _, _ := errorBody(t, res)
			assert.Contains(t, msg, tc.wantMessage)
			assert.Zero(t, p.Stats().Instances, "the instance is not kept")
		})
	}
}

func TestBadHandlerNameSaysWhatIsMissing(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	needInterpreter(t, "node")
	p := newPool(t, Config{})
	res := invoke(t, p, fn(t, "python3", "index.handlr", py("def handler(e, c):\n    return 'x'\n")))
	assert.Equal(t, fc.UnhandledInvocationError, res.ErrorType)
	msg, _, _ := errorBody(t, res)
	assert.Equal(t, "module 'index' has no attribute 'handlr'", msg)

	res = invoke(t, p, fn(t, "nodejs14", "index.handlr", js("exports.handler = () => {};")))
	assert.Equal(t, fc.UnhandledInvocationError, res.ErrorType)
	msg, _, _ = errorBody(t, res)
	assert.Equal(t, "Handler 'handlr' missing on module 'index'", msg)
	assert.Zero(t, p.Stats().Instances)
}

func TestNestedHandlerPathsAreFound(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	needInterpreter(t, "node")
	p := newPool(t, Config{})
	res := invoke(t, p, fn(t, "python3", "src/app.main", file{name: "src/app.py", body: "def main(e, c):\n    return 'nested'\n"}))
	assert.Equal(t, "nested", string(res.Body), "error: %s", res.Body)
	res = invoke(t, p, fn(t, "nodejs14", "src/app.main", file{name: "src/app.js", body: "exports.main = (e, c, cb) => cb(null, 'nested');"}))
	assert.Equal(t, "nested", string(res.Body), "error: %s", res.Body)
}

func TestInitializerRunsOncePerInstance(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	needInterpreter(t, "node")
	p := newPool(t, Config{})
	pyReq := fn(t, "python3", "index.handler", py("calls = []\ndef init(context):\n    calls.append(context.function.name)\ndef handler(e, c):\n    return str(len(calls)) + ':' + calls[0]\n"))
	pyReq.Initializer = "index.init"
	jsReq := fn(t, "nodejs14", "index.handler", js("let n = 0;\nexports.init = (context, cb) => { n++; cb(null); };\nexports.handler = (e, c, cb) => cb(null, n + ':' + c.function.name);"))
	jsReq.Initializer = "index.init"
	for _, req := range []Request{pyReq, jsReq} {
		t.Run(req.Runtime, func(t *testing.T) {
			for range 3 {
				res := invoke(t, p, req)
				assert.Equal(t, "1:fn", string(res.Body), "error: %s", res.Body)
			}
		})
	}
}

func TestFailingInitializerIsUnhandledAndRetriedOnANewInstance(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{})
	req := fn(t, "python3", "index.handler", py("def init(context):\n    raise RuntimeError('no database')\ndef handler(e, c):\n    return 'x'\n"))
	req.Initializer = "index.init"
	for range 2 {
		res := invoke(t, p, req)
		assert.Equal(t, fc.UnhandledInvocationError, res.ErrorType)
		msg, _, _ := errorBody(t, res)
		assert.Equal(t, "initializer index.init failed: no database", msg)
	}
	assert.Zero(t, p.Stats().Instances)
}

func TestInstancesSeeFunctionVariablesButNotTheServerEnvironment(t *testing.T) {
	// Not parallel: it sets variables in this process's environment.
	needInterpreter(t, "python3")
	needInterpreter(t, "node")
	t.Setenv("FCDEPLOY_CANARY", "leaked")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "server-secret")
	p := newPool(t, Config{})
	env := map[string]string{"STAGE": "test"}
	pyReq := fn(t, "python3", "index.handler", py("import os, json\ndef handler(e, c):\n    return dict(os.environ)\n"))
	jsReq := fn(t, "nodejs14", "index.handler", js("exports.handler = (e, c, cb) => cb(null, process.env);"))
	for _, req := range []Request{pyReq, jsReq} {
		t.Run(req.Runtime, func(t *testing.T) {
			req.Env = env
			req.Qualifier = "live"
			req.VersionID = "3"
			res := invoke(t, p, req)
			require.Empty(t, res.ErrorType, "body %s", res.Body)
			var got map[string]string
			require.NoError(t, json.Unmarshal(res.Body, &got))
			assert.Equal(t, "test", got["STAGE"])
			assert.Equal(t, "fn", got["FC_FUNCTION_NAME"])
			assert.Equal(t, "svc", got["FC_SERVICE_NAME"])
			assert.Equal(t, "111111", got["FC_ACCOUNT_ID"])
			assert.Equal(t, "live", got["FC_QUALIFIER"])
			assert.Equal(t, "/usr/local/bin:/usr/bin:/bin", got["PATH"])
			assert.NotEmpty(t, got["FC_FUNC_CODE_PATH"])
			assert.NotContains(t, got, "FCDEPLOY_CANARY")
			assert.NotContains(t, got, "ALIBABA_CLOUD_ACCESS_KEY_SECRET")
			assert.NotContains(t, string(res.Body), "server-secret")
		})
	}
}

func TestContextDescribesTheInvocation(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	needInterpreter(t, "node")
	p := newPool(t, Config{})
	pyReq := fn(t, "python3", "index.handler", py("import json\ndef handler(e, c):\n    return json.dumps([c.request_id, c.function.name, c.function.memory, c.function.timeout, c.service.name, c.service.qualifier, c.service.version_id, c.region, c.account_id])\n"))
	jsReq := fn(t, "nodejs14", "index.handler", js("exports.handler = (e, c, cb) => cb(null, [c.requestId, c.function.name, c.function.memory, c.function.timeout, c.service.name, c.service.qualifier, c.service.versionId, c.region, c.accountId]);"))
	for _, req := range []Request{pyReq, jsReq} {
		t.Run(req.Runtime, func(t *testing.T) {
			req.RequestID = "r-42"
			req.Qualifier, req.VersionID = "prod", "7"
			res := invoke(t, p, req)
			var got []any
			require.NoError(t, json.Unmarshal(res.Body, &got), "body %s", res.Body)
			assert.Equal(t, []any{"r-42", "fn", 256.0, 10.0, "svc", "prod", "7", "local", "111111"}, got)
		})
	}
}

func TestTimeoutKillsTheWholeProcessGroup(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{})
	// The handler reports its pid through a side file, then sleeps with a
	// child process in its group.
	pidFile := t.TempDir() + "/pid"
	req := fn(t, "python3", "index.handler", py(fmt.Sprintf(
		"import os, subprocess, time\ndef handler(e, c):\n    subprocess.Popen(['sleep', '30'])\n    open(%q, 'w').write(str(os.getpid()))\n    time.sleep(30)\n", pidFile)))
	req.Timeout = 1
	start := time.Now()
	res := invoke(t, p, req)
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.Equal(t, fc.UnhandledInvocationError, res.ErrorType)
	msg, _, _ := errorBody(t, res)
	assert.Equal(t, "Function timed out after 1 second", msg)
	b, err := os.ReadFile(pidFile)
	require.NoError(t, err)
	pid, err := strconv.Atoi(string(b))
	require.NoError(t, err)
	// The leader is reaped by the pool; the sleep child is reaped by init,
	// which may take a moment.
	assert.Eventually(t, func() bool {
		return errors.Is(syscall.Kill(-pid, 0), syscall.ESRCH)
	}, 5*time.Second, 20*time.Millisecond, "process group %d still exists", pid)
	assert.Zero(t, p.Stats().Instances)
}

func TestMemoryBeyondTheLimitStopsTheInstance(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{})
	req := fn(t, "python3", "index.handler", py("import time\ndef handler(e, c):\n    x = b'x' * (300 * 1024 * 1024)\n    time.sleep(5)\n    return str(len(x))\n"))
	req.MemorySize = 128
	res := invoke(t, p, req)
	assert.Equal(t, fc.UnhandledInvocationError, res.ErrorType)
	msg, _, _ := errorBody(t, res)
	assert.Equal(t, "Function exceeded its memory limit of 128 MB", msg)
	assert.Zero(t, p.Stats().Instances)
}

func pidOf(t *testing.T, res *Result) int {
	t.Helper()
	require.Empty(t, res.ErrorType, "body %s", res.Body)
	pid, err := strconv.Atoi(string(res.Body))
	require.NoError(t, err, "body %q", res.Body)
	return pid
}

func TestWarmInstancesAreReused(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	needInterpreter(t, "node")
	p := newPool(t, Config{})
	for _, req := range []Request{
		fn(t, "python3", "index.handler", py("import os\ndef handler(e, c):\n    return str(os.getpid())\n")),
		fn(t, "nodejs14", "index.handler", js("exports.handler = (e, c, cb) => cb(null, String(process.pid));")),
	} {
		t.Run(req.Runtime, func(t *testing.T) {
			assert.Equal(t, pidOf(t, invoke(t, p, req)), pidOf(t, invoke(t, p, req)))
		})
	}
}

func TestNewCodeOrConfigurationGetsANewInstance(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{})
	req := fn(t, "python3", "index.handler", py("import os\ndef handler(e, c):\n    return str(os.getpid())\n"))
	first := pidOf(t, invoke(t, p, req))
	req.Env = map[string]string{"A": "1"}
	second := pidOf(t, invoke(t, p, req))
	assert.NotEqual(t, first, second)
	newCode := fn(t, "python3", "index.handler", py("import os\ndef handler(e, c):\n    return str(os.getpid())  # v2\n"))
	req.CodeChecksum, req.CodeSHA256, req.Code = newCode.CodeChecksum, newCode.CodeSHA256, newCode.Code
	third := pidOf(t, invoke(t, p, req))
	assert.NotEqual(t, second, third)
	assert.Equal(t, 1, p.Stats().Instances, "replaced configurations are stopped")
}

func TestIdleInstancesAreReaped(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{IdleTimeout: 100 * time.Millisecond})
	req := fn(t, "python3", "index.handler", py("import os\ndef handler(e, c):\n    return str(os.getpid())\n"))
	pid := pidOf(t, invoke(t, p, req))
	assert.Eventually(t, func() bool { return p.Stats().Instances == 0 }, 5*time.Second, 20*time.Millisecond)
	assert.Eventually(t, func() bool { return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) }, 5*time.Second, 20*time.Millisecond)
	assert.NotEqual(t, pid, pidOf(t, invoke(t, p, req)))
}

func TestConcurrentInvocationsStartInstancesUpToTheBound(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{MaxInstancesPerFunction: 2})
	req := fn(t, "python3", "index.handler", py("import os, time\ndef handler(e, c):\n    time.sleep(0.3)\n    return str(os.getpid())\n"))
	var mu sync.Mutex
	pids := map[int]int{}
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			res := invoke(t, p, req)
			mu.Lock()
			defer mu.Unlock()
			pid, _ := strconv.Atoi(string(res.Body))
			pids[pid]++
		})
	}
	wg.Wait()
	assert.Len(t, pids, 2, "six concurrent calls share two instances: %v", pids)
	assert.Equal(t, Stats{Instances: 2, Idle: 2}, p.Stats())
}

func TestWaitingForAFreeInstanceHonoursTheContext(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{MaxInstancesPerFunction: 1})
	gate := newHandlerGate(t)
	req := fn(t, "python3", "index.handler", gate.source())
	busy := make(chan *Result)
	go func() {
		res, _ := p.Invoke(context.Background(), req)
		busy <- res
	}()
	gate.waitStarted(t) // the first call holds the only instance until the gate opens
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := p.Invoke(ctx, req)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	gate.open(t)
	assert.Equal(t, "done", string((<-busy).Body))
}

func TestUnsupportedRuntimesAreRefusedNamingWhatIsMissing(t *testing.T) {
	t.Parallel()
	p := newPool(t, Config{})
	cases := map[string]string{
		"java8":            "the local Function Compute cannot run Java functions (no JVM worker); deploy and configuration work, invoke does not",
		"java11":           "the local Function Compute cannot run Java functions (no JVM worker); deploy and configuration work, invoke does not",
		"php7.2":           "the local Function Compute cannot run PHP functions (no PHP worker); deploy and configuration work, invoke does not",
		"dotnetcore3.1":    "the local Function Compute cannot run .NET functions (no .NET worker); deploy and configuration work, invoke does not",
		"custom-container": "the local Function Compute cannot run container images (no container engine); deploy and configuration work, invoke does not",
		"python2.7":        "the local Function Compute cannot run Python 2 functions (no Python 2 worker); deploy and configuration work, invoke does not",
		"cobol85":          "not a runtime the local Function Compute knows; it runs python3.x, nodejsN, custom, custom.debian10 and go1",
	}
	for rt, reason := range cases {
		t.Run(rt, func(t *testing.T) {
			_, err := p.Invoke(context.Background(), Request{Service: "svc", Function: "fn", Runtime: rt})
			var unsupported *UnsupportedRuntimeError
			require.ErrorAs(t, err, &unsupported)
			assert.Equal(t, rt, unsupported.Runtime)
			assert.Equal(t, "function svc/fn: runtime "+rt+": "+reason, err.Error())
		})
	}
}

func TestMissingInterpreterIsAnUnsupportedRuntime(t *testing.T) {
	t.Parallel()
	p := newPool(t, Config{Node: "node-not-installed-here"})
	_, err := p.Invoke(context.Background(), Request{Service: "svc", Function: "fn", Runtime: "nodejs14"})
	var unsupported *UnsupportedRuntimeError
	require.ErrorAs(t, err, &unsupported)
	assert.Contains(t, err.Error(), "node-not-installed-here was not found")
}

func TestLogTailHoldsThisInvocationsOutput(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	needInterpreter(t, "node")
	p := newPool(t, Config{})
	pyReq := fn(t, "python3", "index.handler", py("import sys\ndef handler(e, c):\n    print('out ' + e.decode())\n    print('err ' + e.decode(), file=sys.stderr)\n    c.getLogger().info('logger ' + e.decode())\n    return 'ok'\n"))
	jsReq := fn(t, "nodejs14", "index.handler", js("exports.handler = (e, c, cb) => { console.log('out ' + e); console.error('err ' + e); c.logger.info('logger ' + e); cb(null, 'ok'); };"))
	for _, req := range []Request{pyReq, jsReq} {
		t.Run(req.Runtime, func(t *testing.T) {
			req.LogTail = true
			req.Event = []byte("first")
			invoke(t, p, req)
			req.Event = []byte("second")
			res := invoke(t, p, req)
			assert.Equal(t, "ok", string(res.Body))
			log := string(res.Log)
			assert.Contains(t, log, "out second\n")
			assert.Contains(t, log, "err second\n")
			assert.Contains(t, log, "logger second")
			assert.NotContains(t, log, "first", "the previous invocation's output")
			assert.NotContains(t, log, "fc-end", "the protocol marker")
		})
	}
}

func TestLogTailKeepsTheLast4KB(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{})
	req := fn(t, "python3", "index.handler", py("def handler(e, c):\n    for i in range(20000):\n        print('line %d' % i)\n    return 'ok'\n"))
	req.LogTail = true
	res := invoke(t, p, req)
	assert.Len(t, res.Log, 4096)
	assert.True(t, strings.HasSuffix(string(res.Log), "line 19999\n"))
	res = invoke(t, p, req)
	assert.True(t, strings.HasSuffix(string(res.Log), "line 19999\n"))
}

func TestUserOutputDoesNotCorruptTheProtocol(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	needInterpreter(t, "node")
	p := newPool(t, Config{})
	// Output that looks like frames, written every way a function can.
	pyReq := fn(t, "python3", "index.handler", py("import os, sys\ndef handler(e, c):\n    sys.stdout.write('\\x00\\x00\\x00\\x05junk')\n    sys.stdout.buffer.write(b'\\xff' * 70000)\n    os.write(1, b'\\x00\\x00\\x00\\x02xx')\n    os.system('echo from a child')\n    return 'clean'\n"))
	jsReq := fn(t, "nodejs14", "index.handler", js("const fs = require('fs');\nexports.handler = (e, c, cb) => { process.stdout.write('\\u0000\\u0000\\u0000\\u0005junk'); fs.writeSync(1, Buffer.alloc(70000, 255)); require('child_process').execSync('echo from a child', {stdio: 'inherit'}); cb(null, 'clean'); };"))
	for _, req := range []Request{pyReq, jsReq} {
		t.Run(req.Runtime, func(t *testing.T) {
			for range 2 {
				res := invoke(t, p, req)
				require.Empty(t, res.ErrorType, "body %.300s", res.Body)
				assert.Equal(t, "clean", string(res.Body))
			}
		})
	}
}

func TestClosedPoolStopsEveryInstanceAndRefusesInvocations(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{})
	req := fn(t, "python3", "index.handler", py("import os\ndef handler(e, c):\n    return str(os.getpid())\n"))
	pid := pidOf(t, invoke(t, p, req))
	require.NoError(t, p.Close())
	assert.True(t, errors.Is(syscall.Kill(pid, 0), syscall.ESRCH), "instance %d survived Close", pid)
	_, err := p.Invoke(context.Background(), req)
	assert.ErrorIs(t, err, ErrClosed)
}

func TestACrashDoesNotDisturbThePool(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{})
	healthy := fn(t, "python3", "index.handler", py("import os\ndef handler(e, c):\n    return str(os.getpid())\n"))
	healthy.Function = "healthy"
	before := pidOf(t, invoke(t, p, healthy))
	crashing := fn(t, "python3", "index.handler", py("import os, signal\ndef handler(e, c):\n    os.kill(os.getpid(), signal.SIGSEGV)\n"))
	res := invoke(t, p, crashing)
	assert.Equal(t, fc.UnhandledInvocationError, res.ErrorType)
	msg, _, _ := errorBody(t, res)
	assert.Contains(t, msg, "segmentation fault")
	assert.Equal(t, before, pidOf(t, invoke(t, p, healthy)), "the other function's instance is untouched")
	assert.Equal(t, fc.UnhandledInvocationError, invoke(t, p, crashing).ErrorType, "the crashing function gets a fresh instance")
}

func TestInitializerTimeoutIsReported(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "node")
	p := newPool(t, Config{})
	req := fn(t, "nodejs14", "index.handler", js("exports.init = (ctx, cb) => setTimeout(cb, 30000);\nexports.handler = (e, c, cb) => cb(null, 'x');"))
	req.Initializer = "index.init"
	req.InitializationTimeout = 1
	res := invoke(t, p, req)
	assert.Equal(t, fc.UnhandledInvocationError, res.ErrorType)
	msg, _, _ := errorBody(t, res)
	assert.Equal(t, "Initializer index.init timed out after 1 second", msg)
	assert.Zero(t, p.Stats().Instances)
}

func TestUserModulesCannotShadowTheBootstrap(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{})
	res := invoke(t, p, fn(t, "python3", "index.handler",
		py("import bootstrap\ndef handler(e, c):\n    return bootstrap.NAME\n"),
		file{name: "bootstrap.py", body: "NAME = 'user bootstrap'\n"}))
	assert.Equal(t, "user bootstrap", string(res.Body), "error: %s", res.Body)
}

func TestCloseFailsInvocationsInFlightWithErrClosed(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{})
	gate := newHandlerGate(t) // never opened: the handler runs until Close
	req := fn(t, "python3", "index.handler", gate.source())
	errs := make(chan error)
	go func() {
		_, err := p.Invoke(context.Background(), req)
		errs <- err
	}()
	gate.waitStarted(t)
	require.NoError(t, p.Close())
	assert.ErrorIs(t, <-errs, ErrClosed)
}

func TestQualifiersOfOneVersionKeepTheirOwnWarmInstances(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{})
	byVersion := fn(t, "python3", "index.handler", py("import os\ndef handler(e, c):\n    return str(os.getpid())\n"))
	byVersion.Qualifier, byVersion.VersionID = "3", "3"
	byAlias := byVersion
	byAlias.Qualifier = "live"
	first, second := pidOf(t, invoke(t, p, byVersion)), pidOf(t, invoke(t, p, byAlias))
	assert.NotEqual(t, first, second, "each qualifier sees its own FC_QUALIFIER")
	assert.Equal(t, first, pidOf(t, invoke(t, p, byVersion)))
	assert.Equal(t, second, pidOf(t, invoke(t, p, byAlias)))
}
