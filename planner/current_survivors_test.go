package planner

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func TestALayerDeclaredTwiceIsRefusedAndTwoLayersOfDistinctNamesArePlanned(t *testing.T) {
	d := currentDesired()
	d.Layers = append(d.Layers, DesiredLayer{Name: "deps", Code: DesiredCode{Checksum: "778"}})
	_, err := Diff(d, currentLive(d), diffOptions())
	require.EqualError(t, err, "layer deps: declared twice")

	d = currentDesired()
	d.Layers = append(d.Layers, DesiredLayer{Name: "assets", Code: DesiredCode{Checksum: "999"}})
	p, err := Diff(d, currentLive(d), diffOptions())
	require.NoError(t, err)
	require.NotNil(t, p.Change("layer.assets"))
	assert.Equal(t, ActionCreate, p.Change("layer.assets").Action)
	assert.Nil(t, p.Change("layer.deps"), "deps is unchanged")
}

func TestANewLayerListsTheDescriptionAndRuntimesOnlyWhenItHasThem(t *testing.T) {
	d := currentDesired()
	d.Layers[0].Description = "shared dependencies"
	p, err := Diff(d, currentAbsentLive(d), diffOptions())
	require.NoError(t, err)
	assert.Equal(t, []FieldChange{
		{Path: "codeChecksum", After: "777"},
		{Path: "description", After: "shared dependencies"},
		{Path: "compatibleRuntime", After: []any{"python3.10"}},
	}, p.Change("layer.deps").FieldChanges)

	d.Layers[0].Description, d.Layers[0].CompatibleRuntime = "", nil
	p, err = Diff(d, currentAbsentLive(d), diffOptions())
	require.NoError(t, err)
	assert.Equal(t, []FieldChange{{Path: "codeChecksum", After: "777"}}, p.Change("layer.deps").FieldChanges)
}

func TestAConvergedProjectCountsEachResourceOfTheNewKindsOnceAsUnchanged(t *testing.T) {
	d := currentDesired()
	p, err := Diff(d, currentLive(d), diffOptions())
	require.NoError(t, err)
	require.False(t, p.HasChanges(), "%v", addresses(p))
	// The service, two functions, two triggers and the alias, as in
	// shopDesired; then the layer, the async config, the two provision
	// configs and the custom domain.
	assert.Equal(t, 6+1+1+2+1, p.NoOps)
}

func TestATagChangeCountsTheServiceAsUpdatedNotUnchanged(t *testing.T) {
	d := currentDesired()
	converged, err := Diff(d, currentLive(d), diffOptions())
	require.NoError(t, err)
	d.Services[0].Tags = map[string]string{"team": "shop"}
	p, err := Diff(d, currentLive(d), diffOptions())
	require.NoError(t, err)
	assert.Equal(t, []string{"update service.shop"}, addresses(p))
	assert.Equal(t, converged.NoOps-1, p.NoOps)
	assert.Equal(t, 1, p.Summary().Update)
}

func TestAServiceNotManagedCountsAsUnchangedLikeAManagedOne(t *testing.T) {
	d := shopDesired()
	managed, err := Diff(d, convergedLive(d), diffOptions())
	require.NoError(t, err)
	d.Services[0].Managed = false
	p, err := Diff(d, convergedLive(d), diffOptions())
	require.NoError(t, err)
	require.False(t, p.HasChanges(), "%v", addresses(p))
	assert.Equal(t, managed.NoOps, p.NoOps)
}

func TestAFunctionMovedToALayerVersionARNKeepsTheARNInItsChange(t *testing.T) {
	d := currentDesired()
	const other = "acs:fc:cn-hangzhou:111111:layers/other/versions/3"
	d.Services[0].Functions[0].Config.Layers = []string{"deps", other}
	p, err := Diff(d, currentLive(d), diffOptions())
	require.NoError(t, err)
	fn := p.Change("function.shop/checkout")
	require.NotNil(t, fn)
	assert.Nil(t, fn.FunctionLayers, "no layer of this plan to wait for")
	assert.Equal(t, []FieldChange{{Path: "layers", Before: []any{layerARN1}, After: []any{layerARN1, other}}}, fn.FieldChanges)
}

