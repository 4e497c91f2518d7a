package localfc

import (
	"fmt"
	"math"
	"net/http"
	"sync"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
)

// RateLimiter bounds each account's rate of API requests with a token
// bucket, so that clients can be tried against a throttling endpoint
// (`serve --rate-limit`). A request over the rate is answered with the
// platform's throttling error: 429 ResourceExhausted, or 503
// ResourceThrottled when so configured (reference section 11). HTTP
// triggers, custom domains and code downloads are not limited.
type RateLimiter struct {
	rate  float64 // tokens per second
	burst float64
	code  string
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*tokenBucket
}

type tokenBucket struct {
	tokens float64
	last   time.Time
}

// RateLimitOptions tune a RateLimiter; zero fields take the defaults.
type RateLimitOptions struct {
	// Burst is how many requests may come at once after a quiet time;
	// 0: one second's worth (at least 1).
	Burst int
	// Status is 429 (ResourceExhausted, the default) or 503
	// (ResourceThrottled).
	Status int
	// Now is the clock; nil: time.Now.
	Now func() time.Time
}

// maxBuckets bounds the accounts tracked; past it, full buckets (accounts
// quiet for a while) are forgotten, which changes nothing for them.
const maxBuckets = 10_000

// NewRateLimiter allows perSecond requests per second per account.
func NewRateLimiter(perSecond float64, opt RateLimitOptions) (*RateLimiter, error) {
	if perSecond <= 0 || math.IsInf(perSecond, 0) || math.IsNaN(perSecond) {
		return nil, fmt.Errorf("rate limit %g: it must be a positive number of requests per second", perSecond)
	}
	l := &RateLimiter{rate: perSecond, burst: float64(opt.Burst), code: fc.CodeResourceExhausted, now: opt.Now, buckets: map[string]*tokenBucket{}}
	if opt.Burst < 0 {
		return nil, fmt.Errorf("rate limit burst %d: it cannot be negative", opt.Burst)
	}
	if l.burst == 0 {
		l.burst = max(1, math.Ceil(perSecond))
	}
	switch opt.Status {
	case 0, http.StatusTooManyRequests:
	case http.StatusServiceUnavailable:
		l.code = fc.CodeResourceThrottled
	default:
		return nil, fmt.Errorf("rate limit status %d: use 429 (ResourceExhausted) or 503 (ResourceThrottled)", opt.Status)
	}
	if l.now == nil {
		l.now = time.Now
	}
	return l, nil
}

// String describes the limit, as serve prints it.
func (l *RateLimiter) String() string {
	return fmt.Sprintf("%g requests per second per account (bursts of %g), then %d %s", l.rate, l.burst, fc.StatusForCode(l.code), l.code)
}

// Allow takes a token from account's bucket. When there is none it
// returns the throttling error, saying when the next token comes.
func (l *RateLimiter) Allow(account string) error {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[account]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.forgetFull(now)
		}
		b = &tokenBucket{tokens: l.burst, last: now}
		l.buckets[account] = b
	}
	l.refill(b, now)
	if b.tokens >= 1 {
		b.tokens--
		return nil
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return fc.NewError(l.code, "account %s sent more than %g requests per second (this server's rate limit); retry in %s", account, l.rate, wait.Round(time.Millisecond))
}

func (l *RateLimiter) refill(b *tokenBucket, now time.Time) {
	if dt := now.Sub(b.last).Seconds(); dt > 0 {
		b.tokens = min(l.burst, b.tokens+dt*l.rate)
	}
	b.last = now
}

func (l *RateLimiter) forgetFull(now time.Time) {
	for account, b := range l.buckets {
		if l.refill(b, now); b.tokens >= l.burst {
			delete(l.buckets, account)
		}
	}
}
