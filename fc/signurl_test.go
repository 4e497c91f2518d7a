package fc_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/localfctest"
)

// The signing vector of wire-protocol.md is exactly what SignURL computes
// for its inputs (reference section 10.2).
func TestSignURLSignsTheSpecVector(t *testing.T) {
	c, err := fc.NewClient(fc.Config{Endpoint: "https://123.cn-hangzhou.fc.aliyuncs.com", Credentials: fc.Credentials{
		AccessKeyID: "akID", AccessKeySecret: "S9MWOBG0AOWHSO9HPASP216QOPHT5YR4NLH3A", SecurityToken: "stsToken",
	}})
	require.NoError(t, err)
	h := http.Header{}
	h.Set("Content-MD5", "ef5b43a0fe1d5b401b62c3ba33a7a3d6")
	h.Set("Content-Type", "text/json")
	h.Set("X-Fc-Trace-Id", "trace-id")
	raw, err := c.SignURL(fc.SignURLInput{
		ServiceName: "service", Qualifier: "LATEST", FunctionName: "func", EscapedPath: "/abc%20123",
		Expires: time.Unix(1583221068, 0), Header: h,
		Queries: url.Values{"a": {"123 45"}, "x": {"xyz", "456"}, fc.QueryExpires: {"overridden"}},
	})
	require.NoError(t, err)
	u, err := url.Parse(raw)
	require.NoError(t, err)
	assert.Equal(t, "/2016-08-15/proxy/service.LATEST/func/abc%20123", u.EscapedPath())
	q := u.Query()
	assert.Equal(t, "QFdNhz0Dl+onUM/MvpX940WFH3H8OHayZHbby1c01aI=", q.Get(fc.QuerySignature))
	assert.Equal(t, "1583221068", q.Get(fc.QueryExpires), "the expiry replaces a caller's value")
	assert.Equal(t, "akID", q.Get(fc.QueryAccessKeyID))
	assert.Equal(t, "stsToken", q.Get(fc.QuerySTSToken))
	assert.Equal(t, []string{"xyz", "456"}, q["x"])
}

func TestSignURLWithACustomEndpointSignsThePathAlone(t *testing.T) {
	c, err := fc.NewClient(fc.Config{Endpoint: "http://127.0.0.1:1", Credentials: fc.Credentials{AccessKeyID: "ak", AccessKeySecret: "sk"}})
	require.NoError(t, err)
	exp := time.Unix(1700000000, 0)
	raw, err := c.SignURL(fc.SignURLInput{CustomEndpoint: "https://api.example.com/", EscapedPath: "/a%2Fb", Expires: exp})
	require.NoError(t, err)
	u, err := url.Parse(raw)
	require.NoError(t, err)
	assert.Equal(t, "api.example.com", u.Host)
	assert.Equal(t, "/a%2Fb", u.EscapedPath())
	q := u.Query()
	sig := q.Get(fc.QuerySignature)
	q.Del(fc.QuerySignature)
	want := fc.Signature("sk", "GET\n\n\n1700000000\n/a/b\nx-fc-access-key-id=ak\nx-fc-expires=1700000000")
	assert.Equal(t, want, sig)
	assert.Empty(t, q.Get(fc.QuerySTSToken), "no token without STS credentials")
}

func TestSignURLRefusesMissingNamesAndExpiry(t *testing.T) {
	c, err := fc.NewClient(fc.Config{Endpoint: "http://127.0.0.1:1", Credentials: fc.Credentials{AccessKeyID: "ak", AccessKeySecret: "sk"}})
	require.NoError(t, err)
	_, err = c.SignURL(fc.SignURLInput{FunctionName: "f", Expires: time.Now()})
	assert.ErrorContains(t, err, "service and function names are required")
	_, err = c.SignURL(fc.SignURLInput{ServiceName: "s", FunctionName: "f"})
	assert.ErrorContains(t, err, "expiry time is required")
}

// A signed URL opens an HTTP trigger with authType "function" without any
// Authorization header; tampering or expiry closes it. The test server has
// no runtimes, so a request that passed authentication answers 501.
func TestASignedURLPassesTheLocalServersAuthenticationUntilItExpires(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	inst := localfctest.Start(t)
	c, err := fc.NewClient(inst.Config())
	require.NoError(t, err)
	_, err = c.CreateService(ctx, fc.ServiceInput{ServiceName: "web"})
	require.NoError(t, err)
	_, err = c.CreateFunction(ctx, "web", fc.FunctionInput{FunctionName: "page", Runtime: ptr("python3"), Handler: ptr("index.handler"), Code: code(zipOf(t, "index.py", "x"))})
	require.NoError(t, err)
	_, err = c.CreateTrigger(ctx, "web", "page", fc.TriggerInput{TriggerName: "http", TriggerType: "http", TriggerConfig: []byte(`{"authType":"function","methods":["GET"]}`)})
	require.NoError(t, err)

	get := func(u string) (int, string) {
		t.Helper()
		resp, err := http.Get(u)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	status, body := get(inst.URL + "/2016-08-15/proxy/web/page/hello?x=1")
	assert.Equal(t, http.StatusForbidden, status, "an unsigned request is refused: %s", body)

	signed, err := c.SignURL(fc.SignURLInput{ServiceName: "web", FunctionName: "page", EscapedPath: "/hello", Queries: url.Values{"x": {"1"}}, Expires: time.Now().Add(time.Minute)})
	require.NoError(t, err)
	status, body = get(signed)
	assert.Equal(t, http.StatusNotImplemented, status, "authentication passed, then the runtime-less server answers 501: %s", body)

	status, body = get(strings.Replace(signed, "x=1", "x=2", 1))
	assert.Equal(t, http.StatusForbidden, status, "a changed query breaks the signature")
	assert.Contains(t, body, fc.CodeSignatureNotMatch)

	expired, err := c.SignURL(fc.SignURLInput{ServiceName: "web", FunctionName: "page", Expires: time.Now().Add(-time.Minute)})
	require.NoError(t, err)
	status, body = get(expired)
	assert.Equal(t, http.StatusForbidden, status)
	assert.Contains(t, body, "expired")
}