func TestAProvisionConfigIsCreatedWhereNoneIsLiveAndUpdatedWhereOneIs(t *testing.T) {
	d := currentDesired()
	p, err := Diff(d, currentAbsentLive(d), diffOptions())
	require.NoError(t, err)
	assert.Equal(t, ActionCreate, p.Change("provision.shop/api/live").Action)

	d.Services[0].Aliases[0].Provision = ptr(int64(3))
	p, err = Diff(d, currentLive(d), diffOptions())
	require.NoError(t, err)
	assert.Equal(t, ActionUpdate, p.Change("provision.shop/api/live").Action)
}

func TestAnAsyncConfigIsCreatedWhereNoneIsLiveAndUpdatedWhereOneIs(t *testing.T) {
	d := currentDesired()
	p, err := Diff(d, currentAbsentLive(d), diffOptions())
	require.NoError(t, err)
	assert.Equal(t, ActionCreate, p.Change("async_config.shop/api/LATEST").Action)

	d.Services[0].Functions[1].AsyncConfig.Input.MaxAsyncRetryAttempts = ptr(int64(2))
	p, err = Diff(d, currentLive(d), diffOptions())
	require.NoError(t, err)
	assert.Equal(t, ActionUpdate, p.Change("async_config.shop/api/LATEST").Action)
}

func TestAServicesTagsStayInItsOwnChangeWhenPruneDeletesNoLayer(t *testing.T) {
	d := currentDesired()
	live := currentLive(d)
	d.Services[0].Config.Description = ptr("a new description")
	d.Services[0].Tags = map[string]string{"team": "shop"}
	opt := diffOptions()
	opt.Prune = true
	p, err := Diff(d, live, opt)
	require.NoError(t, err)
	assert.Nil(t, p.Change(ServiceTagsAddress("shop")), "the layer is still declared: %v", addresses(p))
	svc := p.Change("service.shop")
	require.NotNil(t, svc)
	assert.Equal(t, map[string]string{"team": "shop"}, svc.Tags)
	assert.Equal(t, []string{"description", "tags.team"}, fieldPaths(svc))
}

func TestANewServiceWithNothingButTagsIsStillCreated(t *testing.T) {
	d := &Desired{Project: "shop", Services: []DesiredService{{Name: "bare", Managed: true, Tags: map[string]string{"team": "web"}}}}
	p, err := Diff(d, currentAbsentLive(d), diffOptions())
	require.NoError(t, err)
	svc := p.Change("service.bare")
	require.NotNil(t, svc)
	require.Equal(t, ActionCreate, svc.Action)
	require.Equal(t, []string{"tags.fcdeploy:project", "tags.team"}, fieldPaths(svc))
	assert.False(t, svc.TagsOnly(), "the service is created, its configuration sent")
}

func TestATargetWithoutARegionGivesThePartialServiceARN(t *testing.T) {
	assert.Equal(t, "services/shop", ServiceARN(Target{AccountID: "111111"}, "shop"))
	assert.Equal(t, "services/shop", ServiceARN(Target{Region: "cn-hangzhou"}, "shop"))
	assert.Equal(t, "acs:fc:cn-hangzhou:111111:services/shop", ServiceARN(Target{AccountID: "111111", Region: "cn-hangzhou"}, "shop"))
}

func TestAnAsyncDestinationInTheProjectNeedsTheTargetsRegionToo(t *testing.T) {
	d := currentDesired()
	opt := diffOptions()
	opt.Target.Region = ""
	_, err := Diff(d, currentAbsentLive(d), opt)
	require.ErrorContains(t, err, `function shop/api: asyncInvokeConfig: destination "shop/checkout": the target's account id and region are needed`)
}

func TestAStatefulAsyncConfigSaysSoWhenItIsCreated(t *testing.T) {
	d := currentDesired()
	d.Services[0].Functions[1].AsyncConfig.Input.StatefulInvocation = ptr(true)
	p, err := Diff(d, currentAbsentLive(d), diffOptions())
	require.NoError(t, err)
	assert.Contains(t, p.Change("async_config.shop/api/LATEST").FieldChanges, FieldChange{Path: "statefulInvocation", After: true})
}

