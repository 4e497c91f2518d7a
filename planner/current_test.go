package planner

import (
	"bytes"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

const layerARN1 = "acs:fc:cn-hangzhou:111111:layers/deps/versions/1"

// currentDesired is the shop project using a layer, an async failure
// destination, provisioned instances, tags and a custom domain.
func currentDesired() *Desired {
	d := shopDesired()
	d.Layers = []DesiredLayer{{Name: "deps", Code: DesiredCode{Checksum: "777", Size: 50, Source: "./layers/deps"}, CompatibleRuntime: []string{"python3.10"}}}
	s := &d.Services[0]
	s.Tags = map[string]string{"team": "web"}
	s.Functions[0].Config.Layers = []string{"deps"}
	s.Functions[1].Config.Layers = []string{}
	s.Functions[1].AsyncConfig = &DesiredAsyncConfig{Input: fc.AsyncConfigInput{MaxAsyncRetryAttempts: ptr(int64(1))}, OnFailure: "shop/checkout"}
	s.Aliases[0].Provision = ptr(int64(2))
	d.CustomDomains = []DesiredCustomDomain{{Name: "api.example.com", Input: fc.CustomDomainInput{
		Protocol:    ptr("HTTP"),
		RouteConfig: &fc.RouteConfig{Routes: []fc.PathConfig{{Path: "/api/*", ServiceName: "shop", FunctionName: "api"}}},
	}}}
	return d
}

// currentLive is what applying currentDesired leaves live.
func currentLive(d *Desired) *Live {
	s := d.Services[0]
	s.Functions = slices.Clone(s.Functions)
	s.Functions[0].Config.Layers = []string{layerARN1}
	live := convergedLive(&Desired{Project: d.Project, Services: []DesiredService{s}})
	live.Current = true
	live.Layers = map[string]*fc.Layer{"deps": {LayerName: "deps", Version: 1, CodeChecksum: "777", CodeSize: 50, CompatibleRuntime: []string{"python3.10"}, ARN: layerARN1}}
	live.LayerVersions = map[string][]int32{"deps": {1}}
	ls := live.Services["shop"]
	ls.Tags = map[string]string{"team": "web", TagProject: "shop", TagLayers: "deps"}
	ls.AsyncConfigs = map[string]map[string]*fc.AsyncConfig{"api": {"LATEST": {
		Service: "shop", Function: "api", Qualifier: "LATEST", MaxAsyncRetryAttempts: ptr(int64(1)),
		DestinationConfig: fc.DestinationConfig{OnFailure: &fc.Destination{Destination: "acs:fc:cn-hangzhou:111111:services/shop/functions/checkout"}},
	}}}
	ls.Provisions = map[string]*fc.ProvisionConfig{
		"live/api":      {Resource: "111111#shop#live#api", Target: 2},
		"live/checkout": {Resource: "111111#shop#live#checkout", Target: 2},
	}
	live.CustomDomains = map[string]*fc.CustomDomain{"api.example.com": {
		DomainName: "api.example.com", Protocol: "HTTP",
		RouteConfig: fc.RouteConfig{Routes: []fc.PathConfig{{Path: "/api/*", ServiceName: "shop", FunctionName: "api"}}},
	}}
	return live
}

func currentAbsentLive(d *Desired) *Live {
	l := absentLive(d)
	l.Current = true
	l.Layers, l.LayerVersions, l.CustomDomains = map[string]*fc.Layer{}, map[string][]int32{}, map[string]*fc.CustomDomain{}
	for _, ls := range l.Services {
		ls.Tags, ls.AsyncConfigs, ls.Provisions = map[string]string{}, map[string]map[string]*fc.AsyncConfig{}, map[string]*fc.ProvisionConfig{}
	}
	return l
}

// plannedBefore asserts that address a comes before address b in the plan.
func plannedBefore(t *testing.T, p *Plan, a, b string) {
	t.Helper()
	ia := slices.IndexFunc(p.Changes, func(c Change) bool { return c.Address == a })
	ib := slices.IndexFunc(p.Changes, func(c Change) bool { return c.Address == b })
	require.True(t, ia >= 0 && ib >= 0, "both %s and %s are planned: %v", a, b, addresses(p))
	assert.Less(t, ia, ib, "%s goes before %s: %v", a, b, addresses(p))
}

func TestANewProjectPlansLayersFirstAndWhatPointsAtFunctionsAfterThem(t *testing.T) {
	d := currentDesired()
	p, err := Diff(d, currentAbsentLive(d), diffOptions())
	require.NoError(t, err)

	plannedBefore(t, p, "layer.deps", "function.shop/checkout")
	assert.Contains(t, p.Change("function.shop/checkout").DependsOn, "layer.deps")
	assert.Equal(t, map[int]string{0: "deps"}, p.Change("function.shop/checkout").FunctionLayers, "the ARN is known once the layer is published")
	plannedBefore(t, p, "function.shop/checkout", "async_config.shop/api/LATEST")
	plannedBefore(t, p, "function.shop/api", "async_config.shop/api/LATEST")
	plannedBefore(t, p, "alias.shop/live", "provision.shop/api/live")
	plannedBefore(t, p, "function.shop/api", "custom_domain.api.example.com")

	svc := p.Change("service.shop")
	assert.Equal(t, map[string]string{"team": "web", TagProject: "shop", TagLayers: "deps"}, svc.Tags, "every service fcdeploy creates says which project and layers are its own")
	assert.Equal(t, "acs:fc:cn-hangzhou:111111:services/shop", svc.ResourceARN)
	async := p.Change("async_config.shop/api/LATEST")
	assert.Equal(t, "acs:fc:cn-hangzhou:111111:services/shop/functions/checkout", async.AsyncConfigInput.DestinationConfig.OnFailure.Destination, "SERVICE/FUNCTION is resolved to its ARN")
	assert.Equal(t, int64(2), *p.Change("provision.shop/checkout/live").ProvisionTarget)
	assert.Equal(t, ActionCreate, p.Change("layer.deps").Action)
	assert.Equal(t, "777", p.Change("layer.deps").Code.After)
}

func TestAConvergedProjectOfTheNewKindsIsANoOpPlan(t *testing.T) {
	d := currentDesired()
	opt := diffOptions()
	opt.Prune = true
	p, err := Diff(d, currentLive(d), opt)
	require.NoError(t, err)
	assert.False(t, p.HasChanges(), "unexpected changes: %v", addresses(p))
	assert.Empty(t, p.NotManaged)
}

func TestALayerVersionIsPublishedOnlyWhenItsContentChanged(t *testing.T) {
	d := currentDesired()
	live := currentLive(d)
	d.Layers[0].Code.Checksum = "888"
	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)

	layer := p.Change("layer.deps")
	require.NotNil(t, layer)
	assert.Equal(t, ActionPublish, layer.Action)
	assert.Equal(t, []string{"codeChecksum"}, fieldPaths(layer))
	fn := p.Change("function.shop/checkout")
	require.NotNil(t, fn, "the function moves to the new version")
	assert.Equal(t, []FieldChange{{Path: "layers", Before: []any{layerARN1}, AfterUnknown: true}}, fn.FieldChanges)
	plannedBefore(t, p, "layer.deps", "function.shop/checkout")

	d = currentDesired()
	d.Layers[0].CompatibleRuntime = []string{"python3.9"}
	p, err = Diff(d, live, diffOptions())
	require.NoError(t, err)
	assert.Equal(t, []string{"compatibleRuntime"}, fieldPaths(p.Change("layer.deps")), "layer versions are immutable: a configuration change publishes too")
}

