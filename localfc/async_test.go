package localfc

import (
	"bytes"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

// recordThenFail appends the text after "|" to the file before "|", then
// fails, so each attempt of a retried invocation leaves one line.
const recordThenFail = `def handler(event, context):
    path, _, text = event.decode().partition("|")
    with open(path, "a") as f:
        f.write(text + "\n")
    raise RuntimeError("failing on purpose")
`

// syncBuffer is a log sink written by the worker and read by the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestAQueuedAsyncInvocationRunsAfterARestartOnTheSameStore(t *testing.T) {
	e := newTestEnv(t, withRuntime(t))
	e.deploy("s", "f", "index.record", nil)
	out := filepath.Join(t.TempDir(), "ran.txt")

	// The first server answers 202 and stops without ever running a worker.
	r := invoke(e, "/2016-08-15/services/s/functions/f/invocations", out+"|before restart", map[string]string{fc.HeaderInvocationType: fc.InvocationAsync})
	require.Equal(t, http.StatusAccepted, r.status, "%s", r.body)

	// A new server on the same store, with its own runtime pool, finds it.
	var cfg Config
	withRuntime(t)(&cfg)
	cfg.Store = e.server.store
	restarted := New(cfg)
	stop := restarted.StartBackground()
	defer stop()
	require.Eventually(t, func() bool {
		b, _ := os.ReadFile(out)
		return strings.Contains(string(b), "before restart")
	}, 20*time.Second, 50*time.Millisecond)
}

// Without an async invoke config a failing invocation is retried three
// times (FC's documented default): four attempts in all.
func TestAFailingAsyncInvocationRunsFourTimesByDefaultAndTheOutcomeIsLogged(t *testing.T) {
	logs := &syncBuffer{}
	// Retries do not wait in a test; the delays asked for are recorded.
	var delaysMu sync.Mutex
	var delaysAsked []int
	e := newTestEnv(t, withRuntime(t), func(c *Config) {
		c.Logger = slog.New(slog.NewTextHandler(logs, nil))
		c.AsyncRetryDelay = func(attempt int) time.Duration {
			delaysMu.Lock()
			defer delaysMu.Unlock()
			delaysAsked = append(delaysAsked, attempt)
			return 0
		}
	})
	e.mustOK("POST", "/2016-08-15/services", map[string]any{"serviceName": "s"})
	e.mustOK("POST", "/2016-08-15/services/s/functions", map[string]any{
		"functionName": "f", "runtime": "python3", "handler": "index.handler", "timeout": 10,
		"code": map[string]any{"zipFile": zipFiles(t, map[string]string{"index.py": recordThenFail})},
	})
	out := filepath.Join(t.TempDir(), "attempts.txt")

	r := invoke(e, "/2016-08-15/services/s/functions/f/invocations", out+"|attempt", map[string]string{fc.HeaderInvocationType: fc.InvocationAsync})
	require.Equal(t, http.StatusAccepted, r.status, "%s", r.body)
	requestID := r.header.Get(fc.HeaderRequestID)
	require.NotEmpty(t, requestID)

	stop := e.server.StartBackground()
	defer stop()
	require.Eventually(t, func() bool {
		return strings.Contains(logs.String(), "outcome=failed attempt=4")
	}, 20*time.Second, 50*time.Millisecond, "logs: %s", logs)

	// Settled after the fourth attempt: nothing left in the queue, no fifth run.
	_, queued, err := e.server.store.NextAsync(t.Context())
	require.NoError(t, err)
	assert.False(t, queued)
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, 4, strings.Count(string(b), "attempt"))
	assert.Contains(t, logs.String(), "requestId="+requestID)
	assert.Contains(t, logs.String(), "function=s/f")
	delaysMu.Lock()
	defer delaysMu.Unlock()
	assert.Equal(t, []int{1, 2, 3}, delaysAsked, "a pause before each retry, none after the last attempt")
}

func TestTheDefaultAsyncBackoffGrowsWithEachAttempt(t *testing.T) {
	assert.Equal(t, 500*time.Millisecond, defaultAsyncRetryDelay(1))
	assert.Equal(t, time.Second, defaultAsyncRetryDelay(2))
	assert.Equal(t, 2*time.Second, defaultAsyncRetryDelay(3))
	assert.Equal(t, 500*time.Millisecond, New(Config{}).asyncDelay(1), "the default when Config leaves it nil")
}