func TestAnAsyncConfigOfAnAliasWaitsForTheAlias(t *testing.T) {
	d := currentDesired()
	d.Services[0].Functions[1].AsyncConfig.Qualifier = "live"
	p, err := Diff(d, currentAbsentLive(d), diffOptions())
	require.NoError(t, err)
	ac := p.Change("async_config.shop/api/live")
	require.NotNil(t, ac)
	assert.Contains(t, ac.DependsOn, "alias.shop/live")
	plannedBefore(t, p, "alias.shop/live", "async_config.shop/api/live")
}

func TestACustomDomainWaitsForTheFunctionsAndAliasesItRoutesTo(t *testing.T) {
	d := currentDesired()
	p, err := Diff(d, currentAbsentLive(d), diffOptions())
	require.NoError(t, err)
	assert.Equal(t, []string{"function.shop/api"}, p.Change("custom_domain.api.example.com").DependsOn)

	d.CustomDomains[0].Input.RouteConfig.Routes[0].Qualifier = "live"
	p, err = Diff(d, currentAbsentLive(d), diffOptions())
	require.NoError(t, err)
	assert.Equal(t, []string{"alias.shop/live", "function.shop/api"}, p.Change("custom_domain.api.example.com").DependsOn)
}

func TestDestroyingAServiceThatIsNotDeployedLeavesADomainRoutingToItAlone(t *testing.T) {
	d := currentDesired()
	live := currentAbsentLive(d)
	live.CustomDomains["api.example.com"] = &fc.CustomDomain{DomainName: "api.example.com", RouteConfig: fc.RouteConfig{Routes: []fc.PathConfig{{Path: "/", ServiceName: "shop", FunctionName: "api"}}}}
	p, err := DestroyPlan(live, []string{"shop"})
	require.NoError(t, err)
	assert.Empty(t, p.Changes)
}

func TestALiveStateReadWithoutTheNewKindsIsRefusedForAnyOfThem(t *testing.T) {
	for name, edit := range map[string]func(d *Desired){
		"a layer":          func(d *Desired) { d.Layers = []DesiredLayer{{Name: "deps", Code: DesiredCode{Checksum: "777"}}} },
		"a custom domain":  func(d *Desired) { d.CustomDomains = []DesiredCustomDomain{{Name: "api.example.com"}} },
		"service tags":     func(d *Desired) { d.Services[0].Tags = map[string]string{"team": "web"} },
		"an async config":  func(d *Desired) { d.Services[0].Functions[0].AsyncConfig = &DesiredAsyncConfig{} },
		"provision":        func(d *Desired) { d.Services[0].Aliases[0].Provision = ptr(int64(1)) },
		"per-function one": func(d *Desired) { d.Services[0].Aliases[0].ProvisionFunctions = map[string]int64{"api": 1} },
	} {
		d := shopDesired()
		edit(d)
		_, err := Diff(d, convergedLive(d), diffOptions())
		assert.ErrorContains(t, err, "planner.CurrentAPI", name)
	}
}

func TestFunctionsOfEveryServiceWaitForTheLayerVersionThePlanPublishes(t *testing.T) {
	d := currentDesired()
	billing := d.Services[0]
	billing.Name = "billing"
	billing.Functions = []DesiredFunction{billing.Functions[0]}
	billing.Aliases = nil
	billing.Functions[0].Triggers = nil
	d.Services = append(d.Services, billing)
	d.Layers[0].Code.Checksum = "888"
	p, err := Diff(d, currentAbsentLive(d), diffOptions())
	require.NoError(t, err)
	for _, addr := range []string{"function.billing/checkout", "function.shop/checkout"} {
		fn := p.Change(addr)
		require.NotNil(t, fn, addr)
		assert.Equal(t, map[int]string{0: "deps"}, fn.FunctionLayers, addr)
		assert.Contains(t, fn.DependsOn, "layer.deps", addr)
		plannedBefore(t, p, "layer.deps", addr)
	}
}
