package fc_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func TestTriggersAndAliasesAreUpdatedAndListedPageByPage(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)
	for _, s := range []string{"shop-a", "shop-b", "other"} {
		_, err := c.CreateService(ctx, fc.ServiceInput{ServiceName: s})
		require.NoError(t, err)
	}
	services, err := c.ListAllServices(ctx, "shop-")
	require.NoError(t, err)
	require.Len(t, services, 2, "only the prefix")
	assert.Equal(t, "shop-a", services[0].ServiceName)

	_, err = c.CreateFunction(ctx, "shop-a", fc.FunctionInput{FunctionName: "api", Runtime: ptr("python3"), Handler: ptr("index.handler"), Code: code(zipOf(t, "index.py", "x"))})
	require.NoError(t, err)
	var first *fc.Trigger
	for _, name := range []string{"t1", "t2", "t3"} {
		tr, err := c.CreateTrigger(ctx, "shop-a", "api", fc.TriggerInput{TriggerName: name, TriggerType: "timer", TriggerConfig: []byte(`{"cronExpression":"@every 5m","enable":true}`)})
		require.NoError(t, err)
		if first == nil {
			first = tr
		}
	}
	updated, err := c.UpdateTrigger(ctx, "shop-a", "api", "t1", fc.TriggerInput{TriggerConfig: []byte(`{"cronExpression":"@every 10m","enable":false}`)}, first.ETag)
	require.NoError(t, err)
	assert.JSONEq(t, `{"cronExpression":"@every 10m","enable":false}`, string(updated.TriggerConfig))
	assert.NotEqual(t, first.ETag, updated.ETag)
	_, err = c.UpdateTrigger(ctx, "shop-a", "api", "t1", fc.TriggerInput{}, first.ETag)
	assert.True(t, fc.IsPreconditionFailed(err), "stale If-Match: %v", err)

	page, err := c.ListTriggers(ctx, "shop-a", "api", fc.ListOptions{Limit: 2})
	require.NoError(t, err)
	assert.Len(t, page.Triggers, 2)
	assert.NotEmpty(t, page.NextToken)
	triggers, err := c.ListAllTriggers(ctx, "shop-a", "api")
	require.NoError(t, err)
	assert.Len(t, triggers, 3)

	v, err := c.PublishVersion(ctx, "shop-a", "", "")
	require.NoError(t, err)
	for _, name := range []string{"blue", "green", "live"} {
		_, err := c.CreateAlias(ctx, "shop-a", fc.AliasInput{AliasName: name, VersionID: &v.VersionID})
		require.NoError(t, err)
	}
	live, err := c.GetAlias(ctx, "shop-a", "live")
	require.NoError(t, err)
	moved, err := c.UpdateAlias(ctx, "shop-a", "live", fc.AliasInput{Description: ptr("moved")}, live.ETag)
	require.NoError(t, err)
	assert.Equal(t, "moved", moved.Description)
	_, err = c.UpdateAlias(ctx, "shop-a", "live", fc.AliasInput{Description: ptr("again")}, live.ETag)
	assert.True(t, fc.IsPreconditionFailed(err), "stale If-Match: %v", err)

	aliases, err := c.ListAliases(ctx, "shop-a", fc.ListOptions{Limit: 2})
	require.NoError(t, err)
	assert.Len(t, aliases.Aliases, 2)
	assert.NotEmpty(t, aliases.NextToken)
	all, err := c.ListAllAliases(ctx, "shop-a")
	require.NoError(t, err)
	assert.Len(t, all, 3)
}
