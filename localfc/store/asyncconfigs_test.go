package store

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func TestAnAsyncConfigIsPutPerQualifierWithLatestAsTheDefault(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	mustFunction(t, s, "shop", "checkout", "v1")

	onFail := "acs:fc:local:" + acct + ":services/shop/functions/sink"
	put, err := s.PutAsyncConfig(ctx, acct, "shop", "", "checkout", fc.AsyncConfigInput{
		MaxAsyncRetryAttempts: ptr(int64(1)),
		DestinationConfig:     &fc.DestinationConfig{OnFailure: &fc.Destination{Destination: onFail}},
	})
	require.NoError(t, err)
	assert.Equal(t, "shop", put.Service)
	assert.Equal(t, "checkout", put.Function)
	assert.Equal(t, fc.QualifierLatest, put.Qualifier)
	assert.Equal(t, int64(1), *put.MaxAsyncRetryAttempts)
	assert.Nil(t, put.MaxAsyncEventAgeInSeconds, "what was not put stays null")
	assert.Nil(t, put.DestinationConfig.OnSuccess)
	assert.Equal(t, onFail, put.DestinationConfig.OnFailure.Destination)
	assert.NotEmpty(t, put.CreatedTime)

	got, err := s.GetAsyncConfig(ctx, acct, "shop", fc.QualifierLatest, "checkout")
	require.NoError(t, err)
	assert.Equal(t, put, got, "'' and LATEST are the same config")

	// A put replaces the whole config but keeps its creation time.
	replaced, err := s.PutAsyncConfig(ctx, acct, "shop", "LATEST", "checkout", fc.AsyncConfigInput{MaxAsyncEventAgeInSeconds: ptr(int64(60))})
	require.NoError(t, err)
	assert.Nil(t, replaced.MaxAsyncRetryAttempts)
	assert.Nil(t, replaced.DestinationConfig.OnFailure)
	assert.Equal(t, put.CreatedTime, replaced.CreatedTime)

	mustPublish(t, s, "shop")
	mustAlias(t, s, "shop", "live", "1")
	_, err = s.PutAsyncConfig(ctx, acct, "shop", "live", "checkout", fc.AsyncConfigInput{StatefulInvocation: ptr(true)})
	require.NoError(t, err)
	_, err = s.PutAsyncConfig(ctx, acct, "shop", "1", "checkout", fc.AsyncConfigInput{})
	require.NoError(t, err)

	page, err := s.ListAsyncConfigs(ctx, acct, "shop", "checkout", fc.ListOptions{Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, []string{"1", "LATEST"}, qualifiers(page.Configs))
	page, err = s.ListAsyncConfigs(ctx, acct, "shop", "checkout", fc.ListOptions{NextToken: page.NextToken})
	require.NoError(t, err)
	assert.Equal(t, []string{"live"}, qualifiers(page.Configs))
	assert.True(t, page.Configs[0].StatefulInvocation)
}

func TestAsyncConfigErrorsNameTheMissingLevel(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	put := func(service, qualifier, function string) error {
		_, err := s.PutAsyncConfig(ctx, acct, service, qualifier, function, fc.AsyncConfigInput{})
		return err
	}
	requireCode(t, put("shop", "", "checkout"), fc.CodeServiceNotFound)
	mustService(t, s, "shop")
	requireCode(t, put("shop", "", "checkout"), fc.CodeFunctionNotFound)
	mustFunction(t, s, "shop", "checkout", "v1")
	requireCode(t, put("shop", "live", "checkout"), fc.CodeAliasNotFound)
	requireCode(t, put("shop", "7", "checkout"), fc.CodeVersionNotFound)

	_, err := s.GetAsyncConfig(ctx, acct, "shop", "", "checkout")
	requireCode(t, err, fc.CodeAsyncConfigNotExists)
	_, err = s.GetAsyncConfig(ctx, acct, "shop", "", "nope")
	requireCode(t, err, fc.CodeFunctionNotFound)
	requireCode(t, s.DeleteAsyncConfig(ctx, acct, "shop", "", "checkout"), fc.CodeAsyncConfigNotExists)
	_, err = s.ListAsyncConfigs(ctx, acct, "gone", "checkout", fc.ListOptions{})
	requireCode(t, err, fc.CodeServiceNotFound)
	page, err := s.ListAsyncConfigs(ctx, acct, "shop", "checkout", fc.ListOptions{})
	require.NoError(t, err)
	assert.Equal(t, []fc.AsyncConfig{}, page.Configs)
}

func TestDeletingAFunctionDeletesItsAsyncConfigs(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	mustFunction(t, s, "shop", "checkout", "v1")
	mustFunction(t, s, "shop", "checkout2", "v1")
	for _, f := range []string{"checkout", "checkout2"} {
		_, err := s.PutAsyncConfig(ctx, acct, "shop", "", f, fc.AsyncConfigInput{MaxAsyncRetryAttempts: ptr(int64(0))})
		require.NoError(t, err)
	}
	require.NoError(t, s.DeleteAsyncConfig(ctx, acct, "shop", "LATEST", "checkout2"))
	_, err := s.PutAsyncConfig(ctx, acct, "shop", "", "checkout2", fc.AsyncConfigInput{})
	require.NoError(t, err)

	// checkout has a config per qualifier: each goes with it.
	_, err = s.PublishVersion(ctx, acct, "shop", "", "")
	require.NoError(t, err)
	_, err = s.PutAsyncConfig(ctx, acct, "shop", "1", "checkout", fc.AsyncConfigInput{MaxAsyncRetryAttempts: ptr(int64(1))})
	require.NoError(t, err)

	require.NoError(t, s.DeleteFunction(ctx, acct, "shop", "checkout", ""))
	mustFunction(t, s, "shop", "checkout", "v2")
	_, err = s.GetAsyncConfig(ctx, acct, "shop", "", "checkout")
	requireCode(t, err, fc.CodeAsyncConfigNotExists)
	left, err := s.ListAsyncConfigs(ctx, acct, "shop", "checkout", fc.ListOptions{})
	require.NoError(t, err)
	assert.Empty(t, left.Configs, "no qualifier keeps a config of the deleted function")
	_, err = s.GetAsyncConfig(ctx, acct, "shop", "", "checkout2")
	assert.NoError(t, err, "a function whose name starts the same keeps its config")
}

func qualifiers(cs []fc.AsyncConfig) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Qualifier)
	}
	return out
}
