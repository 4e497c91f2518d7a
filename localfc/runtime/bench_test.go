package runtime

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// reportLatencies adds p50/p99 (ms) of the recorded calls to the benchmark.
func reportLatencies(b *testing.B, ds []time.Duration) {
	slices.Sort(ds)
	pct := func(q float64) float64 {
		return float64(ds[min(len(ds)-1, int(q*float64(len(ds))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// BenchmarkWarmInvokePython measures Pool.Invoke of a trivial python3
// function on warm instances, with 1 and 8 concurrent callers (the pool
// default of 4 instances per function).
func BenchmarkWarmInvokePython(b *testing.B) {
	needInterpreter(b, "python3")
	for _, callers := range []int{1, 8} {
		b.Run(fmt.Sprintf("callers=%d", callers), func(b *testing.B) {
			p := newPool(b, Config{})
			req := fn(b, "python3", "index.handler", py("def handler(event, context):\n    return 'hello world'\n"))
			req.Event = []byte(`{"key":"value"}`)
			var wg sync.WaitGroup
			for range callers { // start the instances before timing
				wg.Go(func() { invoke(b, p, req) })
			}
			wg.Wait()
			var mu sync.Mutex
			durations := make([]time.Duration, 0, b.N)
			var next atomic.Int64
			b.ResetTimer()
			start := time.Now()
			for range callers {
				wg.Go(func() {
					local := []time.Duration{}
					for next.Add(1) <= int64(b.N) {
						t0 := time.Now()
						res, err := p.Invoke(context.Background(), req)
						if err != nil || res.ErrorType != "" {
							b.Errorf("invoke: %v %s", err, res.Body)
							return
						}
						local = append(local, time.Since(t0))
					}
					mu.Lock()
					durations = append(durations, local...)
					mu.Unlock()
				})
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			reportLatencies(b, durations)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "invokes/s")
		})
	}
}

// BenchmarkColdStartPython measures an invocation that has to start a new
// python3 instance (code already unpacked): every iteration changes the
// configuration, so no warm instance matches.
func BenchmarkColdStartPython(b *testing.B) {
	needInterpreter(b, "python3")
	p := newPool(b, Config{})
	req := fn(b, "python3", "index.handler", py("def handler(event, context):\n    return 'hello world'\n"))
	invoke(b, p, req) // unpack the code and resolve the interpreter
	durations := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		req.Env = map[string]string{"ITERATION": strconv.Itoa(i)}
		t0 := time.Now()
		invoke(b, p, req)
		durations = append(durations, time.Since(t0))
	}
	b.StopTimer()
	reportLatencies(b, durations)
}

// BenchmarkColdStartNode is BenchmarkColdStartPython for nodejs14.
func BenchmarkColdStartNode(b *testing.B) {
	needInterpreter(b, "node")
	p := newPool(b, Config{})
	req := fn(b, "nodejs14", "index.handler", js("exports.handler = (e, c, cb) => cb(null, 'hello world');"))
	invoke(b, p, req)
	durations := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		req.Env = map[string]string{"ITERATION": strconv.Itoa(i)}
		t0 := time.Now()
		invoke(b, p, req)
		durations = append(durations, time.Since(t0))
	}
	b.StopTimer()
	reportLatencies(b, durations)
}
