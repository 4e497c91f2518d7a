package fc_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc"
	"github.com/fcdeploy/fcdeploy/localfc/localfctest"
)

// TestTheClientSlowsDownUnderThrottlingInsteadOfFailing: a local Function
// Compute throttles every request until it has refused about twenty, as a
// burst over an account's rate would; sixteen callers at once still all
// succeed, the client halves its concurrency and grows it back once
// requests go through.
func TestTheClientSlowsDownUnderThrottlingInsteadOfFailing(t *testing.T) {
	var draws atomic.Int64
	// Two draws per request (jitter, then the fault): the first forty
	// draws say "throttle", every later one says "serve".
	script := func() float64 {
		if draws.Add(1) <= 40 {
			return 0
		}
		return 0.999
	}
	fcl := localfctest.StartWithFaults(t, localfc.Faults{Throttle: 0.5, Rand: script})
	c, err := fc.NewClient(fc.Config{Endpoint: fcl.URL, AccountID: fcl.AccountID, Credentials: fcl.Credentials, MaxConcurrency: 16})
	require.NoError(t, err)

	var wg sync.WaitGroup
	errs := make(chan error, 16*25)
	for range 16 {
		wg.Go(func() {
			for range 25 {
				if _, err := c.ListServices(context.Background(), fc.ListOptions{}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a throttled request failed instead of waiting: %v", err)
	}
	s := c.Stats()
	assert.GreaterOrEqual(t, s.Throttled, int64(20), "the server throttled")
	assert.GreaterOrEqual(t, s.ConcurrencyDecreases, int64(1))
	assert.LessOrEqual(t, s.LowestConcurrencyLimit, 8, "throttling halved the concurrency")
	assert.Greater(t, s.ConcurrencyLimit, s.LowestConcurrencyLimit, "successes grew it back")
	assert.Equal(t, int64(16*25)+s.Throttled, s.Requests, "every throttled attempt was retried once more")
}
