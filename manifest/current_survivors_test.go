package manifest

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func TestALayerDescriptionOfExactlyTheLimitIsAccepted(t *testing.T) {
	t.Parallel()
	desc := strings.Repeat("d", fc.MaxDescriptionLength)
	p := load(t, replaceOnce(t, currentManifest, "description: shared", "description: "+desc), LoadOptions{})
	assert.Equal(t, desc, p.Layers[0].Description)
	got := diagnostics(t, replaceOnce(t, currentManifest, "description: shared", "description: "+desc+"x"), LoadOptions{})
	require.NotEmpty(t, got)
	assert.Contains(t, strings.Join(got, "\n"), "layers.deps.description")
}

func TestOptionalListsOfTheNewKindsMayBeLeftOut(t *testing.T) {
	t.Parallel()
	yaml := replaceOnce(t, currentManifest, ", compatibleRuntime: [python3.10]", "")
	yaml = replaceOnce(t, yaml, ", methods: [GET]", "")
	yaml = replaceOnce(t, yaml, `
          destinations: {onFailure: svc/dlq, onSuccess: "acs:mns:cn-hangzhou:111111:/queues/q/messages"}`, "")
	p := load(t, yaml, LoadOptions{})
	assert.Nil(t, p.Layers[0].CompatibleRuntime)
	assert.Nil(t, p.CustomDomains[0].Spec.RouteConfig.Routes[0].Methods)
	fn := p.Services[0].Function("fn")
	assert.Empty(t, fn.AsyncConfig.OnFailure)
	assert.Empty(t, fn.AsyncConfig.OnSuccess)
}

func TestADomainWithoutRoutesIsOneProblem(t *testing.T) {
	t.Parallel()
	yaml := replaceOnce(t, currentManifest, "    routes: [{path: /api/*, service: svc, function: fn, methods: [GET]}]\n", "    protocol: HTTP\n")
	got := diagnostics(t, yaml, LoadOptions{})
	require.Len(t, got, 1, "%v", got)
	assert.Contains(t, got[0], "routes")
}

func TestARouteWithoutAFunctionIsOnlyMissingItsFunction(t *testing.T) {
	t.Parallel()
	got := diagnostics(t, replaceOnce(t, currentManifest, "service: svc, function: fn, ", "service: svc, "), LoadOptions{})
	require.Len(t, got, 1, "%v", got)
	assert.Contains(t, got[0], "function")
	assert.NotContains(t, got[0], "is not declared in this project")
}

func TestAsyncLimitsAreInclusive(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		field    string
		min, max int64
	}{
		{"maxAsyncRetryAttempts", fc.MinAsyncRetryAttempts, fc.MaxAsyncRetryAttempts},
		{"maxAsyncEventAgeInSeconds", fc.MinAsyncEventAgeSeconds, fc.MaxAsyncEventAgeSeconds},
	} {
		for _, v := range []int64{c.min, c.max} {
			yaml := replaceOnce(t, currentManifest, "maxAsyncRetryAttempts: 1", c.field+": "+strconv.FormatInt(v, 10))
			got := diagnostics(t, yaml, LoadOptions{})
			assert.Empty(t, got, "%s: %d", c.field, v)
		}
		for _, v := range []int64{c.min - 1, c.max + 1} {
			yaml := replaceOnce(t, currentManifest, "maxAsyncRetryAttempts: 1", c.field+": "+strconv.FormatInt(v, 10))
			got := diagnostics(t, yaml, LoadOptions{})
			assert.NotEmpty(t, got, "%s: %d", c.field, v)
		}
	}
}

func TestProvisionLimitsAreInclusive(t *testing.T) {
	t.Parallel()
	for _, v := range []int64{fc.MinProvisionTarget, fc.MaxProvisionTarget} {
		p := load(t, replaceOnce(t, currentManifest, "provision: 2", "provision: "+strconv.FormatInt(v, 10)), LoadOptions{})
		assert.Equal(t, v, *p.Services[0].Aliases[0].Provision)
		pf := load(t, replaceOnce(t, currentManifest, "provision: 2", "provision: {fn: "+strconv.FormatInt(v, 10)+"}"), LoadOptions{})
		assert.Equal(t, map[string]int64{"fn": v}, pf.Services[0].Aliases[0].ProvisionFunctions)
	}
	got := diagnostics(t, replaceOnce(t, currentManifest, "provision: 2", "provision: "+strconv.FormatInt(fc.MaxProvisionTarget+1, 10)), LoadOptions{})
	require.Len(t, got, 1, "%v", got)
	assert.Contains(t, got[0], "out of range")
}

func TestADestinationNeedsAValidServiceAndAValidFunctionName(t *testing.T) {
	t.Parallel()
	assert.NoError(t, CheckDestination("svc/fn"))
	assert.Error(t, CheckDestination("bad service/fn"), "an invalid service name")
	assert.Error(t, CheckDestination("svc/bad function"), "an invalid function name")
	assert.Error(t, CheckDestination("svcfn"), "no slash")
}

func TestALayerThatIsNotAStringIsReportedOnce(t *testing.T) {
	t.Parallel()
	got := diagnostics(t, replaceOnce(t, currentManifest, "layers: [deps, ", "layers: [{a: 1}, deps, "), LoadOptions{})
	require.Len(t, got, 1, "%v", got)
	assert.Equal(t, "fcdeploy.yaml:15:18: services.svc.functions.fn.layers.0: must be a string, not a mapping", got[0])
}
