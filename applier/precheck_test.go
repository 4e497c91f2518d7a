package applier

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/planner"
)

func TestATagChangeNeedsAnAPIThatCanWriteTags(t *testing.T) {
	t.Parallel()
	plan := &planner.Plan{Changes: []planner.Change{{Address: "service.shop", Kind: planner.KindService, Action: planner.ActionUpdate, Service: "shop", Tags: map[string]string{"team": "web"}}}}
	assert.ErrorContains(t, checkCurrent(newStoreAPI(t), plan, nil), "service shop: the API given to the applier cannot write layers, custom domains, async, provision or tag configuration")
	assert.NoError(t, checkCurrent(&fc.Client{}, plan, nil))
}

func TestOnlyALayerPublishNeedsALayerCodeProvider(t *testing.T) {
	t.Parallel()
	api := &fc.Client{} // can write today's kinds; nothing is sent here
	code := shopProject(t).provider()
	publish := &planner.Plan{Changes: []planner.Change{{Address: "layer.deps", Kind: planner.KindLayer, Action: planner.ActionPublish, Name: "deps"}}}
	assert.ErrorContains(t, checkCurrent(api, publish, code), "layer deps: the plan publishes a layer version but no layer code provider was given")
	remove := &planner.Plan{Changes: []planner.Change{{Address: "layer.deps", Kind: planner.KindLayer, Action: planner.ActionDelete, Name: "deps"}}}
	assert.NoError(t, checkCurrent(api, remove, code), "deleting a layer uploads nothing")
}

func TestADependencyOutsideThePlanHoldsNothingBack(t *testing.T) {
	t.Parallel()
	api, p := appliedShop(t)
	p.function("shop", "checkout").Config.MemorySize = ptr(int32(512))
	p.function("shop", "api").Config.Timeout = ptr(int32(30))
	plan := planFor(t, api, p, false)
	// The first step fails. Another, independent of it, names a dependency
	// that is not in the plan (say, applied already): it must not wait on
	// the first, nor be skipped with it.
	plan.Changes[0].Action = "bogus"
	i := slices.IndexFunc(plan.Changes[1:], func(c planner.Change) bool { return len(c.DependsOn) == 0 }) + 1
	require.NotZero(t, i, "a step that depends on nothing in %v", plan.Changes)
	plan.Changes[i].DependsOn = []string{"service.elsewhere"}

	res, err := Apply(context.Background(), api, plan, Options{Code: p.provider()})
	require.Error(t, err)
	actions := stepActions(res)
	assert.Equal(t, Failed, actions[plan.Changes[0].Address])
	assert.Equal(t, Updated, actions[plan.Changes[i].Address])
}

// emptyAnswers answers UpdateFunction with neither a function nor an error,
// as a client might for a 204.
type emptyAnswers struct{ *storeAPI }

func (emptyAnswers) UpdateFunction(context.Context, string, string, fc.FunctionInput, string) (*fc.Function, error) {
	return nil, nil
}

func TestAWriteAnsweredWithNoBodyIsDoneWithoutAnETagNotACrash(t *testing.T) {
	t.Parallel()
	api, p := appliedShop(t)
	p.function("shop", "api").Config.Timeout = ptr(int32(30))
	res, err := Apply(context.Background(), emptyAnswers{api}, planFor(t, api, p, false), Options{Code: p.provider()})
	require.NoError(t, err)
	assert.Equal(t, Updated, stepActions(res)["function.shop/api"])
}

func TestAPlanWhoseFunctionLayersDoNotFitIsRefusedNotACrash(t *testing.T) {
	t.Parallel()
	r := &run{layers: map[string]string{"deps": "acs:fc:cn-hangzhou:1:layers/deps/versions/2"}}
	got, err := r.functionLayers(&planner.Change{FunctionLayers: map[int]string{1: "deps"}}, []string{"a", "b"})
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "acs:fc:cn-hangzhou:1:layers/deps/versions/2"}, got)
	// A plan file read back from disk can say anything.
	for _, bad := range []map[int]string{{2: "deps"}, {-1: "deps"}, {0: "other"}} {
		_, err := r.functionLayers(&planner.Change{FunctionLayers: bad}, []string{"a", "b"})
		assert.ErrorContains(t, err, "but none was published", "%v", bad)
	}
}
