package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"github.com/fcdeploy/fcdeploy/fc"
)

func TestSnapshotsSurviveLaterUpdates(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	f1 := mustFunction(t, s, "shop", "checkout", "v1")
	v1, err := s.PublishVersion(ctx, acct, "shop", "first", "")
	require.NoError(t, err)
	assert.Equal(t, "1", v1.VersionID)
	assert.Equal(t, "first", v1.Description)
	assert.NotEmpty(t, v1.ETag)
	assert.NotEmpty(t, v1.CreatedTime)

	_, err = s.UpdateService(ctx, acct, "shop", fc.ServiceInput{Description: ptr("changed")}, "")
	require.NoError(t, err)
	_, err = s.UpdateFunction(ctx, acct, "shop", "checkout", fc.FunctionInput{MemorySize: ptr[int32](1024)}, blob("v2"), "")
	require.NoError(t, err)
	mustFunction(t, s, "shop", "added-later", "x")

	svc, err := s.GetService(ctx, acct, "shop", "1")
	require.NoError(t, err)
	assert.Equal(t, "d", svc.Description)
	live, err := s.GetService(ctx, acct, "shop", "")
	require.NoError(t, err)
	assert.Equal(t, "changed", live.Description)

	f, err := s.GetFunction(ctx, acct, "shop", "1", "checkout")
	require.NoError(t, err)
	assert.Equal(t, f1, f, "the snapshot is the function as it was, ETag included")
	code, err := s.GetFunctionCode(ctx, acct, "shop", "1", "checkout")
	require.NoError(t, err)
	assert.Equal(t, *blob("v1"), code)

	_, err = s.GetFunction(ctx, acct, "shop", "1", "added-later")
	requireCode(t, err, fc.CodeFunctionNotFound)
	list, err := s.ListFunctions(ctx, acct, "shop", "1", fc.ListOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{"checkout"}, names(list.Functions, func(f fc.Function) string { return f.FunctionName }))
	list, err = s.ListFunctions(ctx, acct, "shop", fc.QualifierLatest, fc.ListOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{"added-later", "checkout"}, names(list.Functions, func(f fc.Function) string { return f.FunctionName }))
}

