package rollout

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The real Sleep, on synctest's fake clock: it waits the whole interval,
// not at all for none, and gives up on a cancelled context.
func TestTheDefaultSleepWaitsTheIntervalUnlessCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		require.NoError(t, sleep(context.Background(), time.Hour))
		assert.Equal(t, time.Hour, time.Since(start))
		require.NoError(t, sleep(context.Background(), 0))
		assert.Equal(t, time.Hour, time.Since(start), "no wait for a zero interval")

		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		assert.ErrorIs(t, sleep(ctx, 0), context.Canceled)
		assert.ErrorIs(t, sleep(ctx, time.Hour), context.Canceled)
		assert.Equal(t, time.Hour, time.Since(start), "a cancelled context ends the wait at once")
	})
}
