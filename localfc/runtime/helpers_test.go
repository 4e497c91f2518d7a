package runtime

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/stretchr/testify/require"
)

// needInterpreter skips when the interpreter is missing, except on CI where
// a missing interpreter must fail loudly.
func needInterpreter(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required on CI: %v", name, err)
		}
		t.Skipf("skipping: %s is not installed (%v)", name, err)
	}
}

func newPool(t testing.TB, cfg Config) *Pool {
	t.Helper()
	if cfg.CacheDir == "" {
		cfg.CacheDir = t.TempDir()
	}
	p, err := NewPool(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// file is one zip entry of a test function.
type file struct {
	name string
	body string
	mode os.FileMode
}

func makeZip(t testing.TB, files ...file) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		h := &zip.FileHeader{Name: f.name, Method: zip.Deflate}
		mode := f.mode
		if mode == 0 {
			mode = 0o644
		}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		require.NoError(t, err)
		_, err = w.Write([]byte(f.body))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// fn builds a request for a function whose code is the given files.
func fn(t testing.TB, runtime, handler string, files ...file) Request {
	zipBytes := makeZip(t, files...)
	return Request{
		AccountID:    "111111",
		Service:      "svc",
		Function:     "fn",
		Runtime:      runtime,
		Handler:      handler,
		Timeout:      10,
		MemorySize:   256,
		CodeChecksum: fc.CodeChecksum(zipBytes),
		CodeSHA256:   sha256Hex(zipBytes),
		Code:         func() ([]byte, error) { return zipBytes, nil },
		RequestID:    "req-1",
	}
}

func py(body string) file { return file{name: "index.py", body: body} }
func js(body string) file { return file{name: "index.js", body: body} }

func invoke(t testing.TB, p *Pool, req Request) *Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := p.Invoke(ctx, req)
	require.NoError(t, err)
	return res
}

func errorBody(t *testing.T, res *Result) (message, typ string, stack []string) {
	t.Helper()
	var b struct {
		ErrorMessage string   `json:"errorMessage"`
		ErrorType    string   `json:"errorType"`
		StackTrace   []string `json:"stackTrace"`
	}
	require.NoError(t, json.Unmarshal(res.Body, &b), "body %q", res.Body)
	return b.ErrorMessage, b.ErrorType, b.StackTrace
}