func TestListFunctionsOfAVersionPages(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	for _, n := range []string{"d", "b", "a", "c"} {
		mustFunction(t, s, "shop", n, n)
	}
	mustPublish(t, s, "shop")
	fnName := func(f fc.Function) string { return f.FunctionName }

	out, err := s.ListFunctions(ctx, acct, "shop", "1", fc.ListOptions{Limit: 3, StartKey: "b"})
	require.NoError(t, err)
	assert.Equal(t, []string{"b", "c", "d"}, names(out.Functions, fnName))
	assert.Empty(t, out.NextToken)
	out, err = s.ListFunctions(ctx, acct, "shop", "1", fc.ListOptions{Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, names(out.Functions, fnName))
	out, err = s.ListFunctions(ctx, acct, "shop", "1", fc.ListOptions{Limit: 2, NextToken: out.NextToken})
	require.NoError(t, err)
	assert.Equal(t, []string{"c", "d"}, names(out.Functions, fnName))
}

func TestPublishWithNoChangeIsRefused(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	mustFunction(t, s, "shop", "checkout", "v1")
	mustPublish(t, s, "shop")

	_, err := s.PublishVersion(ctx, acct, "shop", "again", "")
	requireCode(t, err, fc.CodeVersionPublishError)

	// Writes that change nothing (same values, new ETags and times) are
	// still no change.
	_, err = s.UpdateFunction(ctx, acct, "shop", "checkout", fc.FunctionInput{Runtime: ptr("python3")}, blob("v1"), "")
	require.NoError(t, err)
	_, err = s.UpdateService(ctx, acct, "shop", fc.ServiceInput{Description: ptr("d")}, "")
	require.NoError(t, err)
	_, err = s.PublishVersion(ctx, acct, "shop", "", "")
	requireCode(t, err, fc.CodeVersionPublishError)

	changes := map[string]func() error{
		"new code": func() error {
			_, err := s.UpdateFunction(ctx, acct, "shop", "checkout", fc.FunctionInput{}, blob("v2"), "")
			return err
		},
		"new env": func() error {
			_, err := s.UpdateFunction(ctx, acct, "shop", "checkout", fc.FunctionInput{EnvironmentVariables: map[string]string{"A": "1"}}, nil, "")
			return err
		},
		"new service config": func() error {
			_, err := s.UpdateService(ctx, acct, "shop", fc.ServiceInput{InternetAccess: ptr(false)}, "")
			return err
		},
		"a new function": func() error {
			mustFunction(t, s, "shop", "pay", "p")
			return nil
		},
	}
	for name, change := range changes {
		require.NoError(t, change(), name)
		_, err := s.PublishVersion(ctx, acct, "shop", name, "")
		require.NoError(t, err, "publish after %s", name)
	}
}

func TestAServiceWithNoFunctionsCanBePublishedOnce(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	mustService(t, s, "shop")
	assert.Equal(t, "1", mustPublish(t, s, "shop").VersionID)
	_, err := s.PublishVersion(context.Background(), acct, "shop", "", "")
	requireCode(t, err, fc.CodeVersionPublishError)
}

func TestPublishIfMatchGuardsTheServiceETag(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	svc := mustService(t, s, "shop")
	_, err := s.PublishVersion(context.Background(), acct, "shop", "", "stale")
	requireCode(t, err, fc.CodePreconditionFailed)
	_, err = s.PublishVersion(context.Background(), acct, "shop", "", svc.ETag)
	require.NoError(t, err)
}

func TestVersionIDsAreNeverReusedAfterDelete(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	mustFunction(t, s, "shop", "checkout", "v1")
	mustPublish(t, s, "shop")
	_, err := s.UpdateFunction(ctx, acct, "shop", "checkout", fc.FunctionInput{}, blob("v2"), "")
	require.NoError(t, err)
	assert.Equal(t, "2", mustPublish(t, s, "shop").VersionID)

	require.NoError(t, s.DeleteVersion(ctx, acct, "shop", "2"))
	require.NoError(t, s.DeleteVersion(ctx, acct, "shop", "1"))
	_, err = s.GetFunction(ctx, acct, "shop", "2", "checkout")
	requireCode(t, err, fc.CodeVersionNotFound)

	// With every version gone, the same content may be published again,
	// under a new id.
	assert.Equal(t, "3", mustPublish(t, s, "shop").VersionID)

	// The counter is durable.
	require.NoError(t, s.Close())
	s2, err := Open(s.Path())
	require.NoError(t, err)
	t.Cleanup(func() { s2.Close() })
	_, err = s2.UpdateFunction(ctx, acct, "shop", "checkout", fc.FunctionInput{}, blob("v3"), "")
	require.NoError(t, err)
	v, err := s2.PublishVersion(ctx, acct, "shop", "", "")
	require.NoError(t, err)
	assert.Equal(t, "4", v.VersionID)
}

func TestListVersionsPagesInBothDirections(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	mustService(t, s, "shop-2")
	mustPublish(t, s, "shop-2") // another service's versions never show up
	mustFunction(t, s, "shop", "checkout", "0")
	for i := 1; i <= 5; i++ {
		_, err := s.UpdateFunction(ctx, acct, "shop", "checkout", fc.FunctionInput{}, blob(string(rune('0'+i))), "")
		require.NoError(t, err)
		mustPublish(t, s, "shop")
	}
	require.NoError(t, s.DeleteVersion(ctx, acct, "shop", "3"))
	ids := func(opt fc.ListVersionsOptions) ([]string, string, string) {
		out, err := s.ListVersions(ctx, acct, "shop", opt)
		require.NoError(t, err)
		return names(out.Versions, func(v fc.Version) string { return v.VersionID }), out.NextToken, out.Direction
	}

	got, tok, dir := ids(fc.ListVersionsOptions{})
	assert.Equal(t, []string{"5", "4", "2", "1"}, got, "newest first by default")
	assert.Empty(t, tok)
	assert.Equal(t, fc.DirectionBackward, dir)

	got, tok, _ = ids(fc.ListVersionsOptions{Limit: 2})
	assert.Equal(t, []string{"5", "4"}, got)
	got, tok, _ = ids(fc.ListVersionsOptions{Limit: 2, NextToken: tok})
	assert.Equal(t, []string{"2", "1"}, got)
	assert.Empty(t, tok)

	got, _, _ = ids(fc.ListVersionsOptions{StartKey: "3"})
	assert.Equal(t, []string{"2", "1"}, got, "backward from a deleted id starts below it")
	got, _, _ = ids(fc.ListVersionsOptions{StartKey: "4"})
	assert.Equal(t, []string{"4", "2", "1"}, got, "startKey is inclusive")

	got, tok, dir = ids(fc.ListVersionsOptions{Direction: fc.DirectionForward, Limit: 3})
	assert.Equal(t, []string{"1", "2", "4"}, got)
	assert.Equal(t, fc.DirectionForward, dir)
	got, tok, _ = ids(fc.ListVersionsOptions{Direction: fc.DirectionForward, Limit: 3, NextToken: tok})
	assert.Equal(t, []string{"5"}, got)
	assert.Empty(t, tok)
	got, _, _ = ids(fc.ListVersionsOptions{Direction: fc.DirectionForward, StartKey: "3"})
	assert.Equal(t, []string{"4", "5"}, got)

	_, err := s.ListVersions(ctx, acct, "shop", fc.ListVersionsOptions{Direction: "SIDEWAYS"})
	requireCode(t, err, fc.CodeInvalidArgument)
	_, err = s.ListVersions(ctx, acct, "shop", fc.ListVersionsOptions{StartKey: "live"})
	requireCode(t, err, fc.CodeInvalidArgument)
	_, err = s.ListVersions(ctx, acct, "shop", fc.ListVersionsOptions{StartKey: "0"})
	requireCode(t, err, fc.CodeInvalidArgument) // ids start at 1
}

func TestDeleteVersionUsedByAnAliasIsRefused(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	mustFunction(t, s, "shop", "checkout", "v1")
	mustPublish(t, s, "shop")
	_, err := s.UpdateFunction(ctx, acct, "shop", "checkout", fc.FunctionInput{}, blob("v2"), "")
	require.NoError(t, err)
	mustPublish(t, s, "shop")
	_, err = s.CreateAlias(ctx, acct, "shop", fc.AliasInput{
		AliasName: "live", VersionID: ptr("2"), AdditionalVersionWeight: map[string]float64{"1": 0.1},
	})
	require.NoError(t, err)

	for _, id := range []string{"2", "1"} {
		err := s.DeleteVersion(ctx, acct, "shop", id)
		apiErr := fc.AsAPIError(err)
		require.NotNil(t, apiErr, "version %s: %v", id, err)
		assert.Equal(t, CodeVersionInUse, apiErr.Code)
		assert.Equal(t, 409, apiErr.HTTPStatus)
		assert.Equal(t, "version "+id+" of service shop is used by alias live; move or delete the alias first", apiErr.Message)
	}

	_, err = s.UpdateAlias(ctx, acct, "shop", "live", fc.AliasInput{AdditionalVersionWeight: map[string]float64{}}, "")
	require.NoError(t, err)
	require.NoError(t, s.DeleteVersion(ctx, acct, "shop", "1"), "no longer in use")
}

func TestQualifiersNameLatestAVersionOrAnAlias(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	mustFunction(t, s, "shop", "checkout", "v1")
	mustPublish(t, s, "shop")
	_, err := s.UpdateFunction(ctx, acct, "shop", "checkout", fc.FunctionInput{}, blob("v2"), "")
	require.NoError(t, err)
	mustPublish(t, s, "shop")
	_, err = s.UpdateFunction(ctx, acct, "shop", "checkout", fc.FunctionInput{}, blob("v3"), "")
	require.NoError(t, err)
	mustAlias(t, s, "shop", "live", "1")

	cases := []struct{ qualifier, code string }{
		{"", "v3"}, {fc.QualifierLatest, "v3"}, {"1", "v1"}, {"2", "v2"}, {"live", "v1"},
	}
	for _, c := range cases {
		f, err := s.GetFunction(ctx, acct, "shop", c.qualifier, "checkout")
		require.NoError(t, err, c.qualifier)
		assert.Equal(t, blob(c.code).Checksum, f.CodeChecksum, "qualifier %q", c.qualifier)
	}
	for _, q := range []string{"3", "0", "01", "99999999999999999999999"} {
		_, err := s.GetService(ctx, acct, "shop", q)
		requireCode(t, err, fc.CodeVersionNotFound)
	}
	_, err = s.GetService(ctx, acct, "shop", "dead")
	requireCode(t, err, fc.CodeAliasNotFound)
	_, err = s.ListFunctions(ctx, acct, "shop", "dead", fc.ListOptions{})
	requireCode(t, err, fc.CodeAliasNotFound)
	_, err = s.GetFunctionCode(ctx, acct, "shop", "9", "checkout")
	requireCode(t, err, fc.CodeVersionNotFound)
}

func TestPublishingManyVersionsDoesNotCopyTheCode(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	zip := make([]byte, 2<<20)
	for i := range zip {
		zip[i] = byte(i * 7)
	}
	code := &CodeBlob{Zip: zip, Checksum: fc.CodeChecksum(zip)}
	_, err := s.CreateFunction(ctx, acct, "shop", fc.FunctionInput{FunctionName: "big"}, code)
	require.NoError(t, err)
	for i := range 10 {
		_, err := s.UpdateFunction(ctx, acct, "shop", "big", fc.FunctionInput{EnvironmentVariables: map[string]string{"I": fmt.Sprint(i)}}, nil, "")
		require.NoError(t, err)
		mustPublish(t, s, "shop")
	}

	var blobBytes, versionBytes int
	require.NoError(t, s.db.View(func(tx *bolt.Tx) error {
		tx.Bucket([]byte(bucketBlobs)).ForEach(func(_, v []byte) error { blobBytes += len(v); return nil })
		return readAccount(tx, acct).versions.ForEach(func(_, v []byte) error { versionBytes += len(v); return nil })
	}))
	assert.Equal(t, len(zip), blobBytes, "one copy of the zip")
	assert.Less(t, versionBytes, 64<<10, "versions hold checksums, not zips")
	got, err := s.GetFunctionCode(ctx, acct, "shop", "3", "big")
	require.NoError(t, err)
	assert.Equal(t, *code, got)
}
