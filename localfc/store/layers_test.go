package store

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"github.com/fcdeploy/fcdeploy/fc"
)

func mustLayer(t testing.TB, s *BoltStore, name, content string) fc.Layer {
	t.Helper()
	l, err := s.PublishLayerVersion(context.Background(), acct, name, LayerVersionInput{CompatibleRuntime: []string{"python3"}}, blob(content))
	require.NoError(t, err)
	return l
}

// blobStored reports whether a zip with checksum is still in the store.
func blobStored(t testing.TB, s *BoltStore, checksum string) bool {
	t.Helper()
	var found bool
	require.NoError(t, s.db.View(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket([]byte(bucketBlobs)).Cursor().Seek([]byte(checksum + "-"))
		found = k != nil && strings.HasPrefix(string(k), checksum+"-")
		return nil
	}))
	return found
}

func TestLayerVersionsCountFromOneAndNeverReuseANumber(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	assert.Equal(t, int32(1), mustLayer(t, s, "deps", "a").Version)
	assert.Equal(t, int32(2), mustLayer(t, s, "deps", "b").Version)
	assert.Equal(t, int32(1), mustLayer(t, s, "other", "a").Version, "each layer counts on its own")

	require.NoError(t, s.DeleteLayerVersion(ctx, acct, "deps", 2))
	require.NoError(t, s.DeleteLayerVersion(ctx, acct, "deps", 1))
	_, err := s.GetLayerVersion(ctx, acct, "deps", 1)
	requireCode(t, err, fc.CodeLayerNotFound)
	assert.Equal(t, int32(3), mustLayer(t, s, "deps", "c").Version, "numbers of deleted versions stay used")
}

func TestLayerVersionsKeepTheirOwnCodeAndReleaseItOnDelete(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	mustFunction(t, s, "shop", "f", "shared")
	l1 := mustLayer(t, s, "deps", "shared")
	l2 := mustLayer(t, s, "deps", "only-layer")

	code, err := s.GetLayerVersionCode(ctx, acct, "deps", 1)
	require.NoError(t, err)
	assert.Equal(t, *blob("shared"), code)
	assert.Equal(t, blob("shared").Checksum, l1.CodeChecksum)
	assert.Equal(t, int64(len(blob("shared").Zip)), l1.CodeSize)

	require.NoError(t, s.DeleteLayerVersion(ctx, acct, "deps", 1))
	require.NoError(t, s.DeleteLayerVersion(ctx, acct, "deps", 2))
	assert.True(t, blobStored(t, s, l1.CodeChecksum), "the function still holds the shared zip")
	assert.False(t, blobStored(t, s, l2.CodeChecksum), "the last reference took the zip with it")
	_, err = s.GetLayerVersionCode(ctx, acct, "deps", 2)
	requireCode(t, err, fc.CodeLayerNotFound)
}

func TestLayerNotFoundIsToldFromVersionNotFound(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustLayer(t, s, "deps", "a")
	_, err := s.GetLayerVersion(ctx, acct, "deps", 9)
	requireCode(t, err, fc.CodeLayerVersionNotFound)
	_, err = s.GetLayerVersion(ctx, acct, "nope", 1)
	requireCode(t, err, fc.CodeLayerNotFound)
	requireCode(t, s.DeleteLayerVersion(ctx, acct, "deps", 9), fc.CodeLayerVersionNotFound)
	_, err = s.ListLayerVersions(ctx, acct, "nope", 1, 0)
	requireCode(t, err, fc.CodeLayerNotFound)
	_, err = s.GetLayerVersion(ctx, "other-account", "deps", 1)
	requireCode(t, err, fc.CodeLayerNotFound)
}

func TestListLayersShowsTheNewestVersionOfEachLayerPageByPage(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	for _, name := range []string{"c", "a", "b", "ab"} {
		mustLayer(t, s, name, name+"1")
		mustLayer(t, s, name, name+"2")
	}
	var names []string
	token := ""
	for {
		page, err := s.ListLayers(ctx, acct, fc.ListOptions{Limit: 3, NextToken: token})
		require.NoError(t, err)
		for _, l := range page.Layers {
			names = append(names, l.LayerName)
			assert.Equal(t, int32(2), l.Version, l.LayerName)
		}
		if page.NextToken == "" {
			break
		}
		token = page.NextToken
	}
	assert.Equal(t, []string{"a", "ab", "b", "c"}, names)

	page, err := s.ListLayers(ctx, acct, fc.ListOptions{Prefix: "a"})
	require.NoError(t, err)
	require.Len(t, page.Layers, 2)
	page, err = s.ListLayers(ctx, acct, fc.ListOptions{StartKey: "b"})
	require.NoError(t, err)
	require.Len(t, page.Layers, 2)
	assert.Equal(t, "b", page.Layers[0].LayerName)
}

