package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

func enqueue(t *testing.T, s *BoltStore, ids ...string) {
	t.Helper()
	for _, id := range ids {
		require.NoError(t, s.EnqueueAsync(context.Background(), AsyncInvocation{
			ID: id, AccountID: acct, ServiceName: "shop", FunctionName: "checkout", Event: []byte("event " + id),
		}))
	}
}

func next(t *testing.T, s *BoltStore) (AsyncInvocation, bool) {
	t.Helper()
	inv, ok, err := s.NextAsync(context.Background())
	require.NoError(t, err)
	return inv, ok
}

func TestAsyncQueueHandsOutOldestFirstAndEachOnce(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	_, ok := next(t, s)
	assert.False(t, ok, "an empty queue has nothing")

	enqueue(t, s, "r1", "r2", "r3")
	first, ok := next(t, s)
	require.True(t, ok)
	assert.Equal(t, "r1", first.ID)
	assert.Equal(t, []byte("event r1"), first.Event)
	second, _ := next(t, s)
	assert.Equal(t, "r2", second.ID, "a claimed invocation is not handed out again")

	require.NoError(t, s.DoneAsync(ctx, "r1"))
	require.NoError(t, s.RetryAsync(ctx, "r2"))
	again, _ := next(t, s)
	assert.Equal(t, "r2", again.ID, "a retried invocation goes back to its place")
	assert.Equal(t, 1, again.Attempts)
	third, _ := next(t, s)
	assert.Equal(t, "r3", third.ID)
	_, ok = next(t, s)
	assert.False(t, ok)

	assert.ErrorIs(t, s.DoneAsync(ctx, "r1"), ErrNotQueued)
	assert.ErrorIs(t, s.RetryAsync(ctx, "nope"), ErrNotQueued)
	assert.Error(t, s.EnqueueAsync(ctx, AsyncInvocation{ID: "r3"}), "ids are unique")
	assert.Error(t, s.EnqueueAsync(ctx, AsyncInvocation{}), "an id is required")
}

func TestAsyncInvocationsClaimedBeforeAReopenAreRedelivered(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	enqueue(t, s, "r1", "r2", "r3")
	a, _ := next(t, s)
	b, _ := next(t, s)
	require.Equal(t, []string{"r1", "r2"}, []string{a.ID, b.ID})
	require.NoError(t, s.DoneAsync(context.Background(), "r1"))
	require.NoError(t, s.Close())

	s2, err := Open(s.Path())
	require.NoError(t, err)
	t.Cleanup(func() { s2.Close() })
	var got []string
	for {
		inv, ok := next(t, s2)
		if !ok {
			break
		}
		got = append(got, inv.ID)
	}
	assert.Equal(t, []string{"r2", "r3"}, got, "r2 was claimed but never done, so it comes back first")
}

func TestConcurrentConsumersClaimDistinctInvocations(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	const n = 64
	for i := range n {
		enqueue(t, s, fmt.Sprintf("r%02d", i))
	}
	claimed := make(chan string, n)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			for {
				inv, ok, err := s.NextAsync(context.Background())
				if err != nil || !ok {
					errs <- err
					return
				}
				claimed <- inv.ID
			}
		}()
	}
	for range 8 {
		require.NoError(t, <-errs)
	}
	close(claimed)
	seen := map[string]bool{}
	for id := range claimed {
		assert.False(t, seen[id], "%s claimed twice", id)
		seen[id] = true
	}
	assert.Len(t, seen, n)
}

func TestAReopenLeavesNoInvocationClaimed(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	enqueue(t, s, "r1", "r2", "r3")
	for range 3 {
		_, ok := next(t, s)
		require.True(t, ok)
	}
	require.NoError(t, s.Close())

	s2, err := Open(s.Path())
	require.NoError(t, err)
	t.Cleanup(func() { s2.Close() })
	var claimed, unclaimed int
	require.NoError(t, s2.db.View(func(tx *bolt.Tx) error {
		claimed = tx.Bucket([]byte(bucketAsyncFlight)).Stats().KeyN
		unclaimed = tx.Bucket([]byte(bucketAsyncReady)).Stats().KeyN
		return nil
	}))
	assert.Equal(t, 0, claimed, "every claim of the previous process is void")
	assert.Equal(t, 3, unclaimed)
}
