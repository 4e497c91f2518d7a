package localfc

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

// noRetryDelay makes async retries immediate, so tests never wait out a backoff.
func noRetryDelay(c *Config) { c.AsyncRetryDelay = func(int) time.Duration { return 0 } }

// destinationHandlers: fail records each attempt in $ATTEMPTS and fails; ok
// succeeds; sink appends each event it receives, one per line, to $SINK.
const destinationHandlers = `import os

def fail(event, context):
    with open(os.environ["ATTEMPTS"], "a") as f:
        f.write("attempt\n")
    raise RuntimeError("failing on purpose")

def ok(event, context):
    return b"done " + event

def sink(event, context):
    with open(os.environ["SINK"], "ab") as f:
        f.write(event + b"\n")
    return "stored"
`

// asyncFixture is a server with a failing, a succeeding and a sink function
// in service s, the files they write, and the server's log.
type asyncFixture struct {
	e              *testEnv
	logs           *syncBuffer
	attempts, sink string
}

func newAsyncFixture(t *testing.T, configure ...func(*Config)) *asyncFixture {
	logs := &syncBuffer{}
	opts := append([]func(*Config){withRuntime(t), noRetryDelay, func(c *Config) { c.Logger = slog.New(slog.NewTextHandler(logs, nil)) }}, configure...)
	f := &asyncFixture{e: newTestEnv(t, opts...), logs: logs}
	dir := t.TempDir()
	f.attempts, f.sink = filepath.Join(dir, "attempts.txt"), filepath.Join(dir, "sink.txt")
	f.e.mustOK("POST", api+"/services", map[string]any{"serviceName": "s"})
	for _, name := range []string{"fail", "ok", "sink"} {
		f.e.mustOK("POST", api+"/services/s/functions", map[string]any{
			"functionName": name, "runtime": "python3", "handler": "index." + name, "timeout": 10,
			"environmentVariables": map[string]string{"ATTEMPTS": f.attempts, "SINK": f.sink},
			"code":                 map[string]any{"zipFile": zipFiles(t, map[string]string{"index.py": destinationHandlers})},
		})
	}
	return f
}

func (f *asyncFixture) putConfig(function string, config map[string]any) {
	f.e.t.Helper()
	f.e.mustOK("PUT", api+"/services/s.LATEST/functions/"+function+"/async-invoke-config", config)
}

func (f *asyncFixture) invokeAsync(function, event string) string {
	f.e.t.Helper()
	r := invoke(f.e, api+"/services/s/functions/"+function+"/invocations", event, map[string]string{fc.HeaderInvocationType: fc.InvocationAsync})
	require.Equal(f.e.t, http.StatusAccepted, r.status, "%s", r.body)
	return r.header.Get(fc.HeaderRequestID)
}

// waitForLog waits until the server logged text.
func (f *asyncFixture) waitForLog(text string) {
	f.e.t.Helper()
	require.Eventually(f.e.t, func() bool { return strings.Contains(f.logs.String(), text) },
		20*time.Second, 20*time.Millisecond, "waiting for %q in the log:\n%s", text, f.logs)
}

// sinkRecords waits for n records at the sink and decodes them.
func (f *asyncFixture) sinkRecords(n int) []destinationRecord {
	f.e.t.Helper()
	var lines []string
	require.Eventually(f.e.t, func() bool {
		b, _ := os.ReadFile(f.sink)
		lines = strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
		return len(b) > 0 && len(lines) >= n
	}, 20*time.Second, 20*time.Millisecond, "waiting for %d records at the sink; log:\n%s", n, f.logs)
	recs := make([]destinationRecord, len(lines))
	for i, l := range lines {
		require.NoError(f.e.t, json.Unmarshal([]byte(l), &recs[i]), "record %q", l)
	}
	return recs
}

func (f *asyncFixture) attemptCount() int {
	b, err := os.ReadFile(f.attempts)
	if os.IsNotExist(err) {
		return 0
	}
	require.NoError(f.e.t, err)
	return strings.Count(string(b), "attempt")
}

