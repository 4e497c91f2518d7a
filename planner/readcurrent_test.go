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
