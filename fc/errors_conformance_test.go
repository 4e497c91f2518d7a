package fc_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

// serverWith starts a local Function Compute with cfg adjusted, and a client.
func serverWith(t *testing.T, creds fc.Credentials, adjust func(*localfc.Config)) *fc.Client {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "fc.db"))
	require.NoError(t, err)
	cfg := localfc.Config{Store: st, Credentials: map[string]string{"key": "secret"}, DefaultAccount: "1"}
	if adjust != nil {
		adjust(&cfg)
	}
	ts := httptest.NewServer(localfc.New(cfg))
	t.Cleanup(func() { ts.Close(); st.Close() })
	c, err := fc.NewClient(fc.Config{Endpoint: ts.URL, AccountID: "1", Credentials: creds, MaxRetries: -1})
	require.NoError(t, err)
	return c
}

var goodCreds = fc.Credentials{AccessKeyID: "key", AccessKeySecret: "secret"}

// TestEveryErrorCodeTheLocalServerAnswersReachesTheClientTyped walks the
// error codes of the specification: each is provoked for real and must come
// back as an *fc.APIError with its code and HTTP status.
func TestEveryErrorCodeTheLocalServerAnswersReachesTheClientTyped(t *testing.T) {
	ctx := context.Background()
	c := serverWith(t, goodCreds, func(cfg *localfc.Config) { cfg.MaxBodyBytes = 64 << 10 })
	z := zipOf(t, "index.py", "def handler(e, c):\n    return e\n")
	fn := fc.FunctionInput{FunctionName: "f", Runtime: ptr("python3"), Handler: ptr("index.handler"), Code: code(z)}
	_, err := c.CreateService(ctx, fc.ServiceInput{ServiceName: "s"})
	require.NoError(t, err)
	_, err = c.CreateFunction(ctx, "s", fn)
	require.NoError(t, err)
	tr := fc.TriggerInput{TriggerName: "t", TriggerType: "timer", TriggerConfig: []byte(`{"cronExpression":"@every 5m","enable":true}`)}
	_, err = c.CreateTrigger(ctx, "s", "f", tr)
	require.NoError(t, err)
	v, err := c.PublishVersion(ctx, "s", "", "")
	require.NoError(t, err)
	_, err = c.CreateAlias(ctx, "s", fc.AliasInput{AliasName: "a", VersionID: &v.VersionID})
	require.NoError(t, err)

	tests := []struct {
		name   string
		code   string
		status int
		call   func() error
	}{
		{"a memory size off the 64 MB grid is InvalidArgument", fc.CodeInvalidArgument, 400, func() error {
			_, err := c.UpdateFunction(ctx, "s", "f", fc.FunctionInput{MemorySize: ptr(int32(200))}, "")
			return err
		}},
		{"a body over the server's cap is EntityTooLarge", fc.CodeEntityTooLarge, 400, func() error {
			_, err := c.UpdateFunction(ctx, "s", "f", fc.FunctionInput{Description: ptr(strings.Repeat("x", 100<<10))}, "")
			return err
		}},
		{"a missing service is ServiceNotFound", fc.CodeServiceNotFound, 404, func() error { _, err := c.GetService(ctx, "nope", ""); return err }},
		{"a missing function is FunctionNotFound", fc.CodeFunctionNotFound, 404, func() error { _, err := c.GetFunction(ctx, "s", "", "nope"); return err }},
		{"a missing trigger is TriggerNotFound", fc.CodeTriggerNotFound, 404, func() error { _, err := c.GetTrigger(ctx, "s", "f", "nope"); return err }},
		{"a missing version is VersionNotFound", fc.CodeVersionNotFound, 404, func() error { _, err := c.GetFunction(ctx, "s", "99", "f"); return err }},
		{"a missing alias is AliasNotFound", fc.CodeAliasNotFound, 404, func() error { _, err := c.GetAlias(ctx, "s", "nope"); return err }},
		{"a second service of one name is ServiceAlreadyExists", fc.CodeServiceAlreadyExists, 409, func() error {
			_, err := c.CreateService(ctx, fc.ServiceInput{ServiceName: "s"})
			return err
		}},
		{"a second function is FunctionAlreadyExists", fc.CodeFunctionAlreadyExists, 409, func() error { _, err := c.CreateFunction(ctx, "s", fn); return err }},
		{"a second trigger is TriggerAlreadyExists", fc.CodeTriggerAlreadyExists, 409, func() error { _, err := c.CreateTrigger(ctx, "s", "f", tr); return err }},
		{"a second alias is AliasAlreadyExists", fc.CodeAliasAlreadyExists, 409, func() error {
			_, err := c.CreateAlias(ctx, "s", fc.AliasInput{AliasName: "a", VersionID: &v.VersionID})
			return err
		}},
		{"deleting a service with functions is ServiceNotEmpty", fc.CodeServiceNotEmpty, 409, func() error { return c.DeleteService(ctx, "s", "") }},
		{"deleting a function with triggers is FunctionNotEmpty", fc.CodeFunctionNotEmpty, 409, func() error { return c.DeleteFunction(ctx, "s", "f", "") }},
		{"publishing nothing new is VersionPublishError", fc.CodeVersionPublishError, 409, func() error { _, err := c.PublishVersion(ctx, "s", "", ""); return err }},
		{"a stale If-Match is PreconditionFailed", fc.CodePreconditionFailed, 412, func() error {
			_, err := c.UpdateService(ctx, "s", fc.ServiceInput{Description: ptr("x")}, "stale-etag")
			return err
		}},
		{"invoking on a server without runtimes is NotImplemented", fc.CodeNotImplemented, 501, func() error {
			_, err := c.InvokeFunction(ctx, "s", "", "f", []byte("x"), fc.InvokeOptions{})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			e := fc.AsAPIError(err)
			require.NotNil(t, e, "want an *fc.APIError, got %v", err)
			assert.Equal(t, tt.code, e.Code, e.Message)
			assert.Equal(t, tt.status, e.HTTPStatus)
			assert.NotEmpty(t, e.RequestID, "every error carries the request id")
		})
	}
}

