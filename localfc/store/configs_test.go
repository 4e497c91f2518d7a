package store

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

// published makes service shop with function f, version 1 and alias live.
func published(t testing.TB, s *BoltStore) {
	t.Helper()
	mustService(t, s, "shop")
	mustFunction(t, s, "shop", "f", "v1")
	mustPublish(t, s, "shop")
	mustAlias(t, s, "shop", "live", "1")
}

func TestProvisionConfigsArePutReadAndReleasedWithTargetZero(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	published(t, s)

	none, err := s.GetProvisionConfig(ctx, acct, "shop", "live", "f")
	require.NoError(t, err)
	assert.Equal(t, fc.ProvisionConfig{Resource: acct + "#shop#live#f"}, none, "never set reads as target 0")

	pc, err := s.PutProvisionConfig(ctx, acct, "shop", "live", "f", 5, "")
	require.NoError(t, err)
	assert.Equal(t, int64(5), pc.Target)
	assert.NotEmpty(t, pc.ETag)
	got, err := s.GetProvisionConfig(ctx, acct, "shop", "live", "f")
	require.NoError(t, err)
	assert.Equal(t, pc, got)

	_, err = s.PutProvisionConfig(ctx, acct, "shop", "live", "f", 7, "stale")
	requireCode(t, err, fc.CodePreconditionFailed)
	pc2, err := s.PutProvisionConfig(ctx, acct, "shop", "live", "f", 7, pc.ETag)
	require.NoError(t, err)
	assert.NotEqual(t, pc.ETag, pc2.ETag)

	_, err = s.PutProvisionConfig(ctx, acct, "shop", "live", "f", 0, pc2.ETag)
	require.NoError(t, err)
	list, err := s.ListProvisionConfigs(ctx, acct, "", "", fc.ListOptions{})
	require.NoError(t, err)
	assert.Empty(t, list.ProvisionConfigs, "target 0 releases the config")
}

func TestProvisionConfigsNeedAnExistingAliasAndFunction(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	published(t, s)
	mustFunction(t, s, "shop", "unpublished", "x")
	for _, tc := range []struct {
		service, alias, function, code string
	}{
		{"nope", "live", "f", fc.CodeServiceNotFound},
		{"shop", "gone", "f", fc.CodeAliasNotFound},
		{"shop", "live", "nope", fc.CodeFunctionNotFound},
		{"shop", "live", "unpublished", fc.CodeFunctionNotFound},
	} {
		_, err := s.PutProvisionConfig(ctx, acct, tc.service, tc.alias, tc.function, 1, "")
		requireCode(t, err, tc.code)
		_, err = s.GetProvisionConfig(ctx, acct, tc.service, tc.alias, tc.function)
		requireCode(t, err, tc.code)
	}
	_, err := s.PutProvisionConfig(ctx, acct, "shop", "live", "f", 1, "some-etag")
	requireCode(t, err, fc.CodePreconditionFailed)
}

func TestProvisionConfigsListByServiceAndAliasAndGoWithTheirAlias(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	published(t, s)
	mustAlias(t, s, "shop", "canary", "1")
	mustService(t, s, "blog")
	mustFunction(t, s, "blog", "g", "b")
	mustPublish(t, s, "blog")
	mustAlias(t, s, "blog", "live", "1")
	for _, r := range [][3]string{{"shop", "live", "f"}, {"shop", "canary", "f"}, {"blog", "live", "g"}} {
		_, err := s.PutProvisionConfig(ctx, acct, r[0], r[1], r[2], 2, "")
		require.NoError(t, err)
	}
	resources := func(service, alias string, limit int) []string {
		t.Helper()
		var out []string
		token := ""
		for {
			page, err := s.ListProvisionConfigs(ctx, acct, service, alias, fc.ListOptions{Limit: limit, NextToken: token})
			require.NoError(t, err)
			for _, pc := range page.ProvisionConfigs {
				out = append(out, pc.Resource)
			}
			if page.NextToken == "" {
				return out
			}
			token = page.NextToken
		}
	}
	assert.Equal(t, []string{acct + "#blog#live#g", acct + "#shop#canary#f", acct + "#shop#live#f"}, resources("", "", 1))
	assert.Equal(t, []string{acct + "#shop#canary#f", acct + "#shop#live#f"}, resources("shop", "", 0))
	assert.Equal(t, []string{acct + "#shop#live#f"}, resources("shop", "live", 0))

	require.NoError(t, s.DeleteAlias(ctx, acct, "shop", "canary", ""))
	assert.Equal(t, []string{acct + "#shop#live#f"}, resources("shop", "", 0), "deleting an alias drops its provision configs")
}

