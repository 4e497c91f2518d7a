package fc

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testCreds = Credentials{AccessKeyID: "AKID", AccessKeySecret: "very-secret-value"}

// stubClient is a client of h with fast backoff, so retry tests stay quick.
func stubClient(t *testing.T, h http.HandlerFunc, adjust func(*Config)) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg := Config{Endpoint: srv.URL, AccountID: "123", Credentials: testCreds, UserAgent: "fcdeploy-test"}
	if adjust != nil {
		adjust(&cfg)
	}
	c, err := NewClient(cfg)
	require.NoError(t, err)
	c.baseDelay, c.maxDelay = time.Millisecond, 5*time.Millisecond
	return c
}

func TestRequestsAreEscapedQualifiedAndSignedLikeTheNodeSDK(t *testing.T) {
	t.Parallel()
	var got *http.Request
	var body []byte
	c := stubClient(t, func(w http.ResponseWriter, r *http.Request) {
		got, body = r, must(io.ReadAll(r.Body))
		w.Header().Set("ETag", `"e1"`)
		json.NewEncoder(w).Encode(Function{FunctionName: "check out"})
	}, nil)

	f, err := c.GetFunction(context.Background(), "shop", "live", "check out")
	require.NoError(t, err)
	assert.Equal(t, `"e1"`, f.ETag, "the ETag header fills the ETag field")
	assert.Equal(t, "/2016-08-15/services/shop.live/functions/check%20out", got.URL.EscapedPath())
	assert.Equal(t, "123", got.Header.Get(HeaderAccountID))
	assert.Equal(t, "fcdeploy-test", got.Header.Get("User-Agent"))
	assert.Empty(t, got.Header.Get("Content-Type"), "a GET carries no body type")
	assertSigned(t, got)

	desc := "new"
	_, err = c.UpdateService(context.Background(), "shop", ServiceInput{Description: &desc}, `"e1"`)
	require.NoError(t, err)
	assert.Equal(t, http.MethodPut, got.Method)
	assert.Equal(t, `"e1"`, got.Header.Get("If-Match"))
	assert.Equal(t, "application/json", got.Header.Get("Content-Type"))
	assert.JSONEq(t, `{"description":"new"}`, string(body))
	assert.Equal(t, contentMD5(body), got.Header.Get("Content-MD5"))
	assertSigned(t, got)
}

func assertSigned(t *testing.T, r *http.Request) {
	t.Helper()
	id, sig, ok := ParseAuthorization(r.Header.Get(HeaderAuthorization))
	require.True(t, ok)
	assert.Equal(t, testCreds.AccessKeyID, id)
	assert.Equal(t, Signature(testCreds.AccessKeySecret, StringToSign(r.Method, r.URL.Path, r.Header, r.URL.Query())), sig)
	_, err := time.Parse(http.TimeFormat, r.Header.Get("Date"))
	assert.NoError(t, err, "Date is RFC 1123 GMT")
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestAnErrorBodyThatIsNotJSONBecomesAMessage(t *testing.T) {
	t.Parallel()
	c := stubClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(HeaderRequestID, "req-1")
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, "  <html>bad gateway</html>\n")
	}, func(cfg *Config) { cfg.MaxRetries = -1 })
	_, err := c.GetService(context.Background(), "shop", "")
	e := AsAPIError(err)
	require.NotNil(t, e)
	assert.Equal(t, http.StatusBadGateway, e.HTTPStatus)
	assert.Equal(t, "", e.Code)
	assert.Equal(t, "<html>bad gateway</html>", e.Message)
	assert.Equal(t, "req-1", e.RequestID)
	assert.Contains(t, err.Error(), "GetService service shop")
	assert.NotContains(t, err.Error(), testCreds.AccessKeySecret)
}

