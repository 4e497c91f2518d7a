package localfc

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
)

// FaultsEnv is the environment variable `fcdeploy serve` reads faults from
// when --faults is not given.
const FaultsEnv = "FCDEPLOY_SERVE_FAULTS"

// Faults make the local Function Compute behave like a real endpoint on a
// bad day, so that clients can be tested against it: throttling, server
// errors, broken connections and latency. Rates are shares of requests,
// drawn independently per request.
type Faults struct {
	// Throttle answers 429 ResourceExhausted before handling the request.
	Throttle float64
	// Unavailable answers 503 ResourceThrottled before handling the request.
	Unavailable float64
	// Reset closes the connection without an answer: half of the time
	// before handling the request, half after (the write happened but the
	// client never learns it).
	Reset float64
	// Latency, plus up to Jitter more, is added before each request.
	Latency, Jitter time.Duration
	// Rand draws in [0, 1); nil: math/rand.
	Rand func() float64
}

// ParseFaults reads a fault spec: comma-separated key=value pairs, rates as
// decimals or percentages, durations as Go durations, e.g.
// "429=5%,503=5%,reset=10%,latency=30ms,jitter=10ms". An empty spec is no
// fault.
func ParseFaults(spec string) (Faults, error) {
	var f Faults
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		key, value, ok := strings.Cut(part, "=")
		if !ok {
			return Faults{}, fmt.Errorf("faults %q: %q is not key=value", spec, part)
		}
		var err error
		switch key {
		case "429":
			f.Throttle, err = parseRate(value)
		case "503":
			f.Unavailable, err = parseRate(value)
		case "reset":
			f.Reset, err = parseRate(value)
		case "latency":
			f.Latency, err = time.ParseDuration(value)
		case "jitter":
			f.Jitter, err = time.ParseDuration(value)
		default:
			return Faults{}, fmt.Errorf("faults %q: unknown key %q; use 429, 503, reset, latency or jitter", spec, key)
		}
		if err != nil {
			return Faults{}, fmt.Errorf("faults %q: %s: %w", spec, key, err)
		}
	}
	if f.Throttle+f.Unavailable+f.Reset > 1 {
		return Faults{}, fmt.Errorf("faults %q: the rates add up to more than 100%%", spec)
	}
	if f.Latency < 0 || f.Jitter < 0 {
		return Faults{}, fmt.Errorf("faults %q: latency and jitter cannot be negative", spec)
	}
	return f, nil
}

func parseRate(v string) (float64, error) {
	scale := 1.0
	if s, ok := strings.CutSuffix(v, "%"); ok {
		v, scale = s, 100
	}
	r, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, err
	}
	r /= scale
	if r < 0 || r > 1 {
		return 0, fmt.Errorf("rate %s is not between 0 and 1 (or 0%% and 100%%)", v)
	}
	return r, nil
}

// Active reports whether f injects anything.
func (f Faults) Active() bool {
	return f.Throttle > 0 || f.Unavailable > 0 || f.Reset > 0 || f.Latency > 0 || f.Jitter > 0
}

// String is the spec that ParseFaults reads back.
func (f Faults) String() string {
	var parts []string
	for _, r := range []struct {
		key  string
		rate float64
	}{{"429", f.Throttle}, {"503", f.Unavailable}, {"reset", f.Reset}} {
		if r.rate > 0 {
			parts = append(parts, fmt.Sprintf("%s=%g%%", r.key, r.rate*100))
		}
	}
	if f.Latency > 0 {
		parts = append(parts, "latency="+f.Latency.String())
	}
	if f.Jitter > 0 {
		parts = append(parts, "jitter="+f.Jitter.String())
	}
	return strings.Join(parts, ",")
}

// Wrap returns h with the faults injected in front of it.
func (f Faults) Wrap(h http.Handler) http.Handler {
	if !f.Active() {
		return h
	}
	draw := f.Rand
	if draw == nil {
		draw = rand.Float64
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d := f.Latency + time.Duration(draw()*float64(f.Jitter)); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		x := draw()
		switch {
		case x < f.Throttle:
			writeFault(w, fc.CodeResourceExhausted, "injected fault: too many requests")
		case x < f.Throttle+f.Unavailable:
			writeFault(w, fc.CodeResourceThrottled, "injected fault: the service is throttled")
		case x < f.Throttle+f.Unavailable+f.Reset/2:
			resetConnection(w)
		case x < f.Throttle+f.Unavailable+f.Reset:
			// Handle the request for real, then lose the answer.
			h.ServeHTTP(httptest.NewRecorder(), r)
			resetConnection(w)
		default:
			h.ServeHTTP(w, r)
		}
	})
}

func writeFault(w http.ResponseWriter, code, msg string) {
	e := fc.NewError(code, "%s", msg)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set(fc.HeaderRequestID, newRequestID())
	w.WriteHeader(e.HTTPStatus)
	fmt.Fprintf(w, `{"ErrorCode":%q,"ErrorMessage":%q}`, e.Code, e.Message)
}

// resetConnection closes the client's connection with a TCP reset and no
// answer.
func resetConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0) // RST instead of FIN: the client sees a reset
	}
	conn.Close()
}
