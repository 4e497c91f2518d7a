package localfc

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	mathrand "math/rand/v2"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/runtime"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

// DefaultAccountID is the account of the embedded local Function Compute.
const DefaultAccountID = "1234567890"

// DefaultRegion is the region the local Function Compute reports.
const DefaultRegion = "local"

// DefaultMaxBodyBytes caps request bodies: a 50 MB zip as base64 plus room
// for the rest of the function's JSON.
const DefaultMaxBodyBytes = (fc.MaxZipSize+2)/3*4 + 1<<20

// Config configures a Server.
type Config struct {
	Store        store.Store
	Credentials  map[string]string // AccessKeyID -> AccessKeySecret accepted by the server
	Now          func() time.Time  // nil: time.Now
	Logger       *slog.Logger      // nil: discard
	MaxBodyBytes int64             // 0: DefaultMaxBodyBytes
	// Runtime runs functions; nil answers InvokeFunction and HTTP triggers
	// with 501 NotImplemented.
	Runtime *runtime.Pool
	// Rand picks between an alias's versions by weight; nil: math/rand.
	Rand func() float64
	// AsyncRetryDelay is the pause before a failed asynchronous invocation
	// runs again, attempt counting from 1; nil: attempt × 500 ms. Tests set
	// it to return 0 so that retries do not wait.
	AsyncRetryDelay func(attempt int) time.Duration
}

// Server is the local Function Compute as an http.Handler.
type Server struct {
	store    store.Store
	creds    map[string]string
	now      func() time.Time
	log      *slog.Logger
	maxBody  int64
	tokenKey []byte // signs code download tokens; new per process

	runtime   *runtime.Pool
	randFloat func() float64
	asyncWake chan struct{} // nudges the async worker after an enqueue
	// asyncRetryDelay is Config.AsyncRetryDelay or defaultAsyncRetryDelay.
	asyncRetryDelay func(attempt int) time.Duration
}

// New returns a Server over cfg.Store.
func New(cfg Config) *Server {
	s := &Server{
		store:   cfg.Store,
		creds:   make(map[string]string, len(cfg.Credentials)),
		now:     cfg.Now,
		log:     cfg.Logger,
		maxBody: cfg.MaxBodyBytes,

		runtime:   cfg.Runtime,
		randFloat: cfg.Rand,
		asyncWake: make(chan struct{}, 1),

		asyncRetryDelay: cfg.AsyncRetryDelay,
	}
	if s.asyncRetryDelay == nil {
		s.asyncRetryDelay = defaultAsyncRetryDelay
	}
	if s.randFloat == nil {
		s.randFloat = mathrand.Float64
	}
	for id, secret := range cfg.Credentials {
		s.creds[id] = secret
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	s.tokenKey = make([]byte, 32)
	rand.Read(s.tokenKey)
	return s
}

// statusWriter remembers the status for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// ServeHTTP answers one API request: request id, routing, auth, account,
// the handler, and the one error mapper.
func (s *Server) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	start := time.Now()
	reqID := newRequestID()
	w := &statusWriter{ResponseWriter: rw}
	w.Header().Set(fc.HeaderRequestID, reqID)
	// Count what the client actually sent (chunked bodies have no length),
	// so the log tells how many bytes a deploy uploaded.
	body := &countingBody{ReadCloser: r.Body}
	if r.Body != nil {
		r.Body = body
	}
	if err := s.serve(w, r, reqID); err != nil {
		s.writeError(w, r, reqID, err)
	}
	if s.log.Enabled(r.Context(), slog.LevelInfo) {
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("path", logPath(r)),
			slog.Int("status", w.status), slog.Duration("duration", time.Since(start)),
			slog.Int64("bytesIn", body.n), slog.String("requestId", reqID))
	}
}

// countingBody counts the bytes read from a request body.
type countingBody struct {
	io.ReadCloser
	n int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	return n, err
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, reqID string) error {
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, s.maxBody)
	}
	if strings.HasPrefix(r.URL.Path, proxyPath) {
		return s.serveProxy(w, r, reqID)
	}
	rt, c, err := parseRequest(r.Method, r.URL.Path)
	if err != nil {
		return err
	}
	if !rt.noAuth {
		if err := s.authenticate(r); err != nil {
			return err
		}
	}
	c.r = r
	c.reqID = reqID
	c.account = accountOf(r)
	resp, err := rt.handle(r.Context(), s, c)
	if err != nil {
		return err
	}
	writeResponse(w, resp)
	return nil
}

// accountOf is x-fc-account-id when present and non-empty, else the first
// label of Host without its port (wire-protocol.md, "Endpoint and paths").
func accountOf(r *http.Request) string {
	if id := r.Header.Get(fc.HeaderAccountID); id != "" {
		return id
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	// A bare address or localhost names no account (the Python SDK and
	// browsers calling HTTP triggers send such hosts): the default one.
	if host == "localhost" || net.ParseIP(strings.Trim(host, "[]")) != nil {
		return DefaultAccountID
	}
	if i := strings.IndexByte(host, '.'); i >= 0 {
		return host[:i]
	}
	return host
}

// newRequestID is a random (version 4) UUID.
func newRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}

// logPath is the request path as logs show it: a download token is a
// credential for ten minutes, so it is left out.
func logPath(r *http.Request) string {
	if strings.HasPrefix(r.URL.Path, apiPrefix+"code/") {
		return apiPrefix + "code/<token>"
	}
	return r.URL.Path
}