func TestListLayerVersionsPagesByVersionNumber(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	for _, c := range []string{"1", "2", "3", "4", "5"} {
		mustLayer(t, s, "deps", c)
	}
	require.NoError(t, s.DeleteLayerVersion(ctx, acct, "deps", 2))
	page, err := s.ListLayerVersions(ctx, acct, "deps", 1, 2)
	require.NoError(t, err)
	require.Len(t, page.Layers, 2)
	assert.Equal(t, []int32{1, 3}, []int32{page.Layers[0].Version, page.Layers[1].Version})
	assert.Equal(t, int32(4), page.NextVersion)
	page, err = s.ListLayerVersions(ctx, acct, "deps", page.NextVersion, 2)
	require.NoError(t, err)
	assert.Len(t, page.Layers, 2)
	assert.Zero(t, page.NextVersion, "the last page has no next version")
}

func TestLayersSurviveCloseAndReopen(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	l := mustLayer(t, s, "deps", "a")
	require.NoError(t, s.Close())
	s2, err := Open(s.Path())
	require.NoError(t, err)
	defer s2.Close()
	got, err := s2.GetLayerVersion(ctx, acct, "deps", 1)
	require.NoError(t, err)
	assert.Equal(t, l, got)
	l2, err := s2.PublishLayerVersion(ctx, acct, "deps", LayerVersionInput{}, blob("b"))
	require.NoError(t, err)
	assert.Equal(t, int32(2), l2.Version, "the counter is durable too")
}

func TestConcurrentPublishesOfOneLayerGetDistinctConsecutiveVersions(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	const n = 16
	versions := make(chan int32, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := s.PublishLayerVersion(ctx, acct, "deps", LayerVersionInput{}, blob(fmt.Sprint(i)))
			assert.NoError(t, err)
			versions <- l.Version
		}()
	}
	wg.Wait()
	close(versions)
	seen := map[int32]bool{}
	for v := range versions {
		assert.False(t, seen[v], "version %d handed out twice", v)
		seen[v] = true
	}
	for v := int32(1); v <= n; v++ {
		assert.True(t, seen[v], "version %d missing", v)
	}
}

func TestALayerACLCoversEveryVersionPresentAndFuture(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustLayer(t, s, "deps", "1")
	mustLayer(t, s, "private", "p")
	requireCode(t, s.PutLayerACL(ctx, acct, "nope", true), fc.CodeLayerNotFound)

	require.NoError(t, s.PutLayerACL(ctx, acct, "deps", true))
	l2 := mustLayer(t, s, "deps", "2")
	assert.Equal(t, int32(fc.LayerACLPublic), l2.ACL, "a new version of a public layer is public")
	l1, err := s.GetLayerVersion(ctx, acct, "deps", 1)
	require.NoError(t, err)
	assert.Equal(t, int32(fc.LayerACLPublic), l1.ACL)

	public, err := s.ListPublicLayers(ctx, acct, fc.ListOptions{})
	require.NoError(t, err)
	require.Len(t, public.Layers, 1)
	assert.Equal(t, "deps", public.Layers[0].LayerName)
	all, err := s.ListLayers(ctx, acct, fc.ListOptions{})
	require.NoError(t, err)
	assert.Len(t, all.Layers, 2)

	require.NoError(t, s.PutLayerACL(ctx, acct, "deps", false))
	l1, err = s.GetLayerVersion(ctx, acct, "deps", 1)
	require.NoError(t, err)
	assert.Equal(t, int32(fc.LayerACLPrivate), l1.ACL)
	public, err = s.ListPublicLayers(ctx, acct, fc.ListOptions{})
	require.NoError(t, err)
	assert.Empty(t, public.Layers)
}

func TestALayerKeepsItsRuntimesAndAnswersNoneAsAnEmptyList(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	with := mustLayer(t, s, "deps", "a")
	assert.Equal(t, []string{"python3"}, with.CompatibleRuntime)
	got, err := s.GetLayerVersion(ctx, acct, "deps", with.Version)
	require.NoError(t, err)
	assert.Equal(t, []string{"python3"}, got.CompatibleRuntime)

	without, err := s.PublishLayerVersion(ctx, acct, "bare", LayerVersionInput{}, blob("b"))
	require.NoError(t, err)
	assert.NotNil(t, without.CompatibleRuntime, "[] in JSON, not null")
	assert.Empty(t, without.CompatibleRuntime)
}

func TestALayerRunsOutOfVersionNumbersAtTheLargestInt32(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	require.NoError(t, s.db.Update(func(tx *bolt.Tx) error {
		seq, err := writeSub(tx, acct, bucketLayerSeq)
		if err != nil {
			return err
		}
		return seq.Put([]byte("deps"), u64(1<<31-2))
	}))
	assert.Equal(t, int32(1<<31-1), mustLayer(t, s, "deps", "a").Version, "the last number there is")
	_, err := s.PublishLayerVersion(context.Background(), acct, "deps", LayerVersionInput{}, blob("b"))
	requireCode(t, err, fc.CodeInvalidArgument)
	assert.ErrorContains(t, err, "has used every version number")
}

func TestTheVersionsOfALayerAreItsOwn(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	mustLayer(t, s, "deps", "a")
	mustLayer(t, s, "deps2", "b")
	mustLayer(t, s, "other", "c")
	out, err := s.ListLayerVersions(context.Background(), acct, "deps", 0, 0)
	require.NoError(t, err)
	require.Len(t, out.Layers, 1)
	assert.Equal(t, "deps", out.Layers[0].LayerName)
}
