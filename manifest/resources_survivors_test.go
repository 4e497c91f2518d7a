package manifest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestADescriptionOfTheMaximumLengthIsAcceptedAndOneMoreCharacterIsNot(t *testing.T) {
	t.Parallel()
	assert.Empty(t, diagnostics(t, minimal+"        description: "+strings.Repeat("d", 256)+"\n", LoadOptions{}))
	assert.Equal(t, []string{`fcdeploy.yaml:10:22: services.svc.functions.fn.description: is 257 characters long; at most 256 are allowed`},
		diagnostics(t, minimal+"        description: "+strings.Repeat("d", 257)+"\n", LoadOptions{}))
}

func TestAnAliasWithoutAVersionIsReportedAsMissingIt(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{`fcdeploy.yaml:6:7: services.svc.aliases.live: missing required field "version"`},
		diagnostics(t, withAlias(`{description: x}`), LoadOptions{}))
}

func TestAnAliasMaySendAllItsTrafficToTheAdditionalVersion(t *testing.T) {
	t.Parallel()
	p := load(t, withAlias(`{version: 3, additionalVersionWeight: {'2': 1}}`), LoadOptions{})
	assert.Equal(t, map[string]float64{"2": 1}, p.Services[0].Aliases[0].Spec.AdditionalVersionWeight)
}

func TestABadInitializerIsRefusedLikeABadHandler(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{`fcdeploy.yaml:10:22: services.svc.functions.fn.initializer: "bad" must look like FILE.FUNCTION for python3, e.g. "index.handler" for function handler in index.py`},
		diagnostics(t, minimal+"        initializer: bad\n", LoadOptions{}))
}

func TestASoftConcurrencyOfOneOrEqualToTheHardLimitIsAccepted(t *testing.T) {
	t.Parallel()
	assert.Empty(t, diagnostics(t, minimal+"        instanceSoftConcurrency: 1\n", LoadOptions{}))
	assert.Empty(t, diagnostics(t, minimal+"        instanceSoftConcurrency: 5\n        instanceConcurrency: 5\n", LoadOptions{}))
}

func TestAnOSSCodeURLNeedsBothABucketAndAnObject(t *testing.T) {
	t.Parallel()
	for _, url := range []string{"oss://bucket", "oss:///object"} {
		assert.Equal(t, []string{`fcdeploy.yaml:9:15: services.svc.functions.fn.code: "` + url + `" must look like oss://BUCKET/OBJECT`},
			diagnostics(t, strings.Replace(minimal, "./src", url, 1), LoadOptions{}), url)
	}
}

// trigger's Input is in project.go; its qualifier is checked here.
func TestATriggerQualifierMayBeLATESTOrEmptyAndAnEmptyOneIsLeftOut(t *testing.T) {
	t.Parallel()
	for q, want := range map[string]any{"LATEST": "LATEST", "''": nil} {
		p := load(t, minimal+"        triggers:\n          t: {type: http, qualifier: "+q+", config: {authType: anonymous, methods: [GET]}}\n", LoadOptions{})
		in := p.Services[0].Functions[0].Triggers[0].Input()
		if want == nil {
			assert.Nil(t, in.Qualifier, q)
		} else {
			require.NotNil(t, in.Qualifier, q)
			assert.Equal(t, want, *in.Qualifier, q)
		}
	}
}