func TestOnDemandConfigsArePutReadDeletedAndGuardedByETag(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	published(t, s)

	_, err := s.GetOnDemandConfig(ctx, acct, "shop", "LATEST", "f")
	requireCode(t, err, fc.CodeOnDemandConfigNotFound)
	_, err = s.PutOnDemandConfig(ctx, acct, "shop", "LATEST", "f", 10, "etag-of-nothing")
	requireCode(t, err, fc.CodePreconditionFailed)

	oc, err := s.PutOnDemandConfig(ctx, acct, "shop", "LATEST", "f", 10, "")
	require.NoError(t, err)
	assert.Equal(t, "services/shop.LATEST/functions/f", oc.Resource)
	assert.Equal(t, int64(10), oc.MaximumInstanceCount)
	got, err := s.GetOnDemandConfig(ctx, acct, "shop", "LATEST", "f")
	require.NoError(t, err)
	assert.Equal(t, oc, got)

	for _, q := range []string{"1", "live"} {
		_, err := s.PutOnDemandConfig(ctx, acct, "shop", q, "f", 3, "")
		require.NoError(t, err, "qualifier %s: a version and an alias take configs too", q)
	}
	requireCode(t, s.DeleteOnDemandConfig(ctx, acct, "shop", "LATEST", "f", "stale"), fc.CodePreconditionFailed)
	require.NoError(t, s.DeleteOnDemandConfig(ctx, acct, "shop", "LATEST", "f", oc.ETag))
	requireCode(t, s.DeleteOnDemandConfig(ctx, acct, "shop", "LATEST", "f", ""), fc.CodeOnDemandConfigNotFound)

	for _, tc := range []struct{ service, q, function, code string }{
		{"nope", "LATEST", "f", fc.CodeServiceNotFound},
		{"shop", "LATEST", "nope", fc.CodeFunctionNotFound},
		{"shop", "9", "f", fc.CodeVersionNotFound},
		{"shop", "gone", "f", fc.CodeAliasNotFound},
	} {
		_, err := s.PutOnDemandConfig(ctx, acct, tc.service, tc.q, tc.function, 1, "")
		requireCode(t, err, tc.code)
	}
}

func TestOnDemandConfigsListByResourceAndGoWithTheirFunction(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	published(t, s)
	mustFunction(t, s, "shop", "g", "g")
	for _, r := range [][2]string{{"LATEST", "f"}, {"LATEST", "g"}, {"live", "f"}, {"1", "f"}} {
		_, err := s.PutOnDemandConfig(ctx, acct, "shop", r[0], r[1], 1, "")
		require.NoError(t, err)
	}
	list := func(opt fc.ListOptions) []string {
		t.Helper()
		page, err := s.ListOnDemandConfigs(ctx, acct, opt)
		require.NoError(t, err)
		var out []string
		for _, c := range page.Configs {
			out = append(out, c.Resource)
		}
		return out
	}
	assert.Equal(t, []string{"services/shop.1/functions/f", "services/shop.LATEST/functions/f", "services/shop.LATEST/functions/g", "services/shop.live/functions/f"}, list(fc.ListOptions{}))
	assert.Equal(t, []string{"services/shop.LATEST/functions/f", "services/shop.LATEST/functions/g"}, list(fc.ListOptions{Prefix: "services/shop.LATEST/"}))
	page, err := s.ListOnDemandConfigs(ctx, acct, fc.ListOptions{Limit: 3})
	require.NoError(t, err)
	assert.Len(t, page.Configs, 3)
	assert.Equal(t, []string{"services/shop.live/functions/f"}, list(fc.ListOptions{NextToken: page.NextToken}))

	require.NoError(t, s.DeleteFunction(ctx, acct, "shop", "g", ""))
	assert.NotContains(t, list(fc.ListOptions{}), "services/shop.LATEST/functions/g", "deleting a function drops its LATEST config")
	require.NoError(t, s.DeleteAlias(ctx, acct, "shop", "live", ""))
	require.NoError(t, s.DeleteVersion(ctx, acct, "shop", "1"))
	assert.Equal(t, []string{"services/shop.LATEST/functions/f"}, list(fc.ListOptions{}), "alias and version configs go with them")
}