func TestAuthenticationFailuresAreTyped(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		creds  fc.Credentials
		adjust func(*localfc.Config)
		code   string
	}{
		{"an unknown key id is InvalidAccessKeyId", fc.Credentials{AccessKeyID: "other", AccessKeySecret: "secret"}, nil, fc.CodeInvalidAccessKeyID},
		{"a wrong secret is SignatureNotMatch", fc.Credentials{AccessKeyID: "key", AccessKeySecret: "wrong"}, nil, fc.CodeSignatureNotMatch},
		{"a clock 20 minutes off is RequestTimeTooSkewed", goodCreds, func(cfg *localfc.Config) {
			cfg.Now = func() time.Time { return time.Now().Add(20 * time.Minute) }
		}, fc.CodeRequestTimeTooSkewed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := serverWith(t, tt.creds, tt.adjust)
			_, err := c.ListServices(ctx, fc.ListOptions{})
			assert.True(t, fc.IsCode(err, tt.code), "want %s, got %v", tt.code, err)
			assert.Equal(t, http.StatusForbidden, fc.AsAPIError(err).HTTPStatus)
		})
	}
}

func TestAnUnsignedRequestIsAccessDenied(t *testing.T) {
	inst := localfcServer(t)
	resp, err := http.Get(inst + "/2016-08-15/services")
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}

func localfcServer(t *testing.T) string {
	st, err := store.Open(filepath.Join(t.TempDir(), "fc.db"))
	require.NoError(t, err)
	ts := httptest.NewServer(localfc.New(localfc.Config{Store: st}))
	t.Cleanup(func() { ts.Close(); st.Close() })
	return ts.URL
}

// TestRetriesRepeatOnlyRequestsThatAreSafeToRepeat uses a stub that fails
// with 503 twice: reads and If-Match writes get through, creates do not
// repeat.
func TestRetriesRepeatOnlyRequestsThatAreSafeToRepeat(t *testing.T) {
	var hits atomic.Int64
	stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1)%3 != 0 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte(`{"ErrorCode":"InternalServerError","ErrorMessage":"oops"}`))
			return
		}
		w.Header().Set("ETag", "e1")
		w.Write([]byte(`{"serviceName":"s"}`))
	}))
	defer stub.Close()
	c, err := fc.NewClient(fc.Config{Endpoint: stub.URL, AccountID: "1", Credentials: goodCreds})
	require.NoError(t, err)
	ctx := context.Background()

	svc, err := c.GetService(ctx, "s", "")
	require.NoError(t, err, "a read is retried until it succeeds")
	assert.Equal(t, "e1", svc.ETag)
	assert.Equal(t, int64(3), hits.Load())

	_, err = c.UpdateService(ctx, "s", fc.ServiceInput{}, "e1")
	require.NoError(t, err, "a write guarded by If-Match is retried")
	assert.Equal(t, int64(6), hits.Load())

	_, err = c.CreateService(ctx, fc.ServiceInput{ServiceName: "s"})
	assert.True(t, fc.IsCode(err, fc.CodeInternalServerError), "a create that may have been applied is not repeated: %v", err)
	assert.True(t, fc.IsRetryable(err))
	assert.Equal(t, int64(7), hits.Load())
}
