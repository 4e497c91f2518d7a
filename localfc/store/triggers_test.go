package store

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func TestTriggersAreStoredAsGivenWithLatestAsTheDefaultQualifier(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	mustFunction(t, s, "shop", "checkout", "v1")
	config := `{"authType":"anonymous","methods":["GET","POST"]}`

	tr, err := s.CreateTrigger(ctx, acct, "shop", "checkout", fc.TriggerInput{
		TriggerName: "web", TriggerType: "http", TriggerConfig: []byte(config),
	})
	require.NoError(t, err)
	assert.Equal(t, "web", tr.TriggerName)
	assert.Equal(t, "http", tr.TriggerType)
	assert.JSONEq(t, config, string(tr.TriggerConfig))
	assert.Equal(t, fc.QualifierLatest, tr.Qualifier)
	assert.NotEmpty(t, tr.ETag)
	assert.NotEmpty(t, tr.CreatedTime)

	got, err := s.GetTrigger(ctx, acct, "shop", "checkout", "web")
	require.NoError(t, err)
	assert.Equal(t, tr, got)

	withAlias, err := s.CreateTrigger(ctx, acct, "shop", "checkout", fc.TriggerInput{
		TriggerName: "nightly", TriggerType: "timer", Qualifier: ptr("live"),
	})
	require.NoError(t, err)
	assert.Equal(t, "live", withAlias.Qualifier)
	assert.JSONEq(t, `{}`, string(withAlias.TriggerConfig), "an absent config reads as an object")

	payload := `{"cronExpression":"@every 1m","enable":true,"payload":"<b>&amp;</b>"}`
	verbatim, err := s.CreateTrigger(ctx, acct, "shop", "checkout", fc.TriggerInput{
		TriggerName: "verbatim", TriggerType: "timer", TriggerConfig: []byte(payload),
	})
	require.NoError(t, err)
	got, err = s.GetTrigger(ctx, acct, "shop", "checkout", "verbatim")
	require.NoError(t, err)
	assert.Equal(t, payload, string(got.TriggerConfig), "no HTML escaping or reordering")
	assert.Equal(t, verbatim, got)

	_, err = s.CreateTrigger(ctx, acct, "shop", "checkout", fc.TriggerInput{TriggerName: "web", TriggerType: "http"})
	requireCode(t, err, fc.CodeTriggerAlreadyExists)
	_, err = s.CreateTrigger(ctx, acct, "shop", "checkout", fc.TriggerInput{TriggerName: "bad", TriggerType: "http", TriggerConfig: []byte(`[1]`)})
	requireCode(t, err, fc.CodeInvalidArgument)
}

func TestUpdateTriggerChangesOnlyGivenFields(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	mustFunction(t, s, "shop", "checkout", "v1")
	before := mustTrigger(t, s, "shop", "checkout", "nightly")

	after, err := s.UpdateTrigger(ctx, acct, "shop", "checkout", "nightly", fc.TriggerInput{
		TriggerType: "http", // ignored: a trigger's type never changes
		Qualifier:   ptr("1"),
	}, before.ETag)
	require.NoError(t, err)
	assert.Equal(t, "timer", after.TriggerType)
	assert.Equal(t, "1", after.Qualifier)
	assert.JSONEq(t, string(before.TriggerConfig), string(after.TriggerConfig))
	assert.NotEqual(t, before.ETag, after.ETag)

	after, err = s.UpdateTrigger(ctx, acct, "shop", "checkout", "nightly", fc.TriggerInput{
		TriggerConfig: []byte(`{"cronExpression":"0 0 2 * * *","enable":false}`),
	}, "")
	require.NoError(t, err)
	assert.JSONEq(t, `{"cronExpression":"0 0 2 * * *","enable":false}`, string(after.TriggerConfig))
	assert.Equal(t, "1", after.Qualifier)
}

func TestListTriggersPagesByNameWithinOneFunction(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	mustFunction(t, s, "shop", "checkout", "v1")
	mustFunction(t, s, "shop", "checkout2", "v1")
	for _, n := range []string{"t3", "t1", "t2"} {
		mustTrigger(t, s, "shop", "checkout", n)
	}
	mustTrigger(t, s, "shop", "checkout2", "t0")
	trName := func(tr fc.Trigger) string { return tr.TriggerName }

	out, err := s.ListTriggers(ctx, acct, "shop", "checkout", fc.ListOptions{Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, []string{"t1", "t2"}, names(out.Triggers, trName))
	out, err = s.ListTriggers(ctx, acct, "shop", "checkout", fc.ListOptions{Limit: 2, NextToken: out.NextToken})
	require.NoError(t, err)
	assert.Equal(t, []string{"t3"}, names(out.Triggers, trName))
	assert.Empty(t, out.NextToken)

	require.NoError(t, s.DeleteTrigger(ctx, acct, "shop", "checkout", "t2", ""))
	out, err = s.ListTriggers(ctx, acct, "shop", "checkout", fc.ListOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{"t1", "t3"}, names(out.Triggers, trName))
}
