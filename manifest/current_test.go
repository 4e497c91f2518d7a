package manifest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

const currentManifest = `
project: demo
layers:
  deps: {code: ./src, compatibleRuntime: [python3.10], description: shared}
services:
  svc:
    tags: {team: web}
    aliases:
      live: {version: latest, provision: 2}
    functions:
      fn:
        runtime: python3.10
        handler: index.handler
        code: ./src
        layers: [deps, "acs:fc:cn-hangzhou:111111:layers/other/versions/3"]
        asyncInvokeConfig:
          qualifier: live
          maxAsyncRetryAttempts: 1
          destinations: {onFailure: svc/dlq, onSuccess: "acs:mns:cn-hangzhou:111111:/queues/q/messages"}
      dlq: {runtime: python3.10, handler: index.handler, code: ./src}
customDomains:
  api.example.com:
    routes: [{path: /api/*, service: svc, function: fn, methods: [GET]}]
`

func TestTheNewKindsLoadWithTheirDefaults(t *testing.T) {
	t.Parallel()
	p := load(t, currentManifest, LoadOptions{})

	require.Len(t, p.Layers, 1)
	assert.Equal(t, "deps", p.Layers[0].Name)
	assert.Equal(t, CodeDir, p.Layers[0].Code.Kind)
	assert.Equal(t, []string{"python3.10"}, p.Layers[0].CompatibleRuntime)
	assert.Equal(t, "shared", p.Layers[0].Description)

	s := p.Services[0]
	assert.Equal(t, map[string]string{"team": "web"}, s.Tags)
	assert.Equal(t, int64(2), *s.Aliases[0].Provision)
	perFunction := load(t, strings.Replace(currentManifest, "provision: 2", "provision: {dlq: 3}", 1), LoadOptions{})
	assert.Equal(t, map[string]int64{"dlq": 3}, perFunction.Services[0].Aliases[0].ProvisionFunctions)
	assert.Nil(t, perFunction.Services[0].Aliases[0].Provision)
	fn := s.Function("fn")
	assert.Equal(t, []string{"deps", "acs:fc:cn-hangzhou:111111:layers/other/versions/3"}, fn.Spec.Layers)
	require.NotNil(t, fn.AsyncConfig)
	assert.Equal(t, "live", fn.AsyncConfig.Qualifier)
	assert.Equal(t, int64(1), *fn.AsyncConfig.Spec.MaxAsyncRetryAttempts)
	assert.Equal(t, "svc/dlq", fn.AsyncConfig.OnFailure)
	assert.Nil(t, fn.AsyncConfig.Spec.DestinationConfig, "destinations are resolved to ARNs by the planner")
	assert.Equal(t, []string{}, s.Function("dlq").Spec.Layers, "no layers written means none")

	require.Len(t, p.CustomDomains, 1)
	d := p.CustomDomains[0]
	assert.Equal(t, fc.ProtocolHTTP, *d.Spec.Protocol, "HTTP by default")
	assert.Equal(t, []fc.PathConfig{{Path: "/api/*", ServiceName: "svc", FunctionName: "fn", Methods: []string{"GET"}}}, d.Spec.RouteConfig.Routes)
}

func TestReferencesOfTheNewKindsAreCheckedWithPositions(t *testing.T) {
	t.Parallel()
	cases := map[string]struct{ from, to, want string }{
		"an undeclared layer suggests the declared one": {
			"layers: [deps, ", "layers: [dep, ",
			`fcdeploy.yaml:15:18: services.svc.functions.fn.layers.0: layer "dep" is not declared under layers: and is not a layer version ARN; did you mean "deps"?`,
		},
		"a null layer entry is called empty, not a layer named ~": {
			"layers: [deps, ", "layers: [~, ",
			`fcdeploy.yaml:15:18: services.svc.functions.fn.layers.0: a layer entry is empty: give the name of a layer declared under layers: or a layer version ARN`,
		},
		"an empty layer name": {
			"layers: [deps, ", `layers: ["", `,
			`services.svc.functions.fn.layers.0: a layer entry is empty`,
		},
		"a malformed layer ARN": {
			"layers/other/versions/3", "layers/other/v3",
			`services.svc.functions.fn.layers.1: layer ARN "acs:fc:cn-hangzhou:111111:layers/other/v3" is not of the form`,
		},
		"a destination naming no function of the project": {
			"onFailure: svc/dlq", "onFailure: svc/gone",
			`services.svc.functions.fn.asyncInvokeConfig.destinations.onFailure: function svc/gone is not declared in this project`,
		},
		"a destination that is neither": {
			"onFailure: svc/dlq", "onFailure: dlq",
			`destination "dlq" must be SERVICE/FUNCTION (a function of this project) or an ARN`,
		},
		"a qualifier naming no alias": {
			"qualifier: live", "qualifier: prod",
			`services.svc.functions.fn.asyncInvokeConfig.qualifier: qualifier "prod" is not an alias of service svc`,
		},
		"too many retries": {
			"maxAsyncRetryAttempts: 1", "maxAsyncRetryAttempts: 9",
			`maxAsyncRetryAttempts`,
		},
		"a tag key of fcdeploy's": {
			"tags: {team: web}", "tags: {fcdeploy:project: x}",
			`services.svc.tags.fcdeploy:project: tag keys starting with "fcdeploy:" belong to fcdeploy; choose another key`,
		},
		"a provision for a function the service does not declare": {
			"provision: 2", "provision: {fn: 1, gone: 2}",
			`services.svc.aliases.live.provision.gone: service svc declares no function gone`,
		},
		"a negative provision": {
			"provision: 2", "provision: -1",
			`services.svc.aliases.live.provision: -1 is out of range`,
		},
		"a route to a function the project does not declare": {
			"function: fn, methods", "function: nope, methods",
			`customDomains.api.example.com.routes.0: function svc/nope is not declared in this project`,
		},
		"a bad route path": {
			"path: /api/*", "path: api",
			`customDomains.api.example.com.routes.0.path: route path "api" must start with /`,
		},
		"a layer runtime typo": {
			"compatibleRuntime: [python3.10]", "compatibleRuntime: [pyhton3.10]",
			`layers.deps.compatibleRuntime.0: "pyhton3.10" is not a supported runtime; did you mean "python3.10"?`,
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			yaml := replaceOnce(t, currentManifest, c.from, c.to)
			got := diagnostics(t, yaml, LoadOptions{})
			require.Len(t, got, 1, "%v", got)
			assert.Contains(t, got[0], c.want)
		})
	}
}

func replaceOnce(t *testing.T, s, from, to string) string {
	t.Helper()
	require.Contains(t, s, from)
	return strings.Replace(s, from, to, 1)
}
