package promote_test

import (
	"context"
	"encoding/base64"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/planner"
	"github.com/fcdeploy/fcdeploy/promote"
)

func TestOnlyCodeThatIsUploadedMakesAPromotionPlanStale(t *testing.T) {
	configOnly := planner.Change{Kind: planner.KindFunction, Action: planner.ActionUpdate, Service: "shop", Function: "api", Address: "function.shop/api"}
	kept := configOnly
	kept.Code = &planner.CodeChange{After: "111"}
	trigger := planner.Change{Kind: planner.KindTrigger, Action: planner.ActionUpdate, Service: "shop", Function: "api", Address: "trigger.shop/api/web",
		Code: &planner.CodeChange{Upload: true, After: "222"}}
	saved := &planner.Plan{Changes: []planner.Change{configOnly, kept, trigger}}
	assert.Empty(t, promote.StaleCode(saved, &planner.Plan{}), "no function code was uploaded by the saved plan")
}

// descendingLayers lists layer versions newest first.
type descendingLayers struct{ *fc.Client }

func (d descendingLayers) ListAllLayerVersions(ctx context.Context, layer string) ([]fc.Layer, error) {
	vs, err := d.Client.ListAllLayerVersions(ctx, layer)
	slices.Reverse(vs)
	return vs, err
}

func TestTheNewestLayerVersionIsFoundWhateverOrderTheListComesIn(t *testing.T) {
	ctx := context.Background()
	c := staging(t, zipOf(t, "def handler(e, c): return 'v1'"))
	v2 := zipOf(t, "VALUE = 2")
	for _, z := range [][]byte{zipOf(t, "VALUE = 1"), v2} {
		_, err := c.PublishLayerVersion(ctx, "deps", fc.PublishLayerVersionInput{Code: &fc.Code{ZipFile: base64.StdEncoding.EncodeToString(z)}})
		require.NoError(t, err)
	}
	src, err := promote.ReadSource(ctx, descendingLayers{c}, "staging", withLayer(shopProject("api")), "")
	require.NoError(t, err)
	require.Len(t, src.Layers(), 1)
	assert.Equal(t, int32(2), src.Layers()[0].Version)
	assert.Equal(t, fc.CodeChecksum(v2), src.Layers()[0].Checksum)

	_, err = src.LayerCode(ctx, "other", fc.CodeChecksum(v2))
	assert.ErrorContains(t, err, "layer other: not read from staging")
}

// functionsOnly can read functions but not layers.
type functionsOnly struct{ promote.API }

func TestAProjectWithoutLayersNeedsNoLayerAPI(t *testing.T) {
	c := staging(t, zipOf(t, "def handler(e, c): return 'v1'"))
	_, err := promote.ReadSource(context.Background(), functionsOnly{c}, "staging", shopProject("api"), "")
	require.NoError(t, err)
	_, err = promote.ReadSource(context.Background(), functionsOnly{c}, "staging", withLayer(shopProject("api")), "")
	assert.ErrorContains(t, err, "the project declares layers and the API given cannot read them")
}

func TestConfigDifferencesLeaveOutAliasesAndWhatTheSourceDoesNotHave(t *testing.T) {
	ctx := context.Background()
	c := staging(t, zipOf(t, "v1"))
	v, err := c.PublishVersion(ctx, "shop", "", "")
	require.NoError(t, err)
	_, err = c.CreateAlias(ctx, "shop", fc.AliasInput{AliasName: "live", VersionID: &v.VersionID})
	require.NoError(t, err)
	live, err := planner.ReadLive(ctx, c, []string{"shop"}, planner.ReadOptions{})
	require.NoError(t, err)
	f, err := c.GetFunction(ctx, "shop", "", "api")
	require.NoError(t, err)

	rt, h, desc := "python3", "index.handler", "the destination's own"
	desired := &planner.Desired{Project: "shop", Services: []planner.DesiredService{{
		Name: "shop",
		Functions: []planner.DesiredFunction{
			{Name: "api", Config: fc.FunctionInput{FunctionName: "api", Runtime: &rt, Handler: &h}, Code: planner.DesiredCode{Checksum: f.CodeChecksum}},
			{Name: "worker", Config: fc.FunctionInput{FunctionName: "worker", Runtime: &rt, Handler: &h}, Code: planner.DesiredCode{Checksum: f.CodeChecksum}},
		},
		Aliases: []planner.DesiredAlias{{Name: "live", Version: v.VersionID, Description: desc}},
	}}}
	plan, err := planner.Diff(desired, live, planner.Options{})
	require.NoError(t, err)
	require.NotNil(t, plan.Change("alias.shop/live"), "the alias differs")
	require.NotNil(t, plan.Change("function.shop/worker"), "the worker is new")

	diffs, err := promote.ConfigDifferences(desired, live)
	require.NoError(t, err)
	for _, d := range diffs {
		assert.Equal(t, "function.shop/api", d.Address, "%s %s", d.Address, d.Path)
	}
}
