package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func TestTagsAreAddedReplacedAndRemoved(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")

	tags, err := s.GetServiceTags(ctx, acct, "shop")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{}, tags, "no tags is an empty map")

	require.NoError(t, s.TagService(ctx, acct, "shop", map[string]string{"team": "a", "env": "prod"}))
	require.NoError(t, s.TagService(ctx, acct, "shop", map[string]string{"team": "b", "cost": ""}))
	tags, err = s.GetServiceTags(ctx, acct, "shop")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"team": "b", "env": "prod", "cost": ""}, tags)

	require.NoError(t, s.UntagService(ctx, acct, "shop", []string{"env", "absent"}, false))
	tags, err = s.GetServiceTags(ctx, acct, "shop")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"team": "b", "cost": ""}, tags)

	require.NoError(t, s.UntagService(ctx, acct, "shop", nil, true))
	tags, err = s.GetServiceTags(ctx, acct, "shop")
	require.NoError(t, err)
	assert.Empty(t, tags)
}

func TestTagsBelongToAnExistingServiceAndGoWithIt(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	requireCode(t, s.TagService(ctx, acct, "nope", map[string]string{"a": "b"}), fc.CodeServiceNotFound)
	requireCode(t, s.UntagService(ctx, acct, "nope", nil, true), fc.CodeServiceNotFound)
	_, err := s.GetServiceTags(ctx, acct, "nope")
	requireCode(t, err, fc.CodeServiceNotFound)

	mustService(t, s, "shop")
	require.NoError(t, s.TagService(ctx, acct, "shop", map[string]string{"a": "b"}))
	require.NoError(t, s.DeleteService(ctx, acct, "shop", ""))
	mustService(t, s, "shop")
	tags, err := s.GetServiceTags(ctx, acct, "shop")
	require.NoError(t, err)
	assert.Empty(t, tags, "a recreated service starts without the old one's tags")
}

func TestAServiceTakesAtMostTwentyTags(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	many := map[string]string{}
	for i := range fc.MaxTagsPerService {
		many[fmt.Sprintf("k%d", i)] = "v"
	}
	require.NoError(t, s.TagService(ctx, acct, "shop", many))
	require.NoError(t, s.TagService(ctx, acct, "shop", map[string]string{"k0": "replaced"}), "replacing a key adds none")
	requireCode(t, s.TagService(ctx, acct, "shop", map[string]string{"one-more": "v"}), fc.CodeInvalidArgument)
	tags, err := s.GetServiceTags(ctx, acct, "shop")
	require.NoError(t, err)
	assert.Len(t, tags, fc.MaxTagsPerService, "the refused write changed nothing")
	assert.Equal(t, "replaced", tags["k0"])
}

func TestListServicesByTagsPagesThroughOnlyTheServicesCarryingEveryTag(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	for i, name := range []string{"a", "b", "c", "d", "e"} {
		mustService(t, s, name)
		tags := map[string]string{"fcdeploy:project": "shop"}
		if i%2 == 1 {
			tags["fcdeploy:project"] = "blog"
		}
		if name == "e" {
			tags["tier"] = "gold"
		}
		require.NoError(t, s.TagService(ctx, acct, name, tags))
	}
	mustService(t, s, "untagged")
	names := func(tags map[string]string, limit int) []string {
		t.Helper()
		var out []string
		token := ""
		for {
			page, err := s.ListServicesByTags(ctx, acct, fc.ListOptions{Limit: limit, NextToken: token}, tags)
			require.NoError(t, err)
			if limit > 0 {
				assert.LessOrEqual(t, len(page.Services), limit)
			}
			for _, svc := range page.Services {
				out = append(out, svc.ServiceName)
			}
			if page.NextToken == "" {
				return out
			}
			assert.Len(t, page.Services, limit, "a page is only short when it is the last")
			token = page.NextToken
		}
	}
	assert.Equal(t, []string{"a", "c", "e"}, names(map[string]string{"fcdeploy:project": "shop"}, 1))
	assert.Equal(t, []string{"b", "d"}, names(map[string]string{"fcdeploy:project": "blog"}, 0))
	assert.Equal(t, []string{"e"}, names(map[string]string{"fcdeploy:project": "shop", "tier": "gold"}, 2))
	assert.Empty(t, names(map[string]string{"tier": "silver"}, 0))
}

func TestTagsAndConfigsSurviveCloseAndReopen(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	published(t, s)
	require.NoError(t, s.TagService(ctx, acct, "shop", map[string]string{"a": "b"}))
	pc, err := s.PutProvisionConfig(ctx, acct, "shop", "live", "f", 4, "")
	require.NoError(t, err)
	oc, err := s.PutOnDemandConfig(ctx, acct, "shop", "LATEST", "f", 9, "")
	require.NoError(t, err)
	require.NoError(t, s.Close())

	s2, err := Open(s.Path())
	require.NoError(t, err)
	defer s2.Close()
	tags, err := s2.GetServiceTags(ctx, acct, "shop")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"a": "b"}, tags)
	gotPC, err := s2.GetProvisionConfig(ctx, acct, "shop", "live", "f")
	require.NoError(t, err)
	assert.Equal(t, pc, gotPC)
	gotOC, err := s2.GetOnDemandConfig(ctx, acct, "shop", "LATEST", "f")
	require.NoError(t, err)
	assert.Equal(t, oc, gotOC)
}

func TestListingByTagsInAnAccountNeverTaggedFindsNothing(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	mustService(t, s, "shop")
	out, err := s.ListServicesByTags(context.Background(), acct, fc.ListOptions{}, map[string]string{"team": "web"})
	require.NoError(t, err)
	assert.Empty(t, out.Services)
}
