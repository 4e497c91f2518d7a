package localfc

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func TestFaultSpecsAreParsedAndRefusedWithTheReason(t *testing.T) {
	t.Parallel()
	f, err := ParseFaults("429=5%, 503=0.05,reset=10%,latency=30ms,jitter=10ms")
	require.NoError(t, err)
	assert.Equal(t, Faults{Throttle: 0.05, Unavailable: 0.05, Reset: 0.1, Latency: 30 * time.Millisecond, Jitter: 10 * time.Millisecond}, f)
	back, err := ParseFaults(f.String())
	require.NoError(t, err)
	assert.Equal(t, f, back, "String reads back")

	none, err := ParseFaults("")
	require.NoError(t, err)
	assert.False(t, none.Active())

	for spec, want := range map[string]string{
		"429":            "not key=value",
		"500=1%":         "unknown key",
		"reset=150%":     "not between 0 and 1",
		"503=0.7,429=.5": "more than 100%",
		"latency=fast":   "latency",
		"latency=-1s":    "negative",
	} {
		_, err := ParseFaults(spec)
		require.Error(t, err, spec)
		assert.Contains(t, err.Error(), want, spec)
	}
}

func TestInjectedFaultsLookLikeARealEndpointOnABadDay(t *testing.T) {
	t.Parallel()
	var handled atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handled.Add(1)
		io.WriteString(w, "ok")
	})
	// Each case draws one fixed number, picking one branch of the spec.
	f := Faults{Throttle: 0.1, Unavailable: 0.1, Reset: 0.2}
	tests := []struct {
		name        string
		draw        float64
		status      int
		code        string
		reset       bool
		handledPlus int32
	}{
		{"a throttled request is 429 ResourceExhausted and never handled", 0.05, 429, fc.CodeResourceExhausted, false, 0},
		{"an unavailable one is 503 ResourceThrottled and never handled", 0.15, 503, fc.CodeResourceThrottled, false, 0},
		{"a reset before handling loses the request", 0.25, 0, "", true, 0},
		{"a reset after handling loses only the answer", 0.35, 0, "", true, 1},
		{"the rest pass", 0.9, 200, "", false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ff := f
			ff.Rand = func() float64 { return tt.draw }
			srv := httptest.NewServer(ff.Wrap(h))
			defer srv.Close()
			before := handled.Load()
			resp, err := http.Get(srv.URL)
			if tt.reset {
				require.Error(t, err, "the client gets no answer")
			} else {
				require.NoError(t, err)
				defer resp.Body.Close()
				assert.Equal(t, tt.status, resp.StatusCode)
				if tt.code != "" {
					body, _ := io.ReadAll(resp.Body)
					assert.Contains(t, string(body), tt.code)
				}
			}
			assert.Equal(t, before+tt.handledPlus, handled.Load())
		})
	}
}