func TestRetryPolicy(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		call      func(c *Client) error
		failFirst int
		wantCalls int32
		wantErr   bool
	}{
		{"a GET answered 500 is retried until it succeeds", func(c *Client) error { _, err := c.GetService(context.Background(), "s", ""); return err }, 2, 3, false},
		{"a POST answered 500 is not retried: it may have been applied", func(c *Client) error {
			_, err := c.CreateService(context.Background(), ServiceInput{ServiceName: "s"})
			return err
		}, 1, 1, true},
		{"a PUT with If-Match is retried", func(c *Client) error {
			_, err := c.UpdateService(context.Background(), "s", ServiceInput{}, "e")
			return err
		}, 1, 2, false},
		{"a DELETE without If-Match answered 500 is not retried", func(c *Client) error { return c.DeleteService(context.Background(), "s", "") }, 1, 1, true},
		{"a GET gives up after MaxRetries", func(c *Client) error {
			c.maxRetries = 3
			_, err := c.GetService(context.Background(), "s", "")
			return err
		}, 100, 4, true},
		{"a GET is retried past the old three retries while RetryFor lasts", func(c *Client) error { _, err := c.GetService(context.Background(), "s", ""); return err }, 6, 7, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			c := stubClient(t, func(w http.ResponseWriter, r *http.Request) {
				if int(calls.Add(1)) <= tc.failFirst {
					w.WriteHeader(http.StatusInternalServerError)
					io.WriteString(w, `{"ErrorCode":"InternalServerError","ErrorMessage":"oops"}`)
					return
				}
				io.WriteString(w, `{}`)
			}, nil)
			err := tc.call(c)
			assert.Equal(t, tc.wantCalls, calls.Load())
			assert.Equal(t, int64(tc.wantCalls), c.Stats().Requests)
			if tc.wantErr {
				assert.True(t, IsCode(err, CodeInternalServerError), "got %v", err)
			} else {
				assert.NoError(t, err)
			}
		})
	}
}

func TestAThrottledCreateIsRetriedSinceTheServerDidNothing(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	c := stubClient(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"ErrorCode":"ResourceExhausted","ErrorMessage":"slow down"}`)
			return
		}
		io.WriteString(w, `{"serviceName":"s"}`)
	}, nil)
	_, err := c.CreateService(context.Background(), ServiceInput{ServiceName: "s"})
	require.NoError(t, err)
	assert.Equal(t, int32(3), calls.Load())
}

func TestRetryingGivesUpWhenRetryForRunsOut(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	c := stubClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}, func(cfg *Config) { cfg.RetryFor = 30 * time.Millisecond })
	_, err := c.GetService(context.Background(), "s", "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "gave up after")
	assert.Greater(t, calls.Load(), int32(1))
}

// downDialer refuses connections, as an endpoint that is restarting does,
// until up is closed; it reports each refusal on refused.
type downDialer struct {
	up      chan struct{}
	refused chan struct{}
	d       net.Dialer
}

func (d *downDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	select {
	case <-d.up:
		return d.d.DialContext(ctx, network, addr)
	default:
	}
	select {
	case d.refused <- struct{}{}:
	default:
	}
	return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
}

func TestAnEndpointThatIsDownForAWhileIsRiddenOutEvenByACreate(t *testing.T) {
	t.Parallel()
	dialer := &downDialer{up: make(chan struct{}), refused: make(chan struct{}, 1)}
	var calls atomic.Int32
	c := stubClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		io.WriteString(w, `{"serviceName":"s"}`)
	}, func(cfg *Config) {
		cfg.HTTPClient = &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext}}
	})
	done := make(chan error, 1)
	go func() {
		_, err := c.CreateService(context.Background(), ServiceInput{ServiceName: "s"})
		done <- err
	}()
	for range 3 {
		<-dialer.refused // the endpoint is down for three attempts
	}
	close(dialer.up)
	require.NoError(t, <-done)
	assert.Equal(t, int32(1), calls.Load(), "the create reached the server exactly once")
}

func TestRetryingStopsWhenTheContextEnds(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	c := stubClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}, nil)
	c.baseDelay, c.maxDelay, c.retryFor = time.Hour, time.Hour, 2*time.Hour
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.GetService(ctx, "s", "")
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, int32(1), calls.Load())
}

func TestAnAttemptThatOutlivesTheTimeoutFails(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	c := stubClient(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}, func(cfg *Config) { cfg.Timeout = 30 * time.Millisecond })
	_, err := c.GetService(context.Background(), "s", "")
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded))
	assert.Contains(t, err.Error(), "request timeout")
}

func TestDownloadCodeRefusesBytesWithAnotherChecksum(t *testing.T) {
	t.Parallel()
	c := stubClient(t, func(w http.ResponseWriter, r *http.Request) {
		assert.Empty(t, r.Header.Get(HeaderAuthorization), "a pre-signed URL is not signed again")
		io.WriteString(w, "not the zip")
	}, nil)
	srvURL := c.base[:len(c.base)-len("/"+APIVersion)]
	_, err := c.DownloadCode(context.Background(), &FunctionCode{URL: srvURL + "/code/x?token=secret", Checksum: "42"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), CodeChecksum([]byte("not the zip")))
	assert.Contains(t, err.Error(), "42")
}
