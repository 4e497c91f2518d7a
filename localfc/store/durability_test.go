package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func TestDataSurvivesCloseAndReopen(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	fn := mustFunction(t, s, "shop", "checkout", "v1")
	tr := mustTrigger(t, s, "shop", "checkout", "nightly")
	v := mustPublish(t, s, "shop")
	al := mustAlias(t, s, "shop", "live", "1")
	svc, err := s.GetService(ctx, acct, "shop", "")
	require.NoError(t, err)
	require.NoError(t, s.Close())

	s2, err := Open(s.Path())
	require.NoError(t, err)
	defer s2.Close()
	gotSvc, err := s2.GetService(ctx, acct, "shop", "")
	require.NoError(t, err)
	assert.Equal(t, svc, gotSvc)
	gotFn, err := s2.GetFunction(ctx, acct, "shop", "live", "checkout")
	require.NoError(t, err)
	assert.Equal(t, fn, gotFn)
	gotTr, err := s2.GetTrigger(ctx, acct, "shop", "checkout", "nightly")
	require.NoError(t, err)
	assert.Equal(t, tr, gotTr)
	gotAl, err := s2.GetAlias(ctx, acct, "shop", "live")
	require.NoError(t, err)
	assert.Equal(t, al, gotAl)
	versions, err := s2.ListVersions(ctx, acct, "shop", fc.ListVersionsOptions{})
	require.NoError(t, err)
	assert.Equal(t, []fc.Version{v}, versions.Versions)
	code, err := s2.GetFunctionCode(ctx, acct, "shop", "", "checkout")
	require.NoError(t, err)
	assert.Equal(t, *blob("v1"), code)
}

func TestASecondOpenOfTheSameFileFailsWithErrLocked(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	start := time.Now()
	_, err := Open(s.Path())
	assert.Less(t, time.Since(start), time.Second)
	require.ErrorIs(t, err, ErrLocked)
	assert.ErrorContains(t, err, "another fcdeploy process (probably `fcdeploy serve`) is using the data file at "+s.Path())
}

func TestTheDataFileIsPrivateToItsOwner(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nested", "fc.db")
	s, err := Open(path)
	require.NoError(t, err)
	defer s.Close()
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
}

func TestACancelledContextStopsWorkBeforeItStarts(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.CreateService(ctx, acct, fc.ServiceInput{ServiceName: "shop"})
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.ListServices(ctx, acct, fc.ListOptions{})
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.GetService(context.Background(), acct, "shop", "")
	requireCode(t, err, fc.CodeServiceNotFound) // nothing was written
}

func TestConcurrentWritersFrom32GoroutinesAllSucceedWithDistinctETags(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	mustFunction(t, s, "shop", "checkout", "v1")
	const writers, each = 32, 5
	etags := make(chan string, writers*each)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				f, err := s.UpdateFunction(ctx, acct, "shop", "checkout", fc.FunctionInput{
					Description: ptr(fmt.Sprintf("writer %d write %d", w, i)),
				}, nil, "")
				if assert.NoError(t, err) {
					etags <- f.ETag
				}
			}
		})
	}
	wg.Wait()
	close(etags)
	seen := map[string]bool{}
	for e := range etags {
		assert.False(t, seen[e], "ETag %s returned twice", e)
		seen[e] = true
	}
	assert.Len(t, seen, writers*each)
}

func TestConcurrentConditionalUpdatesLetExactlyOneWinPerETag(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	base := mustFunction(t, s, "shop", "checkout", "v1")
	const writers = 32
	results := make(chan error, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			_, err := s.UpdateFunction(ctx, acct, "shop", "checkout", fc.FunctionInput{
				Description: ptr(fmt.Sprint(w)),
			}, nil, base.ETag)
			results <- err
		})
	}
	wg.Wait()
	close(results)
	won := 0
	for err := range results {
		if err == nil {
			won++
			continue
		}
		assert.True(t, fc.IsPreconditionFailed(err), "%v", err)
	}
	assert.Equal(t, 1, won, "the ETag is checked inside the write transaction")
}
