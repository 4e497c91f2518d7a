package manifest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// withAlias puts an aliases block with the given live alias under svc.
func withAlias(live string) string {
	return strings.Replace(minimal, "  svc:\n", "  svc:\n    aliases:\n      live: "+live+"\n", 1)
}

func TestAnAliasCannotSplitTrafficWithItsOwnMainVersion(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{
		`fcdeploy.yaml:6:52: services.svc.aliases.live.additionalVersionWeight.3: version 3 is already the alias's main version; name a different one`,
	}, diagnostics(t, withAlias(`{version: 3, additionalVersionWeight: {'3': 0.1}}`), LoadOptions{}))
	assert.Empty(t, diagnostics(t, withAlias(`{version: 3, additionalVersionWeight: {'2': 0.1}}`), LoadOptions{}), "another version is fine")
}

// The schema sees only the text "${vars.w}", so the range check after
// interpolation is all that stands between a bad var and the API.
func TestAWeightFromAVarIsCheckedAfterInterpolation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ w, want string }{
		{"-0.1", `the weight must be between 0 and 1, not -0.1`},
		{"1.5", `the weight must be between 0 and 1, not 1.5`},
		{"lots", `must be a number, not "lots" (from ${vars.w})`},
	} {
		yaml := "vars:\n  w: " + tc.w + "\n" + withAlias(`{version: 3, additionalVersionWeight: {'2': '${vars.w}'}}`)
		got := diagnostics(t, yaml, LoadOptions{})
		if assert.Len(t, got, 1, "weight %s", tc.w) {
			assert.Contains(t, got[0], "services.svc.aliases.live.additionalVersionWeight.2: "+tc.want)
		}
	}
	p := load(t, "vars:\n  w: 0.25\n"+withAlias(`{version: 3, additionalVersionWeight: {'2': '${vars.w}'}}`), LoadOptions{})
	assert.Equal(t, map[string]float64{"2": 0.25}, p.Services[0].Aliases[0].Spec.AdditionalVersionWeight)
}
