package localfc

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	mathrand "math/rand/v2"
	"net/http"
	"strings"
	"sync"
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
	Store       store.Store
	Credentials map[string]string // AccessKeyID -> AccessKeySecret accepted by the server
	// KeyAccounts binds access keys to the accounts they may use (AnyAccount
	// for all). A key with no entry may use the default account only.
	KeyAccounts map[string][]string
	// DefaultAccount is the account that a request whose Host names none
	// (a bare address, localhost) reaches; "" means DefaultAccountID.
	DefaultAccount string
	Now            func() time.Time // nil: time.Now
	Logger         *slog.Logger     // nil: discard
	MaxBodyBytes   int64            // 0: DefaultMaxBodyBytes
	// Runtime runs functions; nil answers InvokeFunction and HTTP triggers
	// with 501 NotImplemented.
	Runtime *runtime.Pool
	// Rand picks between an alias's versions by weight; nil: math/rand.
	Rand func() float64
	// AsyncRetryDelay is the pause before retry n (1, 2, ...) of a failed
	// asynchronous invocation; nil: defaultAsyncRetryDelay.
	AsyncRetryDelay func(retry int) time.Duration
	// Logs keeps each invocation's log for `fcdeploy logs`; nil: none kept.
	Logs *InvocationLogs
	// NoProvisioning stores provision configs without keeping instances
	// (serve --max-provisioned 0); otherwise each config keeps up to the
	// Runtime pool's MaxProvisionedPerFunction instances warm.
	NoProvisioning bool
	// RateLimit, when set, bounds each account's request rate.
	RateLimit *RateLimiter
}

// Server is the local Function Compute as an http.Handler.
type Server struct {
	store store.Store
	creds map[string]string
	// keyAccounts and defaultAccount: see Config.
	keyAccounts    map[string][]string
	defaultAccount string
	now            func() time.Time
	log            *slog.Logger
	maxBody        int64
	tokenKey       []byte // signs code download tokens; new per process

	runtime    *runtime.Pool
	randFloat  func() float64
	asyncWake  chan struct{} // nudges the async worker after an enqueue
	asyncDelay func(retry int) time.Duration
	logs       *InvocationLogs
	// digests remembers the SHA-256 of code and layer zips (runreq.go).
	digests digestMemo

	// Provisioned instances (provisioner.go): noProvision keeps configs
	// stored only; provisioned is what each slot last got (guarded by
	// provMu, which serializes provisioning).
	noProvision bool
	provMu      sync.Mutex
	provisioned map[string]string
	provFailed  map[string]string // slot -> the error last logged for it
	provWake    chan struct{}

	limiter *RateLimiter
}

// New returns a Server over cfg.Store.
func New(cfg Config) *Server {
	s := &Server{
		store:   cfg.Store,
		creds:   make(map[string]string, len(cfg.Credentials)),
		now:     cfg.Now,
		log:     cfg.Logger,
		maxBody: cfg.MaxBodyBytes,

		keyAccounts:    cfg.KeyAccounts,
		defaultAccount: cfg.DefaultAccount,

		runtime:    cfg.Runtime,
		randFloat:  cfg.Rand,
		asyncWake:  make(chan struct{}, 1),
		asyncDelay: cfg.AsyncRetryDelay,
		logs:       cfg.Logs,

		noProvision: cfg.NoProvisioning,
		provisioned: map[string]string{},
		provFailed:  map[string]string{},
		provWake:    make(chan struct{}, 1),
		limiter:     cfg.RateLimit,
	}
	if s.asyncDelay == nil {
		s.asyncDelay = defaultAsyncRetryDelay
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
	if s.defaultAccount == "" {
		s.defaultAccount = DefaultAccountID
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
	if handled, err := s.serveByHost(w, r, reqID); handled {
		return err
	}
	if strings.HasPrefix(r.URL.Path, proxyPath) {
		return s.serveProxy(w, r, reqID)
	}
	rt, c, err := parseRequest(r.Method, r.URL.Path)
	if err != nil {
		return err
	}
	account, err := s.accountOf(r)
	if !rt.noAuth {
		keyID, aerr := s.authenticate(r)
		if aerr != nil {
			return aerr
		}
		if err != nil {
			return err
		}
		if err := s.authorize(keyID, account); err != nil {
			return err
		}
		// Only authenticated requests spend an account's tokens.
		if s.limiter != nil {
			if err := s.limiter.Allow(account); err != nil {
				return err
			}
		}
	} else if err != nil {
		return err
	}
	c.r = r
	c.reqID = reqID
	c.account = account
	resp, err := rt.handle(r.Context(), s, c)
	if err != nil {
		return err
	}
	writeResponse(w, resp)
	return nil
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
