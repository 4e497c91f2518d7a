package localfc

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

// loopback is a Server over a BoltStore on a real 127.0.0.1 port with a
// keep-alive client, signing with fc.SignRequest only, so the numbers do
// not depend on the client package.
type loopback struct {
	b      *testing.B
	url    string
	creds  fc.Credentials
	client *http.Client
}

const benchClients = 32

func newLoopback(b *testing.B) *loopback {
	b.Helper()
	st, err := store.Open(filepath.Join(b.TempDir(), StoreFileName))
	if err != nil {
		b.Fatal(err)
	}
	creds := fc.Credentials{AccessKeyID: "benchKey", AccessKeySecret: "benchSecret"}
	ts := httptest.NewServer(New(Config{Store: st, Credentials: map[string]string{creds.AccessKeyID: creds.AccessKeySecret}}))
	tr := &http.Transport{MaxIdleConns: 2 * benchClients, MaxIdleConnsPerHost: 2 * benchClients}
	b.Cleanup(func() { tr.CloseIdleConnections(); ts.Close(); st.Close() })
	return &loopback{b: b, url: ts.URL, creds: creds, client: &http.Client{Transport: tr}}
}

// do sends one signed request and returns status and ETag; it drains the
// body so the connection is reused.
func (l *loopback) do(method, path string, body []byte, ifMatch string) (int, string) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, l.url+path, rd)
	if err != nil {
		l.b.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set(fc.HeaderAccountID, testAccount)
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	fc.SignRequest(req, l.creds, time.Now())
	resp, err := l.client.Do(req)
	if err != nil {
		l.b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("ETag")
}

func (l *loopback) must(method, path, body string) string {
	status, etag := l.do(method, path, []byte(body), "")
	if status != 200 {
		l.b.Fatalf("%s %s: %d", method, path, status)
	}
	return etag
}

// setup creates service bench with n functions f000..f(n-1).
func (l *loopback) setup(n int) {
	l.must("POST", api+"/services", `{"serviceName":"bench"}`)
	zip := encodeZip(l.b, "def handler(e, c): return e")
	for i := range n {
		l.must("POST", api+"/services/bench/functions",
			fmt.Sprintf(`{"functionName":"f%03d","runtime":"python3","handler":"index.handler","code":{"zipFile":%q}}`, i, zip))
	}
}

func reportRate(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

func BenchmarkLoopbackGetFunction(b *testing.B) {
	l := newLoopback(b)
	l.setup(1)
	b.SetParallelism(benchClients / max(1, runtimeProcs()))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if status, _ := l.do("GET", api+"/services/bench/functions/f000", nil, ""); status != 200 {
				b.Errorf("GetFunction: %d", status)
			}
		}
	})
	reportRate(b)
}

func BenchmarkLoopbackListFunctions(b *testing.B) {
	l := newLoopback(b)
	l.setup(100)
	b.SetParallelism(benchClients / max(1, runtimeProcs()))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if status, _ := l.do("GET", api+"/services/bench/functions?limit=100", nil, ""); status != 200 {
				b.Errorf("ListFunctions: %d", status)
			}
		}
	})
	reportRate(b)
}

// BenchmarkLoopbackUpdateFunction: each client updates its own function
// with If-Match, carrying the ETag of its last update forward. Every
// answered update is durable (the store commits before answering).
func BenchmarkLoopbackUpdateFunction(b *testing.B) {
	l := newLoopback(b)
	l.setup(0)
	par := benchClients / max(1, runtimeProcs())
	zip := encodeZip(b, "x")
	var next atomic.Int64
	b.SetParallelism(par)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		name := fmt.Sprintf("u%03d", next.Add(1))
		l.must("POST", api+"/services/bench/functions",
			fmt.Sprintf(`{"functionName":%q,"runtime":"python3","handler":"index.handler","code":{"zipFile":%q}}`, name, zip))
		_, etag := l.do("GET", api+"/services/bench/functions/"+name, nil, "")
		i := 0
		for pb.Next() {
			i++
			status, newTag := l.do("PUT", api+"/services/bench/functions/"+name,
				[]byte(`{"description":"update `+strconv.Itoa(i)+`"}`), etag)
			if status != 200 {
				b.Errorf("UpdateFunction: %d", status)
				return
			}
			etag = newTag
		}
	})
	reportRate(b)
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }
