package manifest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

func TestOnlyAValueThatIsExactlyOneReferenceTakesItsType(t *testing.T) {
	t.Parallel()
	r := &resolver{vars: map[string]*yaml.Node{"n": {Kind: yaml.ScalarNode, Tag: "!!int", Value: "5"}}, lookupEnv: noEnv}
	for s, want := range map[string]string{
		"${vars.n}":          "!!int",
		"x${vars.n}":         "!!str",
		"${vars.n}x":         "!!str",
		"${vars.n}${vars.n}": "!!str",
	} {
		e, err := r.expand(s, "!!str")
		require.NoError(t, err, s)
		assert.Equal(t, want, e.tag, s)
	}
}

func TestAValueFromTheEnvironmentIsTypedAsYAMLWouldTypeItWritten(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]string{
		"256":    "!!int",
		"-3":     "!!int",
		"1.5":    "!!float",
		"1e3":    "!!float",
		"true":   "!!bool",
		"abc":    "!!str",
		"inf":    "!!str",
		"NaN":    "!!str",
		"0x1p-2": "!!str",
		"1_000":  "!!str",
		"":       "!!str",
	} {
		assert.Equal(t, want, implicitTag(v), "%q", v)
	}
}
