package planner

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

// currentReader is fakeReader with today's kinds: a layer the shop owns,
// a custom domain, async configs, provision configs and tags.
type currentReader struct {
	*fakeReader
	tagsRead []string
}

func (c *currentReader) ListAllLayers(context.Context, string) ([]fc.Layer, error) {
	return []fc.Layer{{LayerName: "deps", Version: 3, CodeChecksum: "9"}, {LayerName: "theirs", Version: 1}}, nil
}

func (c *currentReader) ListAllLayerVersions(_ context.Context, layer string) ([]fc.Layer, error) {
	if layer != "deps" {
		return nil, fc.NewError(fc.CodeFunctionNotFound, "layer %s not found", layer)
	}
	return []fc.Layer{{LayerName: layer, Version: 3}, {LayerName: layer, Version: 1}, {LayerName: layer, Version: 2}}, nil
}

func (c *currentReader) ListAllCustomDomains(context.Context, string) ([]fc.CustomDomain, error) {
	return []fc.CustomDomain{{DomainName: "shop.example.com"}}, nil
}

func (c *currentReader) ListAllFunctionAsyncInvokeConfigs(_ context.Context, service, function string) ([]fc.AsyncConfig, error) {
	if function != "checkout" {
		return nil, fc.NewError(fc.CodeFunctionNotFound, "no async config of %s/%s", service, function)
	}
	return []fc.AsyncConfig{{Qualifier: ""}, {Qualifier: "live"}}, nil
}

func (c *currentReader) ListAllProvisionConfigs(context.Context, string, string) ([]fc.ProvisionConfig, error) {
	return []fc.ProvisionConfig{
		{Resource: "123#shop#live#checkout", Target: 2},
		{Resource: "123#shop#live#api", Target: 0},        // released: not a provision
		{Resource: "123#absent#live#checkout", Target: 1}, // a service not deployed
		{Resource: "shop#live#checkout", Target: 1},       // not four parts
	}, nil
}

func (c *currentReader) GetResourceTags(_ context.Context, arn string) (*fc.ResourceTags, error) {
	c.tagsRead = append(c.tagsRead, arn)
	return &fc.ResourceTags{Tags: map[string]string{TagLayers: "deps"}}, nil
}

