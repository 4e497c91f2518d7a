package localfc

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

// codeURL creates shop/checkout and returns its GetFunctionCode answer.
func codeURL(t *testing.T, e *testEnv) fc.FunctionCode {
	t.Helper()
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "shop"})
	e.mustOK("POST", api+"/services/shop/functions", functionBody(t, "checkout"))
	var code fc.FunctionCode
	e.mustOK("GET", api+"/services/shop/functions/checkout/code", nil).json(t, &code)
	return code
}

func download(t *testing.T, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url) // no Authorization: the token is the credential
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, b
}

func TestTheCodeURLDownloadsTheExactZipWithoutAuthorization(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	code := codeURL(t, e)
	assert.True(t, strings.HasPrefix(code.URL, e.url+api+"/code/"), "the URL is built from the request's host: %s", code.URL)
	status, zip := download(t, code.URL)
	require.Equal(t, 200, status, "body: %s", zip)
	assert.Equal(t, testZip(t, "def handler(e, c): return e"), zip)
	assert.Equal(t, code.Checksum, fc.CodeChecksum(zip))
}

func TestTheCodeURLExpiresAfterTenMinutes(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	code := codeURL(t, e)
	e.clock.Store(time.Now().Add(11 * time.Minute).UnixNano())
	status, body := download(t, code.URL)
	assert.Equal(t, 403, status)
	assert.Contains(t, string(body), "expired")
}

func TestATamperedCodeTokenIsRefused(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	code := codeURL(t, e)
	token := code.URL[strings.LastIndex(code.URL, "/")+1:]
	payload, mac, _ := strings.Cut(token, ".")
	forged := e.server.signCodeRef(codeRef{account: "other", service: "shop", function: "checkout", expires: time.Now().Add(time.Hour)})
	forgedPayload, _, _ := strings.Cut(forged, ".")
	tests := []struct{ name, token string }{
		{"a payload from another token with this token's mac", forgedPayload + "." + mac},
		{"a flipped mac character", payload + "." + flip(mac)},
		{"no mac at all", payload},
		{"garbage", "not-a-token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := download(t, e.url+api+"/code/"+tt.token)
			assert.Equal(t, 403, status)
			assert.Contains(t, string(body), fc.CodeAccessDenied)
		})
	}
}

func TestACodeURLStopsWorkingWhenTheCodeChanges(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	code := codeURL(t, e)
	b := functionBody(t, "checkout")
	delete(b, "functionName")
	b["code"] = map[string]any{"zipFile": encodeZip(t, "new code")}
	e.mustOK("PUT", api+"/services/shop/functions/checkout", b)
	status, _ := download(t, code.URL)
	assert.Equal(t, 404, status)
}

func flip(s string) string {
	if s[0] == 'A' {
		return "B" + s[1:]
	}
	return "A" + s[1:]
}

func TestTheCodeURLKeepsThePortWhenTheHostHeaderHasNone(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "shop"})
	e.mustOK("POST", api+"/services/shop/functions", functionBody(t, "checkout"))
	// The Node SDK sends Host: 127.0.0.1 for an endpoint http://127.0.0.1:PORT.
	r := e.do("GET", api+"/services/shop/functions/checkout/code", nil, func(r *http.Request) { r.Host = "127.0.0.1" })
	require.Equal(t, 200, r.status, "body: %s", r.body)
	var code fc.FunctionCode
	r.json(t, &code)
	assert.True(t, strings.HasPrefix(code.URL, e.url+api+"/code/"), "URL %s keeps the port of %s", code.URL, e.url)
	status, zip := download(t, code.URL)
	assert.Equal(t, 200, status)
	assert.Equal(t, code.Checksum, fc.CodeChecksum(zip))
}

func TestRequestLogsLeaveOutTheDownloadToken(t *testing.T) {
	t.Parallel()
	var logs strings.Builder
	var mu sync.Mutex
	e := newTestEnv(t, func(c *Config) {
		c.Logger = slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
			mu.Lock()
			defer mu.Unlock()
			return logs.Write(p)
		}), nil))
	})
	code := codeURL(t, e)
	status, _ := download(t, code.URL)
	require.Equal(t, 200, status)
	mu.Lock()
	defer mu.Unlock()
	token := code.URL[strings.LastIndex(code.URL, "/")+1:]
	assert.Contains(t, logs.String(), "path=/2016-08-15/code/<token>")
	assert.NotContains(t, logs.String(), token)
	assert.Contains(t, logs.String(), "path=/2016-08-15/services/shop/functions/checkout/code status=200")
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
