package store

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

// threeVersions makes service shop with versions 1, 2 and 3.
func threeVersions(t *testing.T) *BoltStore {
	t.Helper()
	s := openTemp(t)
	mustService(t, s, "shop")
	mustFunction(t, s, "shop", "checkout", "v1")
	mustPublish(t, s, "shop")
	for _, code := range []string{"v2", "v3"} {
		_, err := s.UpdateFunction(context.Background(), acct, "shop", "checkout", fc.FunctionInput{}, blob(code), "")
		require.NoError(t, err)
		mustPublish(t, s, "shop")
	}
	return s
}

func TestCreateAliasPointsAtAnExistingVersion(t *testing.T) {
	t.Parallel()
	s := threeVersions(t)
	ctx := context.Background()
	al, err := s.CreateAlias(ctx, acct, "shop", fc.AliasInput{
		AliasName: "live", VersionID: ptr("2"), Description: ptr("prod traffic"),
		AdditionalVersionWeight: map[string]float64{"3": 0.25},
	})
	require.NoError(t, err)
	assert.Equal(t, "live", al.AliasName)
	assert.Equal(t, "2", al.VersionID)
	assert.Equal(t, "prod traffic", al.Description)
	assert.Equal(t, map[string]float64{"3": 0.25}, al.AdditionalVersionWeight)
	assert.NotEmpty(t, al.ETag)
	assert.NotEmpty(t, al.CreatedTime)

	got, err := s.GetAlias(ctx, acct, "shop", "live")
	require.NoError(t, err)
	assert.Equal(t, al, got)

	plain := mustAlias(t, s, "shop", "plain", "1")
	assert.NotNil(t, plain.AdditionalVersionWeight, "an absent split reads as {}")
	assert.Empty(t, plain.AdditionalVersionWeight)

	_, err = s.CreateAlias(ctx, acct, "shop", fc.AliasInput{AliasName: "live", VersionID: ptr("1")})
	requireCode(t, err, fc.CodeAliasAlreadyExists)
	_, err = s.CreateAlias(ctx, acct, "shop", fc.AliasInput{AliasName: "next", VersionID: ptr("9")})
	requireCode(t, err, fc.CodeVersionNotFound)
	_, err = s.CreateAlias(ctx, acct, "nope", fc.AliasInput{AliasName: "next", VersionID: ptr("1")})
	requireCode(t, err, fc.CodeServiceNotFound)
}

func TestAliasTrafficSplitsMustNameOneOtherVersionWithAWeightBetweenZeroAndOne(t *testing.T) {
	t.Parallel()
	s := threeVersions(t)
	cases := []struct {
		name    string
		weights map[string]float64
	}{
		{"two additional versions", map[string]float64{"1": 0.1, "3": 0.1}},
		{"the main version again", map[string]float64{"2": 0.5}},
		{"a missing version", map[string]float64{"7": 0.5}},
		{"a negative weight", map[string]float64{"1": -0.1}},
		{"a weight above one", map[string]float64{"1": 1.5}},
		{"a NaN weight", map[string]float64{"1": math.NaN()}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.CreateAlias(context.Background(), acct, "shop", fc.AliasInput{
				AliasName: "live", VersionID: ptr("2"), AdditionalVersionWeight: c.weights,
			})
			requireCode(t, err, fc.CodeInvalidArgument)
		})
	}
	for _, w := range []float64{0, 1} {
		_, err := s.CreateAlias(context.Background(), acct, "shop", fc.AliasInput{
			AliasName: "edge" + string(rune('0'+int(w))), VersionID: ptr("2"), AdditionalVersionWeight: map[string]float64{"1": w},
		})
		require.NoError(t, err, "weight %v is allowed", w)
	}
	_, err := s.CreateAlias(context.Background(), acct, "shop", fc.AliasInput{AliasName: "noversion"})
	requireCode(t, err, fc.CodeInvalidArgument)
}

func TestUpdateAliasLeavesNilFieldsUnchangedAndAnEmptySplitClears(t *testing.T) {
	t.Parallel()
	s := threeVersions(t)
	ctx := context.Background()
	before, err := s.CreateAlias(ctx, acct, "shop", fc.AliasInput{
		AliasName: "live", VersionID: ptr("2"), Description: ptr("d"),
		AdditionalVersionWeight: map[string]float64{"3": 0.5},
	})
	require.NoError(t, err)

	after, err := s.UpdateAlias(ctx, acct, "shop", "live", fc.AliasInput{VersionID: ptr("1")}, before.ETag)
	require.NoError(t, err)
	assert.Equal(t, "1", after.VersionID)
	assert.Equal(t, "d", after.Description)
	assert.Equal(t, map[string]float64{"3": 0.5}, after.AdditionalVersionWeight)
	assert.Equal(t, before.CreatedTime, after.CreatedTime)
	assert.NotEqual(t, before.ETag, after.ETag)

	_, err = s.UpdateAlias(ctx, acct, "shop", "live", fc.AliasInput{VersionID: ptr("3")}, "")
	requireCode(t, err, fc.CodeInvalidArgument) // 3 is the additional version
	_, err = s.UpdateAlias(ctx, acct, "shop", "live", fc.AliasInput{VersionID: ptr("8")}, "")
	requireCode(t, err, fc.CodeVersionNotFound)
	_, err = s.UpdateAlias(ctx, acct, "shop", "gone", fc.AliasInput{}, "")
	requireCode(t, err, fc.CodeAliasNotFound)

	after, err = s.UpdateAlias(ctx, acct, "shop", "live", fc.AliasInput{AdditionalVersionWeight: map[string]float64{}}, "")
	require.NoError(t, err)
	assert.Empty(t, after.AdditionalVersionWeight)
	assert.Equal(t, "1", after.VersionID)
}

func TestDeleteAndListAliases(t *testing.T) {
	t.Parallel()
	s := threeVersions(t)
	ctx := context.Background()
	for _, n := range []string{"staging", "live", "canary"} {
		mustAlias(t, s, "shop", n, "1")
	}
	alName := func(a fc.Alias) string { return a.AliasName }
	out, err := s.ListAliases(ctx, acct, "shop", fc.ListOptions{Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, []string{"canary", "live"}, names(out.Aliases, alName))
	out, err = s.ListAliases(ctx, acct, "shop", fc.ListOptions{NextToken: out.NextToken})
	require.NoError(t, err)
	assert.Equal(t, []string{"staging"}, names(out.Aliases, alName))
	assert.Empty(t, out.NextToken)

	live, err := s.GetAlias(ctx, acct, "shop", "live")
	require.NoError(t, err)
	require.NoError(t, s.DeleteAlias(ctx, acct, "shop", "live", live.ETag))
	requireCode(t, s.DeleteAlias(ctx, acct, "shop", "live", ""), fc.CodeAliasNotFound)
	out, err = s.ListAliases(ctx, acct, "shop", fc.ListOptions{Prefix: "l"})
	require.NoError(t, err)
	assert.Empty(t, out.Aliases)
}
