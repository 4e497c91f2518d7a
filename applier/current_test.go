package applier

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc"
	"github.com/fcdeploy/fcdeploy/localfc/localfctest"
	"github.com/fcdeploy/fcdeploy/planner"
)

// currentProject is shopProject using a layer, an async failure
// destination, provisioned instances, tags and a custom domain.
type currentProject struct {
	*project
	layers map[string][]byte
}

func newCurrentProject(t testing.TB) *currentProject {
	p := &currentProject{project: shopProject(t), layers: map[string][]byte{}}
	p.setLayer("deps", makeZip(t, "python/deps.py", "VALUE = 1\n"))
	s := &p.desired.Services[0]
	s.Tags = map[string]string{"team": "web"}
	s.Functions[0].Config.Layers = []string{"deps"}
	s.Functions[1].Config.Layers = []string{}
	s.Functions[1].AsyncConfig = &planner.DesiredAsyncConfig{Input: fc.AsyncConfigInput{MaxAsyncRetryAttempts: ptr(int64(1))}, OnFailure: "shop/checkout"}
	s.Aliases[0].Provision = ptr(int64(1))
	p.desired.CustomDomains = []planner.DesiredCustomDomain{{Name: "api.example.com", Input: fc.CustomDomainInput{
		Protocol:    ptr("HTTP"),
		RouteConfig: &fc.RouteConfig{Routes: []fc.PathConfig{{Path: "/api/*", ServiceName: "shop", FunctionName: "api"}}},
	}}}
	return p
}

func (p *currentProject) setLayer(name string, zip []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.layers[name] = zip
	p.desired.Layers = slices.DeleteFunc(p.desired.Layers, func(l planner.DesiredLayer) bool { return l.Name == name })
	p.desired.Layers = append(p.desired.Layers, planner.DesiredLayer{Name: name, Code: planner.DesiredCode{Checksum: fc.CodeChecksum(zip), Size: int64(len(zip))}, CompatibleRuntime: []string{"python3.10"}})
}

// codeAndLayers serves both kinds of code.
type codeAndLayers struct {
	CodeProvider
	p *currentProject
}

func (c codeAndLayers) LayerCode(_ context.Context, layer, _ string) ([]byte, error) {
	c.p.mu.Lock()
	defer c.p.mu.Unlock()
	zip, ok := c.p.layers[layer]
	if !ok {
		return nil, fmt.Errorf("no code for layer %s", layer)
	}
	return zip, nil
}

func (p *currentProject) provider() CodeProvider { return codeAndLayers{p.project.provider(), p} }

func currentPlan(t testing.TB, c *fc.Client, p *currentProject, prune bool) *planner.Plan {
	t.Helper()
	target := planner.Target{AccountID: localfc.DefaultAccountID, Region: localfc.DefaultRegion}
	live, err := planner.ReadLive(context.Background(), c, p.services(), planner.ReadOptions{Target: target})
	require.NoError(t, err)
	plan, err := planner.Diff(p.desired, live, planner.Options{Prune: prune, Target: target})
	require.NoError(t, err)
	require.NoError(t, planner.ResolveETags(context.Background(), c, plan, live, planner.ReadOptions{}))
	return plan
}

