package fc

import (
	"context"
	"encoding/base64"
	"net/http"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The default backoff, on synctest's fake clock: full jitter under a
// ceiling that doubles from 100 ms per attempt and stops at 5 s. The
// longest of 50 draws lies in the top half of the ceiling except with
// probability 2^-50.
func TestRetriesBackOffExponentiallyWithFullJitterUpToFiveSeconds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, err := NewClient(Config{Endpoint: "http://127.0.0.1:1", AccountID: "123", Credentials: testCreds})
		require.NoError(t, err)
		longest := func(attempt int) time.Duration {
			var most time.Duration
			for range 50 {
				start := time.Now()
				require.NoError(t, c.wait(context.Background(), c.backoff(attempt)))
				most = max(most, time.Since(start))
			}
			return most
		}
		for _, tc := range []struct {
			attempt int
			ceiling time.Duration
		}{{0, 100 * time.Millisecond}, {3, 800 * time.Millisecond}, {10, 5 * time.Second}, {40, 5 * time.Second}} {
			got := longest(tc.attempt)
			assert.LessOrEqual(t, got, tc.ceiling, "attempt %d", tc.attempt)
			assert.Greater(t, got, tc.ceiling/2, "attempt %d", tc.attempt)
		}
	})
}

func TestAnInvocationLogIsDecodedFromItsHeader(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ header, want string }{
		{base64.StdEncoding.EncodeToString([]byte("START\nhello from the function\n")), "START\nhello from the function\n"},
		{"", ""},
		{"not base64!", ""},
	} {
		c := stubClient(t, func(w http.ResponseWriter, r *http.Request) {
			if tc.header != "" {
				w.Header().Set(HeaderLogResult, tc.header)
			}
			w.Write([]byte("ok"))
		}, nil)
		out, err := c.InvokeFunction(context.Background(), "s", "", "f", nil, InvokeOptions{LogTail: true})
		require.NoError(t, err)
		assert.Equal(t, "ok", string(out.Body))
		assert.Equal(t, tc.want, out.Log, "header %q", tc.header)
	}
}

func TestMaxRetriesSetsHowOftenAGetIsTried(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		maxRetries int
		calls      int32
	}{{1, 2}, {-1, 1}} {
		var calls atomic.Int32
		c := stubClient(t, func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			w.WriteHeader(http.StatusServiceUnavailable)
		}, func(cfg *Config) { cfg.MaxRetries = tc.maxRetries })
		_, err := c.GetService(context.Background(), "s", "")
		require.Error(t, err)
		assert.Equal(t, tc.calls, calls.Load(), "MaxRetries %d", tc.maxRetries)
	}
}

// rawOnce answers the first request with raw bytes on the connection, then
// closes it; later requests get an empty JSON object.
func rawOnce(t *testing.T, raw string) (*Client, *atomic.Int32) {
	var calls atomic.Int32
	c := stubClient(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) > 1 {
			w.Write([]byte(`{}`))
			return
		}
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		buf.WriteString(raw)
		buf.Flush()
		conn.Close()
	}, nil)
	return c, &calls
}

func TestAResponseBodyCutShortIsRetried(t *testing.T) {
	t.Parallel()
	c, calls := rawOnce(t, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"serv")
	_, err := c.GetService(context.Background(), "s", "")
	require.NoError(t, err)
	assert.Equal(t, int32(2), calls.Load(), "the connection broke: worth another try")
}

func TestAMalformedResponseBodyIsNotRetried(t *testing.T) {
	t.Parallel()
	c, calls := rawOnce(t, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
	_, err := c.GetService(context.Background(), "s", "")
	require.Error(t, err)
	assert.ErrorContains(t, err, "reading the response")
	assert.Equal(t, int32(1), calls.Load(), "the server answered, badly: trying again would not help")
}
