package fc_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

// publishedFunction makes service s with function f, version 1 and alias live.
func publishedFunction(t *testing.T, c *fc.Client) {
	t.Helper()
	ctx := context.Background()
	_, err := c.CreateService(ctx, fc.ServiceInput{ServiceName: "s"})
	require.NoError(t, err)
	_, err = c.CreateFunction(ctx, "s", fc.FunctionInput{FunctionName: "f", Runtime: ptr("python3"), Handler: ptr("index.handler"), Code: code(zipOf(t, "index.py", "x"))})
	require.NoError(t, err)
	v, err := c.PublishVersion(ctx, "s", "", "")
	require.NoError(t, err)
	_, err = c.CreateAlias(ctx, "s", fc.AliasInput{AliasName: "live", VersionID: &v.VersionID})
	require.NoError(t, err)
}

func TestProvisionConfigsRoundTripThroughTheClientWithETags(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClient(t)
	publishedFunction(t, c)

	none, err := c.GetProvisionConfig(ctx, "s", "live", "f")
	require.NoError(t, err)
	assert.Equal(t, int64(0), none.Target)
	assert.Equal(t, "1234567890#s#live#f", none.Resource)

	pc, err := c.PutProvisionConfig(ctx, "s", "live", "f", fc.ProvisionConfigInput{Target: 3}, "")
	require.NoError(t, err)
	assert.Equal(t, int64(3), pc.Target)
	require.NotEmpty(t, pc.ETag)

	got, err := c.GetProvisionConfig(ctx, "s", "live", "f")
	require.NoError(t, err)
	assert.Equal(t, int64(3), got.Target)
	assert.Equal(t, int64(0), got.Current, "the local Function Compute keeps no provisioned instances running")
	assert.Equal(t, pc.ETag, got.ETag)

	_, err = c.PutProvisionConfig(ctx, "s", "live", "f", fc.ProvisionConfigInput{Target: 4}, "stale")
	assert.True(t, fc.IsPreconditionFailed(err), "got %v", err)
	_, err = c.PutProvisionConfig(ctx, "s", "live", "f", fc.ProvisionConfigInput{Target: 4}, pc.ETag)
	require.NoError(t, err)

	all, err := c.ListAllProvisionConfigs(ctx, "s", "live")
	require.NoError(t, err)
	require.Len(t, all, 1)
	assert.Equal(t, int64(4), all[0].Target)
	other, err := c.ListAllProvisionConfigs(ctx, "other", "")
	require.NoError(t, err)
	assert.Empty(t, other)
}

func TestProvisionConfigErrorsAreTyped(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClient(t)
	publishedFunction(t, c)
	_, err := c.PutProvisionConfig(ctx, "s", "nope", "f", fc.ProvisionConfigInput{Target: 1}, "")
	assert.True(t, fc.IsCode(err, fc.CodeAliasNotFound), "got %v", err)
	_, err = c.GetProvisionConfig(ctx, "s", "live", "nope")
	assert.True(t, fc.IsCode(err, fc.CodeFunctionNotFound), "got %v", err)
	_, err = c.PutProvisionConfig(ctx, "s", "LATEST", "f", fc.ProvisionConfigInput{Target: 1}, "")
	assert.True(t, fc.IsCode(err, fc.CodeInvalidArgument), "got %v", err)
	_, err = c.PutProvisionConfig(ctx, "s", "live", "f", fc.ProvisionConfigInput{Target: -1}, "")
	assert.True(t, fc.IsCode(err, fc.CodeInvalidArgument), "got %v", err)
	_, err = c.GetProvisionConfig(ctx, "s", "", "f")
	assert.ErrorContains(t, err, "qualifier is required", "refused before sending")
}

func TestOnDemandConfigsRoundTripThroughTheClientWithETags(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClient(t)
	publishedFunction(t, c)

	_, err := c.GetOnDemandConfig(ctx, "s", "LATEST", "f")
	assert.True(t, fc.IsCode(err, fc.CodeOnDemandConfigNotFound), "got %v", err)
	assert.True(t, fc.IsNotFound(err))

	oc, err := c.PutOnDemandConfig(ctx, "s", "LATEST", "f", fc.OnDemandConfigInput{MaximumInstanceCount: 20}, "")
	require.NoError(t, err)
	assert.Equal(t, "services/s.LATEST/functions/f", oc.Resource)
	require.NotEmpty(t, oc.ETag)
	_, err = c.PutOnDemandConfig(ctx, "s", "live", "f", fc.OnDemandConfigInput{MaximumInstanceCount: 5}, "")
	require.NoError(t, err)

	got, err := c.GetOnDemandConfig(ctx, "s", "LATEST", "f")
	require.NoError(t, err)
	assert.Equal(t, int64(20), got.MaximumInstanceCount)

	all, err := c.ListAllOnDemandConfigs(ctx, "services/s.")
	require.NoError(t, err)
	require.Len(t, all, 2)
	assert.Equal(t, "services/s.LATEST/functions/f", all[0].Resource)
	assert.Equal(t, "services/s.live/functions/f", all[1].Resource)

	err = c.DeleteOnDemandConfig(ctx, "s", "LATEST", "f", "stale")
	assert.True(t, fc.IsPreconditionFailed(err), "got %v", err)
	require.NoError(t, c.DeleteOnDemandConfig(ctx, "s", "LATEST", "f", got.ETag))
	err = c.DeleteOnDemandConfig(ctx, "s", "LATEST", "f", "")
	assert.True(t, fc.IsCode(err, fc.CodeOnDemandConfigNotFound), "got %v", err)

	_, err = c.PutOnDemandConfig(ctx, "s", "LATEST", "f", fc.OnDemandConfigInput{MaximumInstanceCount: 301}, "")
	assert.True(t, fc.IsCode(err, fc.CodeInvalidArgument), "got %v", err)
	_, err = c.PutOnDemandConfig(ctx, "s", "9", "f", fc.OnDemandConfigInput{MaximumInstanceCount: 1}, "")
	assert.True(t, fc.IsCode(err, fc.CodeVersionNotFound), "got %v", err)
}