func TestAllProvisionConfigsWalksEveryAccount(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	published(t, s)
	_, err := s.PutProvisionConfig(ctx, acct, "shop", "live", "f", 2, "")
	require.NoError(t, err)
	_, err = s.CreateService(ctx, "other", fc.ServiceInput{ServiceName: "shop"})
	require.NoError(t, err)
	_, err = s.CreateFunction(ctx, "other", "shop", fc.FunctionInput{FunctionName: "g", Runtime: ptr("python3"), Handler: ptr("index.handler")}, blob("g"))
	require.NoError(t, err)
	_, err = s.PublishVersion(ctx, "other", "shop", "", "")
	require.NoError(t, err)
	_, err = s.CreateAlias(ctx, "other", "shop", fc.AliasInput{AliasName: "prod", VersionID: ptr("1")})
	require.NoError(t, err)
	_, err = s.PutProvisionConfig(ctx, "other", "shop", "prod", "g", 7, "")
	require.NoError(t, err)

	refs, err := s.AllProvisionConfigs(ctx)
	require.NoError(t, err)
	assert.ElementsMatch(t, []ProvisionRef{
		{AccountID: acct, ServiceName: "shop", Alias: "live", FunctionName: "f", Target: 2},
		{AccountID: "other", ServiceName: "shop", Alias: "prod", FunctionName: "g", Target: 7},
	}, refs)
}

func TestDeletingAnAliasDropsItsConfigsAndKeepsTheServicesTags(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	published(t, s)
	require.NoError(t, s.TagService(ctx, acct, "shop", map[string]string{"team": "web"}))
	_, err := s.PutProvisionConfig(ctx, acct, "shop", "live", "f", 1, "")
	require.NoError(t, err)
	_, err = s.PutOnDemandConfig(ctx, acct, "shop", "live", "f", 1, "")
	require.NoError(t, err)

	require.NoError(t, s.DeleteAlias(ctx, acct, "shop", "live", ""))
	provision, err := s.ListProvisionConfigs(ctx, acct, "shop", "", fc.ListOptions{})
	require.NoError(t, err)
	assert.Empty(t, provision.ProvisionConfigs, "the alias's provision config went with it")
	onDemand, err := s.ListOnDemandConfigs(ctx, acct, fc.ListOptions{})
	require.NoError(t, err)
	assert.Empty(t, onDemand.Configs, "and so did its on-demand config")
	tags, err := s.GetServiceTags(ctx, acct, "shop")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"team": "web"}, tags, "tags belong to the service, not the alias")
}

func TestDeletingAServiceDropsItsTagsAfterItsConfigs(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	mustFunction(t, s, "shop", "f", "v1")
	require.NoError(t, s.TagService(ctx, acct, "shop", map[string]string{"team": "web"}))
	_, err := s.PutOnDemandConfig(ctx, acct, "shop", "LATEST", "f", 1, "")
	require.NoError(t, err)
	require.NoError(t, s.DeleteFunction(ctx, acct, "shop", "f", ""))
	require.NoError(t, s.DeleteService(ctx, acct, "shop", ""))

	mustService(t, s, "shop")
	tags, err := s.GetServiceTags(ctx, acct, "shop")
	require.NoError(t, err)
	assert.Empty(t, tags)
}
