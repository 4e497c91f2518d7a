package store

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/internal/crcforge"
)

func TestCreateFunctionFillsDefaultsAndCodeFields(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	mustService(t, s, "shop")
	code := blob("v1")
	f, err := s.CreateFunction(context.Background(), acct, "shop", fc.FunctionInput{
		FunctionName: "checkout", Runtime: ptr("python3"), Handler: ptr("index.handler"),
	}, code)
	require.NoError(t, err)

	assert.Regexp(t, uuidRE, f.FunctionID)
	assert.Equal(t, "checkout", f.FunctionName)
	assert.EqualValues(t, 128, f.MemorySize)
	assert.EqualValues(t, 3, f.Timeout)
	assert.EqualValues(t, 1, f.InstanceConcurrency)
	assert.NotNil(t, f.EnvironmentVariables)
	assert.Empty(t, f.EnvironmentVariables)
	assert.Equal(t, code.Checksum, f.CodeChecksum)
	assert.Equal(t, int64(len(code.Zip)), f.CodeSize)
	assert.NotEmpty(t, f.ETag)
	assert.Regexp(t, `\+0000$`, f.CreatedTime)

	got, err := s.GetFunction(context.Background(), acct, "shop", "", "checkout")
	require.NoError(t, err)
	assert.Equal(t, f, got)
}

func TestCreateFunctionIsRefusedWhen(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	mustFunction(t, s, "shop", "checkout", "v1")
	in := func(name string) fc.FunctionInput {
		return fc.FunctionInput{FunctionName: name, Runtime: ptr("python3"), Handler: ptr("index.handler")}
	}

	_, err := s.CreateFunction(ctx, acct, "nope", in("f"), blob("x"))
	requireCode(t, err, fc.CodeServiceNotFound)
	_, err = s.CreateFunction(ctx, acct, "shop", in("checkout"), blob("x"))
	requireCode(t, err, fc.CodeFunctionAlreadyExists)
	_, err = s.CreateFunction(ctx, acct, "shop", in("f"), nil)
	requireCode(t, err, fc.CodeInvalidArgument)
	_, err = s.CreateFunction(ctx, acct, "shop", in("f"), &CodeBlob{Zip: []byte("zip"), Checksum: "1"})
	assert.ErrorContains(t, err, "not the checksum of the zip")
}

func TestUpdateFunctionLeavesNilFieldsAndCodeUnchanged(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	before, err := s.CreateFunction(ctx, acct, "shop", fc.FunctionInput{
		FunctionName: "checkout", Runtime: ptr("python3"), Handler: ptr("index.handler"),
		MemorySize: ptr[int32](512), EnvironmentVariables: map[string]string{"A": "1", "B": "2"},
	}, blob("v1"))
	require.NoError(t, err)

	after, err := s.UpdateFunction(ctx, acct, "shop", "checkout", fc.FunctionInput{Timeout: ptr[int32](30)}, nil, "")
	require.NoError(t, err)
	assert.EqualValues(t, 30, after.Timeout)
	assert.EqualValues(t, 512, after.MemorySize)
	assert.Equal(t, map[string]string{"A": "1", "B": "2"}, after.EnvironmentVariables)
	assert.Equal(t, before.CodeChecksum, after.CodeChecksum)
	assert.Equal(t, before.FunctionID, after.FunctionID)

	after, err = s.UpdateFunction(ctx, acct, "shop", "checkout", fc.FunctionInput{EnvironmentVariables: map[string]string{"C": "3"}}, nil, "")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"C": "3"}, after.EnvironmentVariables, "a non-nil map replaces the old one")

	after, err = s.UpdateFunction(ctx, acct, "shop", "checkout", fc.FunctionInput{EnvironmentVariables: map[string]string{}}, nil, "")
	require.NoError(t, err)
	assert.Empty(t, after.EnvironmentVariables, "an empty map clears")

	code := blob("v2-longer")
	after, err = s.UpdateFunction(ctx, acct, "shop", "checkout", fc.FunctionInput{}, code, "")
	require.NoError(t, err)
	assert.Equal(t, code.Checksum, after.CodeChecksum)
	assert.Equal(t, int64(len(code.Zip)), after.CodeSize)
	got, err := s.GetFunctionCode(ctx, acct, "shop", "", "checkout")
	require.NoError(t, err)
	assert.Equal(t, *code, got)
	assert.Equal(t, 1, countBlobs(t, s), "the replaced zip is gone")
}