func TestServiceTagsAreAddedReadAndRemovedByFullOrPartialARN(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClient(t)
	_, err := c.CreateService(ctx, fc.ServiceInput{ServiceName: "s"})
	require.NoError(t, err)
	full := fc.ServiceARN("local", "1234567890", "s")

	require.NoError(t, c.TagResource(ctx, fc.TagResourceInput{ResourceARN: full, Tags: map[string]string{"fcdeploy:project": "shop", "team": "a"}}))
	tags, err := c.GetResourceTags(ctx, "services/s")
	require.NoError(t, err)
	assert.Equal(t, "services/s", tags.ResourceARN)
	assert.Equal(t, map[string]string{"fcdeploy:project": "shop", "team": "a"}, tags.Tags)

	require.NoError(t, c.UntagResource(ctx, fc.UntagResourceInput{ResourceARN: "services/s", TagKeys: []string{"team"}}))
	tags, err = c.GetResourceTags(ctx, full)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"fcdeploy:project": "shop"}, tags.Tags)

	require.NoError(t, c.UntagResource(ctx, fc.UntagResourceInput{ResourceARN: full, All: true}))
	tags, err = c.GetResourceTags(ctx, full)
	require.NoError(t, err)
	assert.Empty(t, tags.Tags)

	// Deleting the service takes its tags: a new service of that name has none.
	require.NoError(t, c.TagResource(ctx, fc.TagResourceInput{ResourceARN: full, Tags: map[string]string{"old": "yes"}}))
	require.NoError(t, c.DeleteService(ctx, "s", ""))
	_, err = c.GetResourceTags(ctx, full)
	assert.True(t, fc.IsCode(err, fc.CodeServiceNotFound), "got %v", err)
	_, err = c.CreateService(ctx, fc.ServiceInput{ServiceName: "s"})
	require.NoError(t, err)
	tags, err = c.GetResourceTags(ctx, full)
	require.NoError(t, err)
	assert.Empty(t, tags.Tags)

	err = c.TagResource(ctx, fc.TagResourceInput{ResourceARN: "services/s/functions/f", Tags: map[string]string{"a": "b"}})
	assert.True(t, fc.IsCode(err, fc.CodeInvalidArgument), "got %v", err)
	err = c.UntagResource(ctx, fc.UntagResourceInput{ResourceARN: "services/s"})
	assert.True(t, fc.IsCode(err, fc.CodeInvalidArgument), "no keys and not all: %v", err)
}

func TestListServicesByTagsFindsAProjectsServices(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClient(t)
	for _, name := range []string{"shop-api", "shop-web", "blog"} {
		_, err := c.CreateService(ctx, fc.ServiceInput{ServiceName: name})
		require.NoError(t, err)
	}
	for name, project := range map[string]string{"shop-api": "shop", "shop-web": "shop", "blog": "blog"} {
		require.NoError(t, c.TagResource(ctx, fc.TagResourceInput{ResourceARN: "services/" + name, Tags: map[string]string{"fcdeploy:project": project}}))
	}
	got, err := c.ListAllServicesByTags(ctx, "", map[string]string{"fcdeploy:project": "shop"})
	require.NoError(t, err)
	var names []string
	for _, s := range got {
		names = append(names, s.ServiceName)
	}
	assert.Equal(t, []string{"shop-api", "shop-web"}, names)
	page, err := c.ListServicesByTags(ctx, fc.ListOptions{Limit: 1}, map[string]string{"fcdeploy:project": "shop"})
	require.NoError(t, err)
	assert.Len(t, page.Services, 1)
	assert.NotEmpty(t, page.NextToken)
}

func TestAccountReadsThroughTheClient(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClient(t)
	settings, err := c.GetAccountSettings(ctx)
	require.NoError(t, err)
	assert.NotEmpty(t, settings.AvailableAZs)
	rc, err := c.ListAllReservedCapacities(ctx)
	require.NoError(t, err)
	assert.Empty(t, rc, "nobody buys capacity from the local Function Compute")
	_, err = c.GetTempBucketToken(ctx)
	assert.True(t, fc.IsCode(err, fc.CodeNotImplemented), "got %v", err)
}

func TestValidateTagsNamesTheProblem(t *testing.T) {
	many := map[string]string{}
	for i := range fc.MaxTagsPerRequest + 1 {
		many[string(rune('a'+i))] = ""
	}
	long := strings.Repeat("k", fc.MaxTagKeyLength+1)
	for _, tc := range []struct {
		tags map[string]string
		want string
	}{
		{map[string]string{}, "tags is empty"},
		{many, "at most 20"},
		{map[string]string{"": "v"}, "tag key is empty"},
		{map[string]string{long: "v"}, "at most 128"},
		{map[string]string{"k": strings.Repeat("v", 257)}, "at most 256"},
	} {
		assert.ErrorContains(t, fc.ValidateTags(tc.tags), tc.want)
	}
	assert.NoError(t, fc.ValidateTags(map[string]string{"k": ""}), "a value may be empty")
}