func TestAsyncConfigOperationsWorkThroughRealHTTP(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "s"})
	e.mustOK("POST", api+"/services/s/functions", functionBody(t, "f"))
	path := api + "/services/s/functions/f/async-invoke-config"

	r := e.do("GET", path, nil)
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, fc.CodeAsyncConfigNotExists, r.errorCode(t))

	onFailure := "acs:fc:cn-hangzhou:" + testAccount + ":services/s/functions/sink"
	// The Node and Python SDKs spell LATEST out; Go sends no qualifier.
	r = e.mustOK("PUT", api+"/services/s.LATEST/functions/f/async-invoke-config", map[string]any{
		"maxAsyncRetryAttempts": 2, "maxAsyncEventAgeInSeconds": 300, "statefulInvocation": nil,
		"destinationConfig": map[string]any{"onFailure": map[string]any{"destination": onFailure}, "onSuccess": nil},
	})
	var cfg fc.AsyncConfig
	r.json(t, &cfg)
	assert.Equal(t, "s", cfg.Service)
	assert.Equal(t, "f", cfg.Function)
	assert.Equal(t, fc.QualifierLatest, cfg.Qualifier)
	assert.EqualValues(t, 2, *cfg.MaxAsyncRetryAttempts)
	assert.EqualValues(t, 300, *cfg.MaxAsyncEventAgeInSeconds)
	assert.Equal(t, onFailure, cfg.DestinationConfig.OnFailure.Destination)
	assert.Contains(t, string(r.body), `"onSuccess":null`)

	// Python sends Content-Type JSON and a zero length on reads.
	r = e.do("GET", path, nil, func(r *http.Request) { r.Header.Set("Content-Type", "application/json") })
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var got fc.AsyncConfig
	r.json(t, &got)
	assert.Equal(t, cfg, got)

	r = e.mustOK("GET", api+"/services/s/functions/f/async-invoke-configs?limit=10", nil)
	var list fc.ListAsyncConfigsOutput
	r.json(t, &list)
	assert.Equal(t, []fc.AsyncConfig{cfg}, list.Configs)

	r = e.do("DELETE", path, nil)
	assert.Equal(t, http.StatusNoContent, r.status)
	r = e.do("GET", api+"/services/s.LATEST/functions/f/async-invoke-config", nil)
	assert.Equal(t, fc.CodeAsyncConfigNotExists, r.errorCode(t))
	r = e.do("PUT", api+"/services/s.live/functions/f/async-invoke-config", map[string]any{})
	assert.Equal(t, fc.CodeAliasNotFound, r.errorCode(t))
	r = e.do("GET", api+"/services/s/functions/nope/async-invoke-configs", nil)
	assert.Equal(t, fc.CodeFunctionNotFound, r.errorCode(t))
}

func TestBadAsyncConfigsAreRefusedWithTheFieldNamed(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "s"})
	e.mustOK("POST", api+"/services/s/functions", functionBody(t, "f"))
	cases := []struct {
		name string
		body string
		want string
	}{
		{"too many retries", `{"maxAsyncRetryAttempts": 9}`, "maxAsyncRetryAttempts 9 is invalid: it must be between 0 and 8"},
		{"negative retries", `{"maxAsyncRetryAttempts": -1}`, "maxAsyncRetryAttempts -1"},
		{"a zero event age", `{"maxAsyncEventAgeInSeconds": 0}`, "maxAsyncEventAgeInSeconds 0 is invalid"},
		{"an event age above a week", `{"maxAsyncEventAgeInSeconds": 604801}`, "between 1 and 604800 seconds"},
		{"a destination that is no ARN", `{"destinationConfig": {"onFailure": {"destination": "my-queue"}}}`, `destinationConfig.onFailure: destination "my-queue" is not an ARN`},
		{"an unknown destination kind", `{"destinationConfig": {"onSuccess": {"destination": "acs:oss:cn-hangzhou:1:bucket/b"}}}`, `kind "oss" cannot receive async results`},
		{"a function ARN without a function", `{"destinationConfig": {"onSuccess": {"destination": "acs:fc:cn-hangzhou:1:services/s"}}}`, "a function destination is acs:fc:REGION:ACCOUNT:services/SERVICE[.QUALIFIER]/functions/FUNCTION"},
		{"a number as text", `{"maxAsyncRetryAttempts": "3"}`, "not valid JSON for this operation"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("PUT", api+"/services/s/functions/f/async-invoke-config", c.body)
			require.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
			var body struct{ ErrorCode, ErrorMessage string }
			r.json(t, &body)
			assert.Equal(t, fc.CodeInvalidArgument, body.ErrorCode)
			assert.Contains(t, body.ErrorMessage, c.want)
		})
	}
	r := e.do("GET", api+"/services/s/functions/f/async-invoke-config", nil)
	assert.Equal(t, fc.CodeAsyncConfigNotExists, r.errorCode(t), "nothing refused was stored")
}