func TestReadLiveReadsTodaysKindsOfTheDeployedServicesOnly(t *testing.T) {
	d := shopDesired()
	api := &currentReader{fakeReader: &fakeReader{live: convergedLive(d)}}

	got, err := ReadLive(context.Background(), api, []string{"shop", "absent"}, ReadOptions{Parallelism: 1})
	require.NoError(t, err)

	require.True(t, got.Current)
	assert.Equal(t, []string{"services/shop"}, api.tagsRead, "tags of the deployed service only, by partial ARN without a target")
	shop := got.Services["shop"]
	assert.Equal(t, map[string]string{TagLayers: "deps"}, shop.Tags)
	assert.Equal(t, []string{"deps", "theirs"}, sortedKeys(got.Layers))
	assert.Equal(t, map[string][]int32{"deps": {1, 2, 3}}, got.LayerVersions, "versions of owned layers only, in order")
	assert.Equal(t, []string{"shop.example.com"}, sortedKeys(got.CustomDomains))
	assert.Equal(t, []string{"checkout"}, sortedKeys(shop.AsyncConfigs), "a function without async configs has none")
	assert.Equal(t, []string{"LATEST", "live"}, sortedKeys(shop.AsyncConfigs["checkout"]))
	assert.Equal(t, []string{ProvisionKey("live", "checkout")}, sortedKeys(shop.Provisions))
	assert.Equal(t, int64(2), shop.Provisions[ProvisionKey("live", "checkout")].Target)
	assert.Empty(t, got.Services["absent"].Provisions)
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func TestSavedPlanStampsCoverTheOwnedLayersAndDeployedServicesOnly(t *testing.T) {
	live := currentLive(currentDesired())
	live.Services["shop"].Tags[TagLayers] = "deps,gone" // gone: named in the tag, deleted since
	live.Services["absent"] = &LiveService{Tags: map[string]string{TagLayers: "deps"}}

	stamps := LiveETags(live)

	assert.Equal(t, "version 1 code 777", stamps[LayerAddress("deps")])
	assert.NotContains(t, stamps, LayerAddress("gone"), "a layer that no longer exists has nothing to stamp")
	assert.Contains(t, stamps, ServiceTagsAddress("shop"))
	assert.NotContains(t, stamps, ServiceTagsAddress("absent"), "a service not deployed has no tags to guard")
	assert.Equal(t, "target 2", stamps[ProvisionAddress("shop", "api", "live")])
}

func TestDeletingAServiceWaitsForAnAsyncConfigWhoseDestinationIsInIt(t *testing.T) {
	d := currentDesired()
	live := currentLive(d)
	d.Services[0].Functions = d.Services[0].Functions[1:2] // checkout dropped: api's async config sends failures to it
	d.Services[0].Functions[0].AsyncConfig = &DesiredAsyncConfig{Input: fc.AsyncConfigInput{MaxAsyncRetryAttempts: ptr(int64(2))}}
	d.Services[0].Aliases[0].Provision = nil
	d.CustomDomains = nil
	opt := diffOptions()
	opt.Prune = true
	p, err := Diff(d, live, opt)
	require.NoError(t, err)
	del := p.Change("function.shop/checkout")
	require.NotNil(t, del)
	require.NotNil(t, p.Change("async_config.shop/api/LATEST"))
	assert.Contains(t, del.DependsOn, "async_config.shop/api/LATEST", "the destination is dropped before its function goes")
}

// asyncTo is an async config change of service other whose failures go to
// destination (none when destination is empty).
func asyncTo(function, destination string) Change {
	in := &fc.AsyncConfigInput{}
	if destination != "" {
		in.DestinationConfig = &fc.DestinationConfig{OnFailure: &fc.Destination{Destination: destination}}
	}
	return Change{Address: AsyncConfigAddress("other", function, "LATEST"), Kind: KindAsyncConfig, Action: ActionUpdate, Service: "other", Function: function, AsyncConfigInput: in}
}

func TestADeleteWaitsForAnotherServicesAsyncConfigOnlyWhenItsDestinationIsThere(t *testing.T) {
	changes := []Change{
		{Address: FunctionAddress("shop", "checkout"), Kind: KindFunction, Action: ActionDelete, Service: "shop", Function: "checkout"},
		asyncTo("byname", "acs:fc:cn-hangzhou:1:services/shop/functions/checkout"),
		asyncTo("byqualifier", "acs:fc:cn-hangzhou:1:services/shop.LATEST/functions/checkout"),
		asyncTo("lookalike", "acs:fc:cn-hangzhou:1:services/shopping/functions/checkout"),
		asyncTo("nowhere", ""),
	}
	orderCurrent(changes)
	assert.Equal(t, []string{AsyncConfigAddress("other", "byname", "LATEST"), AsyncConfigAddress("other", "byqualifier", "LATEST")}, changes[0].DependsOn)
}

func TestServiceTagsWaitForLayerDeletesOnly(t *testing.T) {
	changes := []Change{
		{Address: LayerAddress("new"), Kind: KindLayer, Action: ActionCreate, Name: "new"},
		{Address: LayerAddress("old"), Kind: KindLayer, Action: ActionDelete, Name: "old"},
		{Address: FunctionAddress("shop", "checkout"), Kind: KindFunction, Action: ActionDelete, Service: "shop", Function: "checkout"},
		{Address: ServiceTagsAddress("shop"), Kind: KindService, Action: ActionUpdate, Service: "shop", Tags: map[string]string{TagLayers: "new"}},
	}
	orderCurrent(changes)
	assert.Equal(t, []string{LayerAddress("old")}, changes[3].DependsOn)
}

func TestResolveETagsGuardsAChangedServiceAndTriggerWithTheirOwnETags(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	api := &fakeReader{live: live}
	got, err := ReadLive(context.Background(), api, []string{"shop"}, ReadOptions{})
	require.NoError(t, err)
	d.Services[0].Config.Description = ptr("a new description")
	d.Services[0].Functions[0].Triggers[0].Input.TriggerConfig = []byte(`{"cronExpression":"0 0 3 * * *","enable":true}`)
	p, err := Diff(d, got, diffOptions())
	require.NoError(t, err)

	require.NoError(t, ResolveETags(context.Background(), api, p, got, ReadOptions{}))
	svc := p.Change(ServiceAddress("shop"))
	require.NotNil(t, svc)
	assert.Equal(t, live.Services["shop"].Service.ETag, svc.ETag)
	tr := p.Change(TriggerAddress("shop", "checkout", "nightly"))
	require.NotNil(t, tr)
	assert.Equal(t, live.Services["shop"].Triggers["checkout"]["nightly"].ETag, tr.ETag)
	assert.NotEmpty(t, tr.ETag)
}

// A server that answers GetService without an ETag leaves a service change
// unguarded rather than failing the plan.
func TestAServiceReadWithoutAnETagIsChangedWithoutOne(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	live.Services["shop"].Service.ETag = ""
	api := &fakeReader{live: live}
	got, err := ReadLive(context.Background(), api, []string{"shop"}, ReadOptions{})
	require.NoError(t, err)
	d.Services[0].Config.Description = ptr("a new description")
	p, err := Diff(d, got, diffOptions())
	require.NoError(t, err)

	require.NoError(t, ResolveETags(context.Background(), api, p, got, ReadOptions{}))
	svc := p.Change(ServiceAddress("shop"))
	require.NotNil(t, svc)
	assert.Empty(t, svc.ETag)
}

func TestTheSubjectOfAChangeNamesItsResource(t *testing.T) {
	assert.Equal(t, "service shop", (&Change{Kind: KindService, Service: "shop", Address: ServiceAddress("shop")}).Subject())
	assert.Equal(t, "tags of service shop", (&Change{Kind: KindService, Service: "shop", Address: ServiceTagsAddress("shop")}).Subject())
}