func TestChangedAsyncProvisionTagsAndDomainsAreUpdatedFieldByField(t *testing.T) {
	d := currentDesired()
	live := currentLive(d)
	s := &d.Services[0]
	s.Functions[1].AsyncConfig.Input.MaxAsyncRetryAttempts = ptr(int64(3))
	s.Aliases[0].Provision = ptr(int64(5))
	s.Tags = map[string]string{"team": "shop"}
	d.CustomDomains[0].Input.RouteConfig.Routes[0].Path = "/v2/*"
	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)

	assert.Equal(t, []FieldChange{{Path: "maxAsyncRetryAttempts", Before: float64(1), After: float64(3)}}, p.Change("async_config.shop/api/LATEST").FieldChanges)
	assert.Equal(t, []FieldChange{{Path: "target", Before: int64(2), After: int64(5)}}, p.Change("provision.shop/api/live").FieldChanges)
	svc := p.Change("service.shop")
	require.NotNil(t, svc)
	assert.True(t, svc.TagsOnly(), "the configuration is not sent again for a tag change")
	assert.Equal(t, map[string]string{"team": "shop"}, svc.Tags)
	assert.Equal(t, "etag-service-shop", svc.ETag)
	dom := p.Change("custom_domain.api.example.com")
	assert.Equal(t, ActionUpdate, dom.Action)
	assert.Equal(t, []string{"routeConfig.routes"}, fieldPaths(dom))
}

