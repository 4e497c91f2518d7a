package manifest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

func TestAManifestFileOneByteOverTheLimitIsRefusedByLoad(t *testing.T) {
	t.Parallel()
	head := "project: big\nservices: {}\n# "
	data := head + strings.Repeat("x", MaxDocumentSize+1-len(head))
	path := filepath.Join(t.TempDir(), DefaultFile)
	require.NoError(t, os.WriteFile(path, []byte(data), 0o644))
	_, err := Load(path, LoadOptions{LookupEnv: noEnv})
	require.Error(t, err)
	assert.Contains(t, err.Error(), fmt.Sprintf("the file is %d bytes", MaxDocumentSize+1))
}

func TestAnEnvironmentValueIsMaskedInEveryQuotingOfItButAShortOneIsNot(t *testing.T) {
	t.Parallel()
	trigger := func(typ string) string {
		return minimal + "        triggers:\n          t: {type: '" + typ + "', config: {authType: anonymous, methods: [GET]}}\n"
	}
	for _, tc := range []struct {
		name, yaml, value, want string
	}{
		{"a three-byte secret quoted with escapes",
			"environments:\n  dev:\n    credentials:\n      accessKeyIdEnv: ${env.T}\n" + minimal, `a"b`,
			`fcdeploy.yaml:4:23: environments.dev.credentials.accessKeyIdEnv: "***" is not an environment variable name (from ${env.T})`},
		{"a value of three bytes, part of it from the environment",
			trigger("h${env.T}"), "ab", `fcdeploy.yaml:11:21: services.svc.functions.fn.triggers.t.type: "***" is not`},
		{"a value of two bytes, all from the environment", trigger("${env.T}"), "ab",
			`fcdeploy.yaml:11:21: services.svc.functions.fn.triggers.t.type: "ab" is not`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := diagnostics(t, tc.yaml, LoadOptions{LookupEnv: envOf(map[string]string{"T": tc.value})})
			require.Len(t, got, 1)
			assert.True(t, strings.HasPrefix(got[0], tc.want), "got %s\nwant %s...", got[0], tc.want)
		})
	}
}

func TestAMissingOrEmptyTopLevelFieldIsReportedWhereTheMappingStarts(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{`fcdeploy.yaml:1:1: missing required field "project"`},
		diagnostics(t, "services: {}\n", LoadOptions{}))
	assert.Equal(t, []string{`fcdeploy.yaml:1:1: project: project is empty; it is required`},
		diagnostics(t, "project:\nservices: {}\n", LoadOptions{}))
}

func TestALayerWithoutCodeIsReportedAtItsName(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{`fcdeploy.yaml:2:3: layers.deps: missing required field "code"`},
		diagnostics(t, "layers:\n  deps: {description: x}\n"+minimal, LoadOptions{}))
	assert.Equal(t, []string{`fcdeploy.yaml:2:10: layers.deps.code: code is empty; it is required`},
		diagnostics(t, "layers:\n  deps: {code: }\n"+minimal, LoadOptions{}))
}

func TestAnEnvironmentWithNoSettingsLoadsAndAnUnknownSettingIsRefused(t *testing.T) {
	t.Parallel()
	p := load(t, "environments:\n  dev:\n"+minimal, LoadOptions{Env: "dev"})
	require.NotNil(t, p.Env)
	assert.Equal(t, "dev", p.Env.Name)
	assert.Equal(t, []string{`fcdeploy.yaml:3:5: environments.dev.regoin: unknown field "regoin"; did you mean "region"?`},
		diagnostics(t, "environments:\n  dev:\n    regoin: x\n"+minimal, LoadOptions{}))
}

func TestTheLocalEndpointIsAcceptedAndAnotherSchemeIsRefused(t *testing.T) {
	t.Parallel()
	p := load(t, "environments:\n  dev:\n    endpoint: local\n"+minimal, LoadOptions{Env: "dev"})
	assert.Equal(t, EndpointLocal, p.Env.Endpoint)
	assert.Equal(t, []string{`fcdeploy.yaml:3:15: environments.dev.endpoint: endpoint "ftp://x" must start with http:// or https://, or be "local" for the embedded local Function Compute`},
		diagnostics(t, "environments:\n  dev:\n    endpoint: ftp://x\n"+minimal, LoadOptions{}))
}

func TestAProjectNameStartingWithADigitIsRefused(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{`fcdeploy.yaml:2:10: project: project name "9lives" must start with a letter or _ and contain only letters, digits, _ and -`},
		diagnostics(t, strings.Replace(minimal, "demo", "9lives", 1), LoadOptions{}))
}

func TestTheProjectVarsKeepTheirYAMLTypes(t *testing.T) {
	t.Parallel()
	p := load(t, "vars:\n  port: 8080\n  on: true\n  name: web\n"+minimal, LoadOptions{})
	assert.Equal(t, map[string]any{"port": json.Number("8080"), "on": true, "name": "web"}, p.Vars)
}

func floatNode(v string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: v}
}

func TestAFiniteFloatConvertsToItsShortestText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"1.25": "1.25", "-0.5": "-0.5", "1.5e308": "1.5e+308", "-1.5e308": "-1.5e+308", "1_000.5": "1000.5"} {
		got, err := Value(floatNode(in))
		require.NoError(t, err, in)
		assert.Equal(t, json.Number(want), got, in)
	}
}

func TestANonFiniteFloatIsRefused(t *testing.T) {
	t.Parallel()
	for _, in := range []string{".nan", "nan", "inf", "-Infinity", ".inf", "1e309", "-1e309", "1.2.3"} {
		_, err := Value(floatNode(in))
		assert.EqualError(t, err, in+" is not a finite number", in)
	}
}
