package fc

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// Config says which Function Compute endpoint a Client talks to and how.
type Config struct {
	// Endpoint is the scheme and host, e.g. "http://127.0.0.1:9000" or
	// "https://1234.cn-hangzhou.fc.aliyuncs.com"; the client appends /2016-08-15.
	Endpoint    string
	AccountID   string // sent as x-fc-account-id
	Region      string
	Credentials Credentials
	HTTPClient  *http.Client  // nil: a default with keep-alive pooling
	Timeout     time.Duration // per request attempt; 0: 60s
	// MaxRetries caps the retries of one request; 0: no cap but RetryFor;
	// negative: no retries at all.
	MaxRetries int
	// RetryFor is how long one request is retried in all, so that an
	// endpoint down or throttling for that long is ridden out; 0: 30s.
	RetryFor  time.Duration
	UserAgent string
	// MaxConcurrency bounds the requests in flight; the bound halves when
	// the server throttles and grows back as requests succeed (see
	// limiter). 0: DefaultMaxConcurrency.
	MaxConcurrency int
}

// Defaults of Config.
const (
	DefaultClientTimeout = 60 * time.Second
	DefaultRetryFor      = 30 * time.Second
	DefaultUserAgent     = "fcdeploy"
)

// Backoff of retries: exponential with full jitter.
const (
	retryBaseDelay = 100 * time.Millisecond
	retryMaxDelay  = 5 * time.Second
)

// maxErrorMessage bounds the body prefix quoted when an error body is not JSON.
const maxErrorMessage = 256

// Client calls the Function Compute 2016-08-15 API. It is safe for
// concurrent use.
type Client struct {
	base       string // Endpoint + "/2016-08-15", escaped form
	account    string
	creds      Credentials
	hc         *http.Client
	timeout    time.Duration
	maxRetries int // 0: no cap; -1: none
	retryFor   time.Duration
	userAgent  string
	lim        *limiter

	// Unexported so that tests can make backoff fast and dates fixed.
	baseDelay, maxDelay time.Duration
	now                 func() time.Time

	requests, reads, writes, bytesSent, codeBytes atomic.Int64
}

// Stats are a Client's counters since its creation.
type Stats struct {
	Requests          int64 // attempts sent, retries included
	Reads             int64 // GET attempts
	Writes            int64 // non-GET attempts
	BytesSent         int64 // request body bytes
	CodeBytesUploaded int64 // decoded zip bytes sent by Create/UpdateFunction
	// Throttled counts attempts the server refused for load (429, or a
	// throttling code); each was retried after a backoff.
	Throttled int64
	// ConcurrencyLimit is the current bound on requests in flight,
	// LowestConcurrencyLimit the lowest it went, and ConcurrencyDecreases
	// how many times throttling halved it.
	ConcurrencyLimit, LowestConcurrencyLimit int
	ConcurrencyDecreases                     int64
}

