package manifest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAFunctionWrittenAsAStringIsRefusedAsNotAMapping(t *testing.T) {
	t.Parallel()
	yaml := strings.Replace(minimal, "      fn:\n        runtime: python3\n        handler: index.handler\n        code: ./src\n", "      fn: hello\n", 1)
	assert.Contains(t, diagnostics(t, yaml, LoadOptions{}), `fcdeploy.yaml:6:11: services.svc.functions.fn: must be a mapping, not "hello"`)
}

func TestAWholeNumberMayBeWrittenInHexOrAsAWholeFloat(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"0x3c", "60.0", "6e1", "60"} {
		p := load(t, minimal+"        timeout: "+in+"\n", LoadOptions{})
		require.NotNil(t, p.Services[0].Functions[0].Spec.Timeout, in)
		assert.Equal(t, int32(60), *p.Services[0].Functions[0].Spec.Timeout, in)
	}
}

func TestAWholeNumberIsNeitherQuotedNorFractional(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`"60"`: `fcdeploy.yaml:10:18: services.svc.functions.fn.timeout: must be a whole number, not "60"`,
		`1.5`:  `fcdeploy.yaml:10:18: services.svc.functions.fn.timeout: must be a whole number, not the number 1.5`,
		`.inf`: `fcdeploy.yaml:10:18: services.svc.functions.fn.timeout: must be a whole number, not the number .inf`,
	} {
		assert.Equal(t, []string{want}, diagnostics(t, minimal+"        timeout: "+in+"\n", LoadOptions{}), in)
	}
}

func TestANumberIsNeitherQuotedNorNaNAndAHugeOneIsOutOfRange(t *testing.T) {
	t.Parallel()
	const at = `fcdeploy.yaml:6:57: services.svc.aliases.live.additionalVersionWeight.2: `
	for in, want := range map[string]string{
		`"0.5"`:       `must be a number, not "0.5"`,
		`.nan`:        `must be a number, not the number .nan`,
		`!!float nan`: `must be a number, not the number nan`,
		`1.5e308`:     `the weight must be between 0 and 1, not 1.5e308`,
		`-1.5e308`:    `the weight must be between 0 and 1, not -1.5e308`,
	} {
		assert.Equal(t, []string{at + want}, diagnostics(t, withAlias(`{version: 3, additionalVersionWeight: {'2': `+in+`}}`), LoadOptions{}), in)
	}
}