func TestAFailingAsyncInvocationReachesItsOnFailureFunctionWithTheRecord(t *testing.T) {
	f := newAsyncFixture(t)
	f.putConfig("fail", map[string]any{
		"maxAsyncRetryAttempts": 1,
		"destinationConfig": map[string]any{"onFailure": map[string]any{
			"destination": "acs:fc:cn-hangzhou:" + testAccount + ":services/s/functions/sink",
		}},
	})
	stop := f.e.server.StartBackground()
	defer stop()
	requestID := f.invokeAsync("fail", `{"order": 7}`)

	recs := f.sinkRecords(1)
	require.Len(t, recs, 1)
	rec := recs[0]
	assert.Equal(t, requestID, rec.RequestContext.RequestID)
	assert.Equal(t, "acs:fc:local:"+testAccount+":services/s.LATEST/functions/fail", rec.RequestContext.FunctionArn)
	assert.Contains(t, []string{fc.HandledInvocationError, fc.UnhandledInvocationError}, rec.RequestContext.Condition)
	assert.Equal(t, 2, rec.RequestContext.ApproximateInvokeCount, "one attempt and one retry")
	assert.Equal(t, `{"order": 7}`, rec.RequestPayload)
	assert.Equal(t, http.StatusOK, rec.ResponseContext.StatusCode)
	assert.Equal(t, rec.RequestContext.Condition, rec.ResponseContext.FunctionError)
	assert.Contains(t, rec.ResponsePayload, "failing on purpose")
	assert.Greater(t, rec.Timestamp, time.Now().Add(-time.Hour).UnixMilli())
	assert.Equal(t, 2, f.attemptCount())
	f.waitForLog(`msg="async destination delivered" requestId=` + requestID)
}

func TestAsyncRetriesFollowMaxAsyncRetryAttempts(t *testing.T) {
	for _, c := range []struct {
		retries  int
		attempts int
	}{{0, 1}, {2, 3}} {
		t.Run(strings.Repeat("retry ", c.retries)+"then give up", func(t *testing.T) {
			f := newAsyncFixture(t)
			f.putConfig("fail", map[string]any{"maxAsyncRetryAttempts": c.retries})
			stop := f.e.server.StartBackground()
			defer stop()
			requestID := f.invokeAsync("fail", "x")
			f.waitForLog("outcome=failed attempt=" + string(rune('0'+c.attempts)))
			stop()
			assert.Equal(t, c.attempts, f.attemptCount())
			assert.Contains(t, f.logs.String(), "requestId="+requestID)
			assert.NotContains(t, f.logs.String(), "attempt="+string(rune('0'+c.attempts+1)))
		})
	}
}

func TestAnEventOlderThanMaxAsyncEventAgeIsDroppedLoggedAndReported(t *testing.T) {
	f := newAsyncFixture(t)
	f.putConfig("fail", map[string]any{
		"maxAsyncEventAgeInSeconds": 60,
		"destinationConfig": map[string]any{"onFailure": map[string]any{
			"destination": "acs:fc:cn-hangzhou:" + testAccount + ":services/s/functions/sink",
		}},
	})
	requestID := f.invokeAsync("fail", "stale")

	// Two minutes pass before any worker looks at the queue.
	f.e.clock.Store(time.Now().Add(2 * time.Minute).UnixNano())
	stop := f.e.server.StartBackground()
	defer stop()

	rec := f.sinkRecords(1)[0]
	assert.Equal(t, requestID, rec.RequestContext.RequestID)
	assert.Equal(t, conditionEventAgeExceeded, rec.RequestContext.Condition)
	assert.Equal(t, 0, rec.RequestContext.ApproximateInvokeCount)
	assert.Equal(t, "stale", rec.RequestPayload)
	assert.Equal(t, 0, f.attemptCount(), "a dropped event never runs")
	assert.Contains(t, f.logs.String(), "async invocation dropped: older than maxAsyncEventAgeInSeconds")
	assert.Contains(t, f.logs.String(), "age=2m0s maxAge=1m0s")
}

func TestSuccessesGoToOnSuccessAndOtherDestinationKindsAreOnlyLogged(t *testing.T) {
	f := newAsyncFixture(t)
	f.putConfig("ok", map[string]any{"destinationConfig": map[string]any{
		"onSuccess": map[string]any{"destination": "acs:fc:cn-hangzhou:" + testAccount + ":services/s.LATEST/functions/sink"},
	}})
	f.e.mustOK("PUT", api+"/services/s/functions/fail/async-invoke-config", map[string]any{
		"maxAsyncRetryAttempts": 0,
		"destinationConfig":     map[string]any{"onFailure": map[string]any{"destination": "acs:mns:cn-hangzhou:" + testAccount + ":/queues/failures/messages"}},
	})
	stop := f.e.server.StartBackground()
	defer stop()

	okID := f.invokeAsync("ok", "Ada")
	rec := f.sinkRecords(1)[0]
	assert.Equal(t, okID, rec.RequestContext.RequestID)
	assert.Equal(t, "", rec.RequestContext.Condition, "no error on success")
	assert.Equal(t, "", rec.ResponseContext.FunctionError)
	assert.Equal(t, "done Ada", rec.ResponsePayload)

	failID := f.invokeAsync("fail", "x")
	f.waitForLog(`msg="async destination not delivered locally" requestId=` + failID)
	assert.Contains(t, f.logs.String(), "kind=mns")
}

