package localfc

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// benchInvoke measures warm synchronous invocations of a trivial python3
// function through the real server over loopback HTTP, signed, with
// `callers` concurrent callers, and reports p50, p99 and throughput.
func benchInvoke(b *testing.B, callers int) {
	e := newTestEnv(b, withRuntime(b))
	e.deploy("bench", "f", "index.handler", nil)
	path := "/2016-08-15/services/bench/functions/f/invocations"
	for range 2 * callers { // warm the instances
		if r := invoke(e, path, "x", nil); r.status != http.StatusOK {
			b.Fatalf("warm-up: %d %s", r.status, r.body)
		}
	}
	// Exactly `callers` goroutines share the b.N invocations.
	var mu sync.Mutex
	lat := make([]time.Duration, 0, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 64)
			for next.Add(1) <= int64(b.N) {
				start := time.Now()
				if r := invoke(e, path, "x", nil); r.status != http.StatusOK {
					b.Errorf("invoke: %d %s", r.status, r.body)
					return
				}
				local = append(local, time.Since(start))
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	b.StopTimer()
	reportLatency(b, lat)
}

func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "invokes/s")
}

func BenchmarkWarmInvokeOverHTTP1Caller(b *testing.B) { benchInvoke(b, 1) }

func BenchmarkWarmInvokeOverHTTP8Callers(b *testing.B) { benchInvoke(b, 8) }

// BenchmarkColdStartOverHTTP measures the first invocation of a function
// whose code was never run: unpacking, starting python, importing.
func BenchmarkColdStartOverHTTP(b *testing.B) {
	e := newTestEnv(b, withRuntime(b))
	lat := make([]time.Duration, 0, b.N)
	for i := range b.N {
		b.StopTimer()
		name := fmt.Sprintf("f%d", i)
		e.mustOK("POST", "/2016-08-15/services", map[string]any{"serviceName": "cold" + name})
		e.mustOK("POST", "/2016-08-15/services/cold"+name+"/functions", map[string]any{
			"functionName": name, "runtime": "python3", "handler": "index.handler",
			"code": map[string]any{"zipFile": zipFiles(b, map[string]string{"index.py": pyHandlers + "\n# " + name + "\n"})},
		})
		b.StartTimer()
		start := time.Now()
		if r := invoke(e, "/2016-08-15/services/cold"+name+"/functions/"+name+"/invocations", "x", nil); r.status != http.StatusOK {
			b.Fatalf("invoke: %d %s", r.status, r.body)
		}
		lat = append(lat, time.Since(start))
	}
	reportLatency(b, lat)
}