func TestPruneRemovesTheNewKindsAfterWhatUsesThem(t *testing.T) {
	live := currentLive(currentDesired())
	d := shopDesired() // no layer, domain, async config or provision
	d.Services[0].Tags = map[string]string{"team": "web"}
	d.Services[0].Functions[0].Config.Layers = []string{}
	d.Services[0].Functions[1].Config.Layers = []string{}

	t.Run("without prune they are listed as not managed", func(t *testing.T) {
		p, err := Diff(d, live, diffOptions())
		require.NoError(t, err)
		assert.Equal(t, []string{"async_config.shop/api/LATEST", "custom_domain.api.example.com", "layer.deps", "provision.shop/api/live", "provision.shop/checkout/live"}, p.NotManaged)
		assert.Nil(t, p.Change("layer.deps"))
		assert.Nil(t, p.Change("service.shop"), "a layer not pruned stays the project's: its tag is unchanged")
	})
	t.Run("with prune they are deleted, the function detached from the layer first", func(t *testing.T) {
		opt := diffOptions()
		opt.Prune = true
		p, err := Diff(d, live, opt)
		require.NoError(t, err)
		for _, addr := range []string{"async_config.shop/api/LATEST", "custom_domain.api.example.com", "layer.deps", "provision.shop/api/live", "provision.shop/checkout/live"} {
			require.NotNil(t, p.Change(addr), addr)
			assert.Equal(t, ActionDelete, p.Change(addr).Action, addr)
		}
		assert.Equal(t, []int32{1}, p.Change("layer.deps").LayerVersions)
		plannedBefore(t, p, "function.shop/checkout", "layer.deps")
		plannedBefore(t, p, "layer.deps", "service.shop")
		assert.Equal(t, []string{TagLayers}, p.Change("service.shop").UntagKeys, "tags are updated after the layer is gone")
		assert.Empty(t, p.Change("service.shop").Tags)
	})
}

func TestDeletingAFunctionGoesAfterWhatPointsAtIt(t *testing.T) {
	d := currentDesired()
	live := currentLive(d)
	d.Services[0].Functions = d.Services[0].Functions[:1] // api dropped
	d.CustomDomains = nil
	opt := diffOptions()
	opt.Prune = true
	p, err := Diff(d, live, opt)
	require.NoError(t, err)
	plannedBefore(t, p, "custom_domain.api.example.com", "function.shop/api")
	plannedBefore(t, p, "async_config.shop/api/LATEST", "function.shop/api")
	plannedBefore(t, p, "provision.shop/api/live", "function.shop/api")
}

func TestDestroyDeletesTheNewKindsInReverseOrder(t *testing.T) {
	live := currentLive(currentDesired())
	p, err := DestroyPlan(live, []string{"shop"})
	require.NoError(t, err)
	plannedBefore(t, p, "custom_domain.api.example.com", "function.shop/api")
	plannedBefore(t, p, "async_config.shop/api/LATEST", "function.shop/api")
	plannedBefore(t, p, "provision.shop/api/live", "alias.shop/live")
	plannedBefore(t, p, "function.shop/checkout", "layer.deps")
	plannedBefore(t, p, "layer.deps", "service.shop")
	assert.Contains(t, p.Change("service.shop").DependsOn, "layer.deps", "the service's tags record the layer until it is gone")
	assert.Equal(t, ActionDelete, p.Change("layer.deps").Action)

	other := currentLive(currentDesired())
	other.CustomDomains["www.example.com"] = &fc.CustomDomain{DomainName: "www.example.com", RouteConfig: fc.RouteConfig{Routes: []fc.PathConfig{{Path: "/", ServiceName: "elsewhere", FunctionName: "f"}}}}
	p, err = DestroyPlan(other, []string{"shop"})
	require.NoError(t, err)
	assert.Nil(t, p.Change("custom_domain.www.example.com"), "a domain routing to another project's service is not ours")
}

func TestTheNewKindsNeedALiveStateThatReadThem(t *testing.T) {
	d := currentDesired()
	_, err := Diff(d, absentLive(d), diffOptions())
	require.ErrorContains(t, err, "planner.CurrentAPI")
}

func TestAnUndeclaredLayerOrDestinationIsRefused(t *testing.T) {
	d := currentDesired()
	d.Services[0].Functions[0].Config.Layers = []string{"nope"}
	_, err := Diff(d, currentAbsentLive(d), diffOptions())
	require.ErrorContains(t, err, `layer "nope" is not declared`)

	d = currentDesired()
	d.Services[0].Functions[1].AsyncConfig.OnFailure = "shop/missing"
	_, err = Diff(d, currentAbsentLive(d), diffOptions())
	require.ErrorContains(t, err, `destination "shop/missing" names no function of the project`)
}