func TestMissingLevelsAreNamedInNotFoundErrors(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	mustFunction(t, s, "shop", "checkout", "v1")
	cases := []struct {
		name string
		call func() error
		code string
	}{
		{"a function in a missing service", func() error {
			_, err := s.GetFunction(ctx, acct, "nope", "", "checkout")
			return err
		}, fc.CodeServiceNotFound},
		{"a missing function", func() error {
			_, err := s.GetFunction(ctx, acct, "shop", "", "nope")
			return err
		}, fc.CodeFunctionNotFound},
		{"the code of a missing function", func() error {
			_, err := s.GetFunctionCode(ctx, acct, "shop", "", "nope")
			return err
		}, fc.CodeFunctionNotFound},
		{"an update of a missing function", func() error {
			_, err := s.UpdateFunction(ctx, acct, "shop", "nope", fc.FunctionInput{}, nil, "")
			return err
		}, fc.CodeFunctionNotFound},
		{"a delete of a missing function", func() error {
			return s.DeleteFunction(ctx, acct, "shop", "nope", "")
		}, fc.CodeFunctionNotFound},
		{"the functions of a missing service", func() error {
			_, err := s.ListFunctions(ctx, acct, "nope", "", fc.ListOptions{})
			return err
		}, fc.CodeServiceNotFound},
		{"a trigger of a missing function", func() error {
			_, err := s.GetTrigger(ctx, acct, "shop", "nope", "t")
			return err
		}, fc.CodeFunctionNotFound},
		{"a trigger in a missing service", func() error {
			_, err := s.CreateTrigger(ctx, acct, "nope", "checkout", fc.TriggerInput{TriggerName: "t", TriggerType: "timer"})
			return err
		}, fc.CodeServiceNotFound},
		{"a missing trigger", func() error {
			_, err := s.GetTrigger(ctx, acct, "shop", "checkout", "nope")
			return err
		}, fc.CodeTriggerNotFound},
		{"a function as of a missing version", func() error {
			_, err := s.GetFunction(ctx, acct, "shop", "7", "checkout")
			return err
		}, fc.CodeVersionNotFound},
		{"a function as of a missing alias", func() error {
			_, err := s.GetFunction(ctx, acct, "shop", "live", "checkout")
			return err
		}, fc.CodeAliasNotFound},
		{"a missing alias", func() error {
			_, err := s.GetAlias(ctx, acct, "shop", "live")
			return err
		}, fc.CodeAliasNotFound},
		{"an alias of a missing service", func() error {
			_, err := s.GetAlias(ctx, acct, "nope", "live")
			return err
		}, fc.CodeServiceNotFound},
		{"a delete of a missing version", func() error {
			return s.DeleteVersion(ctx, acct, "shop", "3")
		}, fc.CodeVersionNotFound},
		{"the versions of a missing service", func() error {
			_, err := s.ListVersions(ctx, acct, "nope", fc.ListVersionsOptions{})
			return err
		}, fc.CodeServiceNotFound},
		{"a publish of a missing service", func() error {
			_, err := s.PublishVersion(ctx, acct, "nope", "", "")
			return err
		}, fc.CodeServiceNotFound},
		{"an update of a missing service", func() error {
			_, err := s.UpdateService(ctx, acct, "nope", fc.ServiceInput{}, "")
			return err
		}, fc.CodeServiceNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			requireCode(t, c.call(), c.code)
		})
	}
}

func TestDeleteFunctionWithTriggersIsFunctionNotEmpty(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	f := mustFunction(t, s, "shop", "checkout", "v1")
	mustTrigger(t, s, "shop", "checkout", "nightly")
	requireCode(t, s.DeleteFunction(ctx, acct, "shop", "checkout", ""), fc.CodeFunctionNotEmpty)

	require.NoError(t, s.DeleteTrigger(ctx, acct, "shop", "checkout", "nightly", ""))
	require.NoError(t, s.DeleteFunction(ctx, acct, "shop", "checkout", f.ETag))
	_, err := s.GetFunction(ctx, acct, "shop", "", "checkout")
	requireCode(t, err, fc.CodeFunctionNotFound)
	assert.Zero(t, countBlobs(t, s), "the code of a deleted function is gone")
}