func TestDestinationDeliveriesAndTimerFiringsDoNotDeliverFurther(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "s"})
	e.mustOK("POST", api+"/services/s/functions", functionBody(t, "f"))
	e.mustOK("PUT", api+"/services/s/functions/f/async-invoke-config", map[string]any{
		"maxAsyncRetryAttempts": 5, "maxAsyncEventAgeInSeconds": 30,
		"destinationConfig": map[string]any{"onSuccess": map[string]any{"destination": "acs:fc:local:1:services/s/functions/g"}},
	})
	inv := store.AsyncInvocation{ID: "r", AccountID: testAccount, ServiceName: "s", FunctionName: "f"}

	p := e.server.asyncPolicy(t.Context(), inv)
	assert.Equal(t, asyncPolicy{retries: 5, maxAge: 30 * time.Second, onSuccess: "acs:fc:local:1:services/s/functions/g"}, p)
	inv.NoDestinations = true
	p = e.server.asyncPolicy(t.Context(), inv)
	assert.Equal(t, asyncPolicy{retries: 5, maxAge: 30 * time.Second}, p, "retries and age still apply")

	inv.FunctionName = "unconfigured"
	p = e.server.asyncPolicy(t.Context(), inv)
	assert.Equal(t, asyncPolicy{retries: fc.DefaultAsyncRetryAttempts, maxAge: fc.DefaultAsyncEventAgeSeconds * time.Second}, p)
}

func TestTheDefaultRetryDelayDoublesFromHalfASecondUpToAMinute(t *testing.T) {
	t.Parallel()
	var got []time.Duration
	for retry := 1; retry <= 9; retry++ {
		got = append(got, defaultAsyncRetryDelay(retry))
	}
	assert.Equal(t, []time.Duration{
		500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second,
		16 * time.Second, 32 * time.Second, time.Minute, time.Minute,
	}, got)
}

// A record too large for a function destination is not delivered, and the
// log says why.
func TestARecordAboveTheFunctionDestinationLimitIsNotDelivered(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	e := newTestEnv(t, func(c *Config) { c.Logger = slog.New(slog.NewTextHandler(logs, nil)) })
	inv := store.AsyncInvocation{ID: "big", AccountID: testAccount, ServiceName: "s", FunctionName: "f", Event: bytes.Repeat([]byte("x"), maxFunctionDestinationBytes)}
	e.server.deliver(t.Context(), inv, "acs:fc:local:"+testAccount+":services/s/functions/sink", newDestinationRecord(inv, time.Now(), 1))
	assert.Contains(t, logs.String(), "async destination not delivered")
	assert.Contains(t, logs.String(), "larger than the 128 KB")
	_, queued, err := e.server.store.NextAsync(t.Context())
	require.NoError(t, err)
	assert.False(t, queued)
}

func TestTheConfigOfTheInvokedQualifierApplies(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "s"})
	e.mustOK("POST", api+"/services/s/functions", functionBody(t, "f"))
	e.mustOK("POST", api+"/services/s/versions", map[string]any{})
	e.mustOK("POST", api+"/services/s/aliases", map[string]any{"aliasName": "live", "versionId": "1"})
	e.mustOK("PUT", api+"/services/s.live/functions/f/async-invoke-config", map[string]any{"maxAsyncRetryAttempts": 0})
	e.mustOK("PUT", api+"/services/s.1/functions/f/async-invoke-config", map[string]any{"maxAsyncRetryAttempts": 1})

	for qualifier, retries := range map[string]int{"live": 0, "1": 1, "": fc.DefaultAsyncRetryAttempts, "LATEST": fc.DefaultAsyncRetryAttempts} {
		inv := store.AsyncInvocation{ID: "r", AccountID: testAccount, ServiceName: "s", Qualifier: qualifier, FunctionName: "f"}
		assert.Equal(t, retries, e.server.asyncPolicy(t.Context(), inv).retries, "qualifier %q", qualifier)
	}
}
