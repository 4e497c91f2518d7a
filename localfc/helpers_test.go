package localfc

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

const testAccount = "1234567890"

// testEnv is a real Server over a BoltStore on a loopback port.
type testEnv struct {
	t      testing.TB
	url    string
	host   string // host:port
	creds  fc.Credentials
	server *Server
	clock  atomic.Int64 // unix nanos the server sees as now; 0: time.Now
}

func newTestEnv(t testing.TB, configure ...func(*Config)) *testEnv {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), StoreFileName))
	require.NoError(t, err)
	e := &testEnv{t: t, creds: fc.Credentials{AccessKeyID: "testKey", AccessKeySecret: "testSecret"}}
	cfg := Config{
		Store:       st,
		Credentials: map[string]string{e.creds.AccessKeyID: e.creds.AccessKeySecret},
		// The tests' key is the data directory's kind of key: any account.
		KeyAccounts: map[string][]string{e.creds.AccessKeyID: {AnyAccount}},
		Now: func() time.Time {
			if n := e.clock.Load(); n != 0 {
				return time.Unix(0, n)
			}
			return time.Now()
		},
	}
	for _, c := range configure {
		c(&cfg)
	}
	e.server = New(cfg)
	ts := httptest.NewServer(e.server)
	t.Cleanup(func() { ts.Close(); st.Close() })
	e.url = ts.URL
	e.host = strings.TrimPrefix(ts.URL, "http://")
	return e
}

// reply is a response read whole.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) json(t testing.TB, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.body, v), "body: %s", r.body)
}

// errorCode decodes a wire error body.
func (r reply) errorCode(t testing.TB) string {
	t.Helper()
	var e struct{ ErrorCode, ErrorMessage string }
	r.json(t, &e)
	return e.ErrorCode
}

// request builds a signed request the way the Node SDK does (JSON bodies
// as application/json, x-fc-account-id set); mutate may change it before
// signing.
func (e *testEnv) request(method, path string, body any, mutate ...func(*http.Request)) *http.Request {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		require.NoError(e.t, err)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	require.NoError(e.t, err)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set(fc.HeaderAccountID, testAccount)
	for _, m := range mutate {
		m(req)
	}
	if req.Header.Get(unsignedMarker) != "" {
		req.Header.Del(unsignedMarker)
	} else if req.Header.Get("Authorization") == "" {
		fc.SignRequest(req, e.creds, time.Now())
	}
	return req
}

func (e *testEnv) send(req *http.Request) reply {
	e.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	return reply{status: resp.StatusCode, header: resp.Header, body: data}
}

func (e *testEnv) do(method, path string, body any, mutate ...func(*http.Request)) reply {
	e.t.Helper()
	return e.send(e.request(method, path, body, mutate...))
}

func withIfMatch(etag string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("If-Match", etag) }
}

// testZip is a small valid zip with one file.
func testZip(t testing.TB, content string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	f, err := w.Create("index.py")
	require.NoError(t, err)
	_, err = f.Write([]byte(content))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Bytes()
}

func functionBody(t testing.TB, name string) map[string]any {
	return map[string]any{
		"functionName": name, "runtime": "python3", "handler": "index.handler",
		"code": map[string]any{"zipFile": base64.StdEncoding.EncodeToString(testZip(t, "def handler(e, c): return e"))},
	}
}

// mustOK creates what a test needs and fails loudly if the server refuses.
func (e *testEnv) mustOK(method, path string, body any) reply {
	e.t.Helper()
	r := e.do(method, path, body)
	require.Less(e.t, r.status, 300, "%s %s: %d %s", method, path, r.status, r.body)
	return r
}

const api = "/2016-08-15"

// unsignedMarker asks request to leave the request unsigned.
const unsignedMarker = "X-Test-Unsigned"

func unsigned(r *http.Request) { r.Header.Set(unsignedMarker, "1") }

func encodeZip(t testing.TB, content string) string {
	return base64.StdEncoding.EncodeToString(testZip(t, content))
}
