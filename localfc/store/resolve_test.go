package store

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func TestResolveFunctionGivesConfigAndCodeAsOfTheQualifier(t *testing.T) {
	t.Parallel()
	s := threeVersions(t)
	ctx := context.Background()
	_, err := s.UpdateService(ctx, acct, "shop", fc.ServiceInput{Description: ptr("latest")}, "")
	require.NoError(t, err)
	_, err = s.CreateAlias(ctx, acct, "shop", fc.AliasInput{
		AliasName: "live", VersionID: ptr("2"), AdditionalVersionWeight: map[string]float64{"3": 0.2},
	})
	require.NoError(t, err)

	r, code, err := s.ResolveFunction(ctx, acct, "shop", "live", "checkout")
	require.NoError(t, err)
	assert.Equal(t, "2", r.VersionID)
	assert.Equal(t, "3", r.AdditionalVersionID)
	assert.InDelta(t, 0.2, r.AdditionalWeight, 1e-9)
	assert.Equal(t, "d", r.Service.Description, "the service as of the version")
	assert.Equal(t, "checkout", r.Function.FunctionName)
	assert.Equal(t, *blob("v2"), code)
	assert.Equal(t, code.Checksum, r.Function.CodeChecksum)

	r, code, err = s.ResolveFunction(ctx, acct, "shop", "", "checkout")
	require.NoError(t, err)
	assert.Empty(t, r.VersionID)
	assert.Empty(t, r.AdditionalVersionID)
	assert.Equal(t, "latest", r.Service.Description)
	assert.Equal(t, *blob("v3"), code)

	_, _, err = s.ResolveFunction(ctx, acct, "shop", "live", "nope")
	requireCode(t, err, fc.CodeFunctionNotFound)
	_, _, err = s.ResolveFunction(ctx, acct, "nope", "", "checkout")
	requireCode(t, err, fc.CodeServiceNotFound)
}

func TestAllTriggersWalksEveryAccount(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	mustService(t, s, "shop")
	mustFunction(t, s, "shop", "checkout", "v1")
	mustTrigger(t, s, "shop", "checkout", "nightly")
	mustTrigger(t, s, "shop", "checkout", "hourly")
	_, err := s.CreateService(ctx, "999", fc.ServiceInput{ServiceName: "other"})
	require.NoError(t, err)
	_, err = s.CreateFunction(ctx, "999", "other", fc.FunctionInput{FunctionName: "f"}, blob("o"))
	require.NoError(t, err)
	_, err = s.CreateTrigger(ctx, "999", "other", "f", fc.TriggerInput{TriggerName: "web", TriggerType: "http", Qualifier: ptr("live")})
	require.NoError(t, err)

	refs, err := s.AllTriggers(ctx)
	require.NoError(t, err)
	var got []string
	for _, r := range refs {
		got = append(got, r.AccountID+"/"+r.ServiceName+"/"+r.FunctionName+"/"+r.Trigger.TriggerName+"@"+r.Trigger.Qualifier)
	}
	assert.Equal(t, []string{
		acct + "/shop/checkout/hourly@LATEST",
		acct + "/shop/checkout/nightly@LATEST",
		"999/other/f/web@live",
	}, got)
}