// NewClient checks cfg and returns a Client for it.
func NewClient(cfg Config) (*Client, error) {
	if cfg.Endpoint == "" {
		return nil, errors.New("fc: client config: endpoint is empty")
	}
	u, err := url.Parse(cfg.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("fc: client config: endpoint: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("fc: client config: endpoint %q must be an http or https URL with a host", cfg.Endpoint)
	}
	if cfg.Credentials.AccessKeyID == "" || cfg.Credentials.AccessKeySecret == "" {
		return nil, errors.New("fc: client config: credentials need an access key id and secret")
	}
	c := &Client{
		base:       strings.TrimSuffix(u.Scheme+"://"+u.Host+u.EscapedPath(), "/") + "/" + APIVersion,
		account:    cfg.AccountID,
		creds:      cfg.Credentials,
		hc:         cfg.HTTPClient,
		timeout:    cfg.Timeout,
		maxRetries: cfg.MaxRetries,
		retryFor:   cfg.RetryFor,
		userAgent:  cfg.UserAgent,
		lim:        newLimiter(cfg.MaxConcurrency),
		baseDelay:  retryBaseDelay,
		maxDelay:   retryMaxDelay,
		now:        time.Now,
	}
	if c.hc == nil {
		// A transport of our own so that pooling settings do not depend on
		// what else in the process changed http.DefaultTransport.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 32
		c.hc = &http.Client{Transport: tr}
	}
	if c.timeout <= 0 {
		c.timeout = DefaultClientTimeout
	}
	if c.maxRetries < 0 {
		c.maxRetries = -1
	}
	if c.retryFor <= 0 {
		c.retryFor = DefaultRetryFor
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	return c, nil
}

// Stats returns the counters since the client was created.
func (c *Client) Stats() Stats {
	limit, lowest, throttled, decreases := c.lim.stats()
	return Stats{
		Requests:               c.requests.Load(),
		Reads:                  c.reads.Load(),
		Writes:                 c.writes.Load(),
		BytesSent:              c.bytesSent.Load(),
		CodeBytesUploaded:      c.codeBytes.Load(),
		Throttled:              throttled,
		ConcurrencyLimit:       int(limit),
		LowestConcurrencyLimit: int(lowest),
		ConcurrencyDecreases:   decreases,
	}
}

// call is one API operation as the transport sees it.
type call struct {
	op      string // operation name for errors, e.g. "GetFunction"
	subject string // e.g. "shop/checkout"
	method  string
	path    string // escaped, below the API version
	query   url.Values
	body    []byte
	ctype   string // Content-Type of body
	ifMatch string
	header  http.Header // extra headers (invocation)
	// codeBytes is counted in Stats once the request was sent.
	codeBytes int64
	// unsigned marks a URL that authenticates itself (code downloads).
	unsigned bool
	rawURL   string // full URL instead of base+path
}

// result is a successful response.
type result struct {
	status int
	header http.Header
	body   []byte
}

// subjectErr names the operation and its subject in front of err.
func (k *call) errorf(err error) error {
	if k.subject == "" {
		return fmt.Errorf("fc: %s: %w", k.op, err)
	}
	return fmt.Errorf("fc: %s %s: %w", k.op, k.subject, err)
}

// retryable reports whether the request may be sent again after err:
// reads, and writes guarded by If-Match (a repeat is refused with 412 rather
// than applied twice), always; any other write only when the server cannot
// have applied it: the connection was never made, or it was throttled.
func (k *call) retryable(err error) bool {
	switch k.method {
	case http.MethodGet, http.MethodHead:
		return true
	case http.MethodPut, http.MethodDelete:
		if k.ifMatch != "" {
			return true
		}
	}
	return neverSent(err) || IsThrottled(err)
}

// do sends k, retrying what is worth it with capped exponential backoff and
// full jitter for up to RetryFor, and returns the 2xx response or an error.
func (c *Client) do(ctx context.Context, k *call) (*result, error) {
	start := time.Now()
	for attempt := 0; ; attempt++ {
		res, err, again := c.attempt(ctx, k)
		if err == nil {
			return res, nil
		}
		if !again || !k.retryable(err) || c.maxRetries < 0 || (c.maxRetries > 0 && attempt >= c.maxRetries) {
			return nil, k.errorf(err)
		}
		delay := c.backoff(attempt)
		if time.Since(start)+delay > c.retryFor {
			return nil, k.errorf(fmt.Errorf("%w (gave up after %d attempts in %v)", err, attempt+1, time.Since(start).Round(time.Millisecond)))
		}
		if werr := c.wait(ctx, delay); werr != nil {
			return nil, k.errorf(fmt.Errorf("%w (while waiting to retry after: %v)", werr, err))
		}
	}
}

// backoff is the full-jitter delay before retry number attempt+1: uniform
// up to min(maxDelay, baseDelay*2^attempt).
func (c *Client) backoff(attempt int) time.Duration {
	ceiling := c.maxDelay
	if attempt < 30 {
		if d := c.baseDelay << attempt; d > 0 && d < ceiling {
			ceiling = d
		}
	}
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}

// wait sleeps d, or until ctx ends.
func (c *Client) wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// attempt sends k once. again says whether the failure is one worth
// retrying (throttling, server errors, broken connections).
func (c *Client) attempt(ctx context.Context, k *call) (res *result, err error, again bool) {
	if err := ctx.Err(); err != nil {
		return nil, err, false
	}
	// Waiting for a slot is not part of the attempt's timeout.
	epoch, err := c.lim.acquire(ctx)
	if err != nil {
		return nil, err, false
	}
	end := noAnswer
	defer func() { c.lim.release(epoch, end) }()
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	req, err := c.newRequest(actx, k)
	if err != nil {
		return nil, err, false
	}
	c.requests.Add(1)
	if k.method == http.MethodGet {
		c.reads.Add(1)
	} else {
		c.writes.Add(1)
	}
	c.bytesSent.Add(int64(len(k.body)))
	c.codeBytes.Add(k.codeBytes)

	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, actx, err), isConnectionError(err) && ctx.Err() == nil && actx.Err() == nil
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("reading the response: %w", c.transportError(ctx, actx, err)), isConnectionError(err) && ctx.Err() == nil && actx.Err() == nil
	}
	end = answered
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := decodeError(resp, body)
		if IsThrottled(apiErr) {
			end = throttled
		}
		return nil, apiErr, IsRetryable(apiErr)
	}
	return &result{status: resp.StatusCode, header: resp.Header, body: body}, nil, false
}