func TestOverHTTPTheNewKindsAreAppliedAndConverge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client, err := fc.NewClient(localfctest.Start(t).Config())
	require.NoError(t, err)
	p := newCurrentProject(t)

	res, err := Apply(ctx, client, currentPlan(t, client, p, false), Options{Code: p.provider()})
	require.NoError(t, err)
	assert.Equal(t, Created, stepActions(res)["layer.deps"])
	assert.Equal(t, Created, stepActions(res)["custom_domain.api.example.com"])
	assert.Equal(t, Created, stepActions(res)["async_config.shop/api/LATEST"])
	assert.Equal(t, Created, stepActions(res)["provision.shop/checkout/live"])

	fn, err := client.GetFunction(ctx, "shop", "", "checkout")
	require.NoError(t, err)
	layer, err := client.GetLayerVersion(ctx, "deps", 1)
	require.NoError(t, err)
	assert.Equal(t, []string{layer.ARN}, fn.Layers, "the function uses the version this apply published")
	assert.Equal(t, fc.CodeChecksum(p.layers["deps"]), layer.CodeChecksum)
	tags, err := client.GetResourceTags(ctx, "services/shop")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"team": "web", planner.TagProject: "shop", planner.TagLayers: "deps"}, tags.Tags)
	ac, err := client.GetFunctionAsyncInvokeConfig(ctx, "shop", "", "api")
	require.NoError(t, err)
	assert.Equal(t, fc.FunctionARN(localfc.DefaultRegion, localfc.DefaultAccountID, "shop", "", "checkout"), ac.DestinationConfig.OnFailure.Destination)

	again := currentPlan(t, client, p, true)
	assert.False(t, again.HasChanges(), "not converged: %v", again.Changes)

	// New layer bytes: a second version, and the function moves to it.
	p.setLayer("deps", makeZip(t, "python/deps.py", "VALUE = 2\n"))
	res, err = Apply(ctx, client, currentPlan(t, client, p, false), Options{Code: p.provider()})
	require.NoError(t, err)
	assert.Equal(t, Published, stepActions(res)["layer.deps"])
	fn, err = client.GetFunction(ctx, "shop", "", "checkout")
	require.NoError(t, err)
	assert.Equal(t, []string{fc.LayerVersionARN(localfc.DefaultRegion, localfc.DefaultAccountID, "deps", 2)}, fn.Layers)
	assert.False(t, currentPlan(t, client, p, true).HasChanges())

	// Dropped with --prune: everything of the new kinds goes.
	s := &p.desired.Services[0]
	s.Functions[0].Config.Layers = []string{}
	s.Functions[1].AsyncConfig = nil
	s.Aliases[0].Provision = nil
	s.Tags = nil
	p.desired.Layers, p.desired.CustomDomains = nil, nil
	res, err = Apply(ctx, client, currentPlan(t, client, p, true), Options{Code: p.provider()})
	require.NoError(t, err)
	assert.Equal(t, Deleted, stepActions(res)["layer.deps"])
	_, err = client.GetLayerVersion(ctx, "deps", 2)
	assert.True(t, fc.IsNotFound(err), "the layer's versions are deleted: %v", err)
	_, err = client.GetCustomDomain(ctx, "api.example.com")
	assert.True(t, fc.IsNotFound(err), "the domain is deleted: %v", err)
	_, err = client.GetFunctionAsyncInvokeConfig(ctx, "shop", "", "api")
	assert.True(t, fc.IsNotFound(err), "the async config is deleted: %v", err)
	tags, err = client.GetResourceTags(ctx, "services/shop")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{planner.TagProject: "shop"}, tags.Tags, "fcdeploy's project tag is never pruned")
	assert.False(t, currentPlan(t, client, p, true).HasChanges())
}

func TestAPlanOfTheNewKindsIsRefusedByAnAPIThatCannotWriteThem(t *testing.T) {
	t.Parallel()
	api := newStoreAPI(t)
	plan := &planner.Plan{Changes: []planner.Change{{Address: "custom_domain.a.example.com", Kind: planner.KindCustomDomain, Action: planner.ActionDelete, Name: "a.example.com"}}}
	res, err := Apply(context.Background(), api, plan, Options{})
	require.ErrorContains(t, err, "cannot write layers, custom domains")
	assert.Nil(t, res)
	assert.Zero(t, api.writes.Load(), "nothing was sent")
}

func TestALayerIsPublishedOnlyWithCheckedBytes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client, err := fc.NewClient(localfctest.Start(t).Config())
	require.NoError(t, err)
	p := newCurrentProject(t)
	plan := currentPlan(t, client, p, false)

	_, err = Apply(ctx, client, plan, Options{Code: p.project.provider()})
	require.ErrorContains(t, err, "no layer code provider was given")

	p.layers["deps"] = makeZip(t, "python/deps.py", "VALUE = 'changed after the plan'\n")
	res, err := Apply(ctx, client, plan, Options{Code: p.provider()})
	require.Error(t, err)
	var changed *CodeChangedError
	require.ErrorAs(t, err, &changed)
	assert.Equal(t, "layer deps", changed.Subject)
	assert.Equal(t, Failed, stepActions(res)["layer.deps"])
	assert.Equal(t, Skipped, stepActions(res)["function.shop/checkout"], "a function using the layer waits for it")
}

func TestAStepWaitingOnADependencyCycleIsReportedNotDropped(t *testing.T) {
	t.Parallel()
	api := newStoreAPI(t)
	plan := &planner.Plan{Changes: []planner.Change{
		{Address: "version.a/1", Kind: planner.KindVersion, Action: planner.ActionDelete, Service: "a", Name: "1", DependsOn: []string{"version.a/2"}},
		{Address: "version.a/2", Kind: planner.KindVersion, Action: planner.ActionDelete, Service: "a", Name: "2", DependsOn: []string{"version.a/1"}},
	}}
	res, err := Apply(context.Background(), api, plan, Options{})
	require.Error(t, err)
	assert.Equal(t, 2, res.Summary.Skipped)
	assert.Equal(t, 1, res.ExitCode())
	assert.ErrorContains(t, res.Steps[0].Err, "dependencies form a cycle")
	assert.Zero(t, api.writes.Load())
}