func TestListFunctionsPagesByNameWithinOneService(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	mustService(t, s, "shop-2") // sorts right after shop's own keys
	for _, n := range []string{"pay", "cart", "checkout", "admin"} {
		mustFunction(t, s, "shop", n, n)
	}
	mustFunction(t, s, "shop-2", "zzz", "zzz")
	fnName := func(f fc.Function) string { return f.FunctionName }

	out, err := s.ListFunctions(ctx, acct, "shop", "", fc.ListOptions{Limit: 3})
	require.NoError(t, err)
	assert.Equal(t, []string{"admin", "cart", "checkout"}, names(out.Functions, fnName))
	out, err = s.ListFunctions(ctx, acct, "shop", "", fc.ListOptions{Limit: 3, NextToken: out.NextToken})
	require.NoError(t, err)
	assert.Equal(t, []string{"pay"}, names(out.Functions, fnName))
	assert.Empty(t, out.NextToken)

	out, err = s.ListFunctions(ctx, acct, "shop", "", fc.ListOptions{Prefix: "c", StartKey: "ch"})
	require.NoError(t, err)
	assert.Equal(t, []string{"checkout"}, names(out.Functions, fnName))
}

func TestEqualCodeIsStoredOnceAndSharedWithVersions(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	mustFunction(t, s, "shop", "a", "same")
	mustFunction(t, s, "shop", "b", "same")
	mustPublish(t, s, "shop")
	assert.Equal(t, 1, countBlobs(t, s))

	// LATEST moves on; the version keeps the old zip alive.
	_, err := s.UpdateFunction(ctx, acct, "shop", "a", fc.FunctionInput{}, blob("new"), "")
	require.NoError(t, err)
	_, err = s.UpdateFunction(ctx, acct, "shop", "b", fc.FunctionInput{}, blob("new"), "")
	require.NoError(t, err)
	assert.Equal(t, 2, countBlobs(t, s))
	old, err := s.GetFunctionCode(ctx, acct, "shop", "1", "a")
	require.NoError(t, err)
	assert.Equal(t, *blob("same"), old)

	require.NoError(t, s.DeleteVersion(ctx, acct, "shop", "1"))
	assert.Equal(t, 1, countBlobs(t, s), "the last reference to the old zip went with the version")
}

// countBlobs counts the zips the store holds.
func countBlobs(t testing.TB, s *BoltStore) int {
	t.Helper()
	n := 0
	require.NoError(t, s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket([]byte(bucketBlobs)).Stats().KeyN
		return nil
	}))
	return n
}

func TestZipsWithOneChecksumKeepTheirOwnCodeAndNeitherFails(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	genuine := blob("genuine")
	// Different bytes under the same checksum, as a forged CRC-64
	// collision would be (in another account, say).
	impostor, err := crcforge.Forge([]byte("impostor code: 12345678"), genuine.Checksum)
	require.NoError(t, err)
	forged := &CodeBlob{Zip: impostor, Checksum: genuine.Checksum}
	_, err = s.CreateFunction(ctx, acct, "shop", fc.FunctionInput{FunctionName: "forged"}, forged)
	require.NoError(t, err)
	_, err = s.CreateFunction(ctx, acct, "shop", fc.FunctionInput{FunctionName: "genuine"}, genuine)
	require.NoError(t, err, "the collision does not make the genuine upload fail")

	got, err := s.GetFunctionCode(ctx, acct, "shop", "", "genuine")
	require.NoError(t, err)
	assert.Equal(t, genuine.Zip, got.Zip, "each function runs its own bytes")
	got, err = s.GetFunctionCode(ctx, acct, "shop", "", "forged")
	require.NoError(t, err)
	assert.Equal(t, forged.Zip, got.Zip)

	require.NoError(t, s.DeleteFunction(ctx, acct, "shop", "forged", ""))
	got, err = s.GetFunctionCode(ctx, acct, "shop", "", "genuine")
	require.NoError(t, err)
	assert.Equal(t, genuine.Zip, got.Zip, "deleting one releases only its own zip")
}
