package render

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/planner"
)

// currentPlan is a plan with every kind of today's API: a layer version
// published and a function moving to it, a tag change, an async config,
// a provision config, a custom domain and a layer deleted.
func currentPlan() *planner.Plan {
	return &planner.Plan{
		FormatVersion: planner.FormatVersion, Project: "shop", Target: target, CreatedAt: time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC),
		Changes: []planner.Change{
			{Address: "layer.deps", Kind: planner.KindLayer, Action: planner.ActionPublish, Name: "deps",
				Reason:       "version 1 differs (layer versions are immutable)",
				FieldChanges: []planner.FieldChange{{Path: "codeChecksum", Before: "1", After: "2"}},
				LayerInput:   &fc.PublishLayerVersionInput{LayerName: "deps"},
				Code:         &planner.CodeChange{Upload: true, Before: "1", After: "2", Size: 300, BeforeSize: 200, Source: "./layers/deps"}},
			{Address: "function.shop/api", Kind: planner.KindFunction, Action: planner.ActionUpdate, Service: "shop", Function: "api",
				FieldChanges:   []planner.FieldChange{{Path: "layers", Before: []any{"acs:fc:cn-hangzhou:111111:layers/deps/versions/1"}, AfterUnknown: true}},
				FunctionLayers: map[int]string{0: "deps"}, DependsOn: []string{"layer.deps"}},
			{Address: "service.shop", Kind: planner.KindService, Action: planner.ActionUpdate, Service: "shop",
				FieldChanges: []planner.FieldChange{{Path: "tags.team", Before: "web", After: "shop"}}, Tags: map[string]string{"team": "shop"}},
			{Address: "async_config.shop/api/LATEST", Kind: planner.KindAsyncConfig, Action: planner.ActionCreate, Service: "shop", Function: "api", Qualifier: "LATEST",
				FieldChanges: []planner.FieldChange{{Path: "destinationConfig.onFailure.destination", After: "acs:fc:cn-hangzhou:111111:services/shop/functions/dlq"}}},
			{Address: "provision.shop/api/live", Kind: planner.KindProvision, Action: planner.ActionUpdate, Service: "shop", Function: "api", Name: "live",
				FieldChanges: []planner.FieldChange{{Path: "target", Before: json.Number("1"), After: json.Number("3")}}},
			{Address: "custom_domain.api.example.com", Kind: planner.KindCustomDomain, Action: planner.ActionDelete, Name: "api.example.com"},
			{Address: "layer.old", Kind: planner.KindLayer, Action: planner.ActionDelete, Name: "old", LayerVersions: []int32{1, 2},
				FieldChanges: []planner.FieldChange{{Path: "versions.1", Before: 1}, {Path: "versions.2", Before: 2}}},
		},
		NotManaged: []string{},
	}
}

func TestTheNewKindsRenderInEveryFormat(t *testing.T) {
	p := currentPlan()
	var text bytes.Buffer
	require.NoError(t, Text(&text, p, TextOptions{}))
	for _, want := range []string{
		"layer.deps (publish a new version: version 1 differs (layer versions are immutable))",
		`codeChecksum = "1" -> "2"`,
		"function.shop/api",
		"layers = [\"acs:fc:cn-hangzhou:111111:layers/deps/versions/1\"] -> (version published by this apply)",
		`tags.team = "web" -> "shop"`,
		"async_config.shop/api/LATEST",
		"target = 1 -> 3",
		"- custom_domain.api.example.com",
		"- layer.old",
	} {
		assert.Contains(t, text.String(), want)
	}

	var md bytes.Buffer
	require.NoError(t, Markdown(&md, p))
	assert.Contains(t, md.String(), "`custom_domain.api.example.com`")
	assert.Contains(t, md.String(), "`provision.shop/api/live`")

	var js bytes.Buffer
	require.NoError(t, JSON(&js, p))
	back, err := planner.ReadPlan(&js)
	require.NoError(t, err)
	assert.Equal(t, map[int]string{0: "deps"}, back.Change("function.shop/api").FunctionLayers)
	assert.Equal(t, []int32{1, 2}, back.Change("layer.old").LayerVersions)
	assert.Equal(t, planner.KindProvision, back.Change("provision.shop/api/live").Kind)
}
