package localfc

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestTheRateLimiterAllowsABurstThenTheRatePerAccount(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	l, err := NewRateLimiter(2, RateLimitOptions{Burst: 3, Now: clock.Now})
	require.NoError(t, err)

	for i := range 3 {
		require.NoError(t, l.Allow("a"), "request %d of the burst", i+1)
	}
	err = l.Allow("a")
	require.Error(t, err)
	e := fc.AsAPIError(err)
	require.NotNil(t, e)
	assert.Equal(t, fc.CodeResourceExhausted, e.Code)
	assert.Equal(t, http.StatusTooManyRequests, fc.StatusForCode(e.Code))
	assert.Contains(t, e.Message, "retry in 500ms")
	assert.NoError(t, l.Allow("b"), "each account has its own bucket")

	clock.Add(499 * time.Millisecond)
	assert.Error(t, l.Allow("a"), "not a whole token yet")
	clock.Add(time.Millisecond)
	assert.NoError(t, l.Allow("a"), "one token after half a second at 2/s")
	assert.Error(t, l.Allow("a"))

	clock.Add(time.Hour)
	for range 3 {
		assert.NoError(t, l.Allow("a"), "a quiet hour refills the burst, no more")
	}
	assert.Error(t, l.Allow("a"))
}

func TestTheRateLimiterCanAnswer503ResourceThrottled(t *testing.T) {
	l, err := NewRateLimiter(1, RateLimitOptions{Status: http.StatusServiceUnavailable, Now: func() time.Time { return time.Unix(0, 0) }})
	require.NoError(t, err)
	require.NoError(t, l.Allow("a"))
	e := fc.AsAPIError(l.Allow("a"))
	require.NotNil(t, e)
	assert.Equal(t, fc.CodeResourceThrottled, e.Code)
	assert.Equal(t, "1 requests per second per account (bursts of 1), then 503 ResourceThrottled", l.String())

	_, err = NewRateLimiter(1, RateLimitOptions{Status: 500})
	assert.ErrorContains(t, err, "use 429")
	_, err = NewRateLimiter(0, RateLimitOptions{})
	assert.ErrorContains(t, err, "positive")
}

func TestTheServerThrottlesAnAccountOverItsRateWithTheThrottlingError(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	l, err := NewRateLimiter(1, RateLimitOptions{Burst: 2, Now: clock.Now})
	require.NoError(t, err)
	e := newTestEnv(t, func(c *Config) { c.RateLimit = l })

	for range 2 {
		r := e.do("GET", api+"/services", nil)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	}
	r := e.do("GET", api+"/services", nil)
	require.Equal(t, http.StatusTooManyRequests, r.status, "%s", r.body)
	assert.Equal(t, fc.CodeResourceExhausted, r.errorCode(t))
	assert.NotEmpty(t, r.header.Get(fc.HeaderRequestID))

	other := e.do("GET", api+"/services", nil, func(r *http.Request) { r.Header.Set(fc.HeaderAccountID, "222222") })
	assert.Equal(t, http.StatusOK, other.status, "another account is not throttled: %s", other.body)

	unsigned := e.do("GET", api+"/services", nil, unsigned)
	assert.Equal(t, http.StatusForbidden, unsigned.status, "an unauthenticated request is refused, not counted")

	clock.Add(time.Second)
	r = e.do("GET", api+"/services", nil)
	assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
}