// transportError says "timed out" when the attempt's own deadline ended it,
// so callers can tell it from their context ending.
func (c *Client) transportError(ctx, actx context.Context, err error) error {
	if ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("no answer within the %v request timeout: %w", c.timeout, context.DeadlineExceeded)
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		// url.Error repeats method and URL; the operation already names them.
		return uerr.Err
	}
	return err
}

// neverSent reports whether err means the connection was never made, so
// the server cannot have seen the request.
func neverSent(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// isConnectionError reports whether err means the request never got an
// answer because the connection failed (refused, reset, closed early).
func isConnectionError(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

func (c *Client) newRequest(ctx context.Context, k *call) (*http.Request, error) {
	u := k.rawURL
	if u == "" {
		u = c.base + k.path
	}
	if len(k.query) > 0 {
		u += "?" + k.query.Encode()
	}
	var body io.Reader
	if k.body != nil {
		body = bytes.NewReader(k.body)
	}
	req, err := http.NewRequestWithContext(ctx, k.method, u, body)
	if err != nil {
		return nil, err
	}
	for name, vs := range k.header {
		for _, v := range vs {
			req.Header.Add(name, v)
		}
	}
	req.Header.Set("User-Agent", c.userAgent)
	if k.unsigned {
		return req, nil
	}
	req.Header.Set(HeaderDate, c.now().UTC().Format(http.TimeFormat))
	req.Header.Set(HeaderAccountID, c.account)
	if k.body != nil {
		req.Header.Set("Content-Type", k.ctype)
		req.Header.Set("Content-MD5", contentMD5(k.body))
	}
	if k.ifMatch != "" {
		req.Header.Set("If-Match", k.ifMatch)
	}
	SignRequest(req, c.creds, c.now())
	return req, nil
}

// contentMD5 is what @alicloud/fc2 sends: base64 of the hex md5 string.
func contentMD5(b []byte) string {
	sum := md5.Sum(b)
	return base64.StdEncoding.EncodeToString([]byte(hex.EncodeToString(sum[:])))
}

// decodeError turns a non-2xx response into an *APIError.
func decodeError(resp *http.Response, body []byte) *APIError {
	e := &APIError{HTTPStatus: resp.StatusCode, RequestID: resp.Header.Get(HeaderRequestID)}
	var wire struct {
		Code    string `json:"ErrorCode"`
		Message string `json:"ErrorMessage"`
	}
	if err := json.Unmarshal(body, &wire); err == nil && (wire.Code != "" || wire.Message != "") {
		e.Code, e.Message = wire.Code, wire.Message
		return e
	}
	msg := strings.TrimSpace(string(body))
	if len(msg) > maxErrorMessage {
		msg = strings.ToValidUTF8(msg[:maxErrorMessage], "") + "..."
	}
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	e.Message = msg
	return e
}

// sendJSON encodes in as the body of k, sends it and decodes the answer into
// out (if not nil). It returns the response's ETag.
func (c *Client) sendJSON(ctx context.Context, k *call, in, out any) (string, error) {
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return "", k.errorf(fmt.Errorf("encoding the request: %w", err))
		}
		k.body, k.ctype = b, "application/json"
	}
	res, err := c.do(ctx, k)
	if err != nil {
		return "", err
	}
	if out != nil {
		if err := json.Unmarshal(res.body, out); err != nil {
			return "", k.errorf(fmt.Errorf("decoding the response (HTTP %d, request %s): %w", res.status, res.header.Get(HeaderRequestID), err))
		}
	}
	return res.header.Get("ETag"), nil
}

// esc escapes one path segment.
func esc(s string) string { return url.PathEscape(s) }

// servicePath is /services/{service} or /services/{service}.{qualifier}.
func servicePath(service, qualifier string) string {
	if qualifier != "" {
		return "/services/" + esc(service) + "." + esc(qualifier)
	}
	return "/services/" + esc(service)
}

// qualified names service with its qualifier for errors: shop.live.
func qualified(service, qualifier string) string {
	if qualifier != "" {
		return service + "." + qualifier
	}
	return service
}

func listQuery(opt ListOptions) url.Values {
	q := url.Values{}
	if opt.Limit > 0 {
		q.Set("limit", fmt.Sprint(opt.Limit))
	}
	if opt.NextToken != "" {
		q.Set("nextToken", opt.NextToken)
	}
	if opt.Prefix != "" {
		q.Set("prefix", opt.Prefix)
	}
	if opt.StartKey != "" {
		q.Set("startKey", opt.StartKey)
	}
	return q
}
