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