func TestAPlanFileKeepsTheNewKinds(t *testing.T) {
	d := currentDesired()
	p, err := Diff(d, currentAbsentLive(d), diffOptions())
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, WritePlan(&buf, p))
	back, err := ReadPlan(&buf)
	require.NoError(t, err)
	for _, addr := range []string{"layer.deps", "function.shop/checkout", "service.shop", "async_config.shop/api/LATEST", "provision.shop/api/live", "custom_domain.api.example.com"} {
		want, got := p.Change(addr), back.Change(addr)
		require.NotNil(t, got, addr)
		assert.Equal(t, want.LayerInput, got.LayerInput, addr)
		assert.Equal(t, want.FunctionLayers, got.FunctionLayers, addr)
		assert.Equal(t, want.Tags, got.Tags, addr)
		assert.Equal(t, want.ResourceARN, got.ResourceARN, addr)
		assert.Equal(t, want.AsyncConfigInput, got.AsyncConfigInput, addr)
		assert.Equal(t, want.ProvisionTarget, got.ProvisionTarget, addr)
		assert.Equal(t, want.CustomDomainInput, got.CustomDomainInput, addr)
		assert.Equal(t, want.Qualifier, got.Qualifier, addr)
		assert.Equal(t, want.DependsOn, got.DependsOn, addr)
	}
}

func TestPruningALayerWhileTheServiceChangesHasNoDependencyCycle(t *testing.T) {
	live := currentLive(currentDesired())
	d := shopDesired()
	d.Services[0].Tags = map[string]string{"team": "web"}
	d.Services[0].Config.Description = ptr("a new description")
	d.Services[0].Functions[0].Config.Layers = []string{}
	d.Services[0].Functions[1].Config.Layers = []string{}
	opt := diffOptions()
	opt.Prune = true
	p, err := Diff(d, live, opt)
	require.NoError(t, err)

	plannedBefore(t, p, "service.shop", "function.shop/checkout")
	plannedBefore(t, p, "function.shop/checkout", "layer.deps")
	plannedBefore(t, p, "layer.deps", "service.shop/tags")
	assert.Equal(t, []string{TagLayers}, p.Change("service.shop/tags").UntagKeys)
	assert.Empty(t, p.Change("service.shop").UntagKeys, "the service's own step writes its configuration only")
	for i, c := range p.Changes {
		for _, dep := range c.DependsOn {
			j := slices.IndexFunc(p.Changes, func(o Change) bool { return o.Address == dep })
			assert.Less(t, j, i, "%s depends on %s, which must come first", c.Address, dep)
		}
	}
}

func TestProvisionPerFunctionTouchesOnlyTheFunctionsItNames(t *testing.T) {
	d := currentDesired()
	live := currentLive(d)
	d.Services[0].Aliases[0].Provision = nil
	d.Services[0].Aliases[0].ProvisionFunctions = map[string]int64{"api": 4}
	opt := diffOptions()
	opt.Prune = true
	p, err := Diff(d, live, opt)
	require.NoError(t, err)
	assert.Equal(t, int64(4), *p.Change("provision.shop/api/live").ProvisionTarget)
	assert.Equal(t, ActionDelete, p.Change("provision.shop/checkout/live").Action, "a function no longer named is released with --prune")
}

func TestADeleteWaitsOnlyForWhatPointsAtItsService(t *testing.T) {
	d := currentDesired()
	live := currentLive(d)
	d.Services[0].Functions = d.Services[0].Functions[:1] // api dropped
	d.Services[0].Aliases[0].Provision = nil
	d.CustomDomains = []DesiredCustomDomain{
		{Name: "api.example.com", Input: fc.CustomDomainInput{Protocol: ptr("HTTP"), RouteConfig: &fc.RouteConfig{Routes: []fc.PathConfig{{Path: "/v2/*", ServiceName: "shop", FunctionName: "checkout"}}}}},
		{Name: "www.example.com", Input: fc.CustomDomainInput{Protocol: ptr("HTTP"), RouteConfig: &fc.RouteConfig{Routes: []fc.PathConfig{{Path: "/", ServiceName: "elsewhere", FunctionName: "site"}}}}},
	}
	opt := diffOptions()
	opt.Prune = true
	p, err := Diff(d, live, opt)
	require.NoError(t, err)
	del := p.Change("function.shop/api")
	require.NotNil(t, del)
	assert.Contains(t, del.DependsOn, "custom_domain.api.example.com", "the domain stops routing to the service first")
	assert.NotContains(t, del.DependsOn, "custom_domain.www.example.com", "a domain of another service is no reason to wait")
	assert.Contains(t, del.DependsOn, "async_config.shop/api/LATEST")
}
