package schema

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/manifest"
)

func noEnv(string) (string, bool) { return "", false }

func at(t *testing.T, ptr string) map[string]any {
	t.Helper()
	m := lookup("#" + ptr)
	require.NotNil(t, m, "schema has no object at %s", ptr)
	return m
}

func num(v any) int64 { return int64(v.(float64)) }

func strs(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}

func TestTheEmbeddedSchemaCompiles(t *testing.T) {
	t.Parallel()
	_, err := compiled()
	require.NoError(t, err)
	var v map[string]any
	require.NoError(t, json.Unmarshal(ManifestSchema(), &v))
	assert.Equal(t, SchemaURL, v["$id"])
}

// The schema repeats fc's limits for editors; this keeps them equal to
// fc/limits.go, the single source of truth.
func TestTheSchemaLimitsAreFCsLimits(t *testing.T) {
	t.Parallel()
	fn := "/definitions/function/properties/"
	mem := at(t, fn+"memorySize/anyOf/0")
	assert.Equal(t, int64(fc.MinMemorySize), num(mem["minimum"]))
	assert.Equal(t, int64(fc.MaxMemorySize), num(mem["maximum"]))
	assert.Equal(t, int64(fc.MemorySizeStep), num(mem["multipleOf"]))
	for field, lim := range map[string][2]int64{
		"timeout":               {fc.MinTimeout, fc.MaxTimeout},
		"initializationTimeout": {fc.MinInitializationTimeout, fc.MaxInitializationTimeout},
		"instanceConcurrency":   {fc.MinInstanceConcurrency, fc.MaxInstanceConcurrency},
	} {
		s := at(t, fn+field+"/anyOf/0")
		assert.Equal(t, lim, [2]int64{num(s["minimum"]), num(s["maximum"])}, field)
	}
	for def, max := range map[string]int64{
		"serviceName": fc.MaxServiceNameLength, "functionName": fc.MaxFunctionNameLength,
		"triggerName": fc.MaxTriggerNameLength, "aliasName": fc.MaxAliasNameLength,
	} {
		s := at(t, "/definitions/"+def)
		assert.Equal(t, max, num(s["maxLength"]), def)
		assert.Equal(t, fc.NamePattern, s["pattern"], def)
		assert.Contains(t, s["x-rule"], "1 to "+itoa(max), def)
	}
	assert.Equal(t, fc.QualifierLatest, at(t, "/definitions/aliasName/not")["const"])
	assert.Equal(t, int64(fc.MaxDescriptionLength), num(at(t, "/definitions/description")["maxLength"]))
	assert.Equal(t, fc.Runtimes, strs(at(t, fn+"runtime/anyOf/0")["enum"]))
	assert.Equal(t, fc.TriggerTypes, strs(at(t, "/definitions/trigger/properties/type/anyOf/0")["enum"]))
	assert.Equal(t, fc.HTTPMethods, strs(at(t, "/definitions/httpConfig/properties/methods/items")["enum"]))
	assert.Equal(t, manifest.HTTPAuthTypes, strs(at(t, "/definitions/httpConfig/properties/authType/anyOf/0")["enum"]))
	w := at(t, "/definitions/alias/properties/additionalVersionWeight/additionalProperties/anyOf/0")
	assert.Equal(t, fc.MaxAdditionalVersionWeight, w["maximum"])
	assert.Contains(t, at(t, fn+"memorySize")["x-rule"], "multiple of 64 between 128 and 3072")
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// The schema and the loader must agree on which fields exist, or one of
// them would accept a typo the other refuses. The API blocks are covered
// field by field in coverage_test.go.
func TestTheSchemaAndTheLoaderKnowTheSameProjectFields(t *testing.T) {
	t.Parallel()
	for ptr, fields := range map[string][]string{
		"":                         manifest.ProjectFields,
		"/definitions/environment": manifest.EnvironmentFields,
		"/definitions/environment/properties/credentials": manifest.CredentialsFields,
	} {
		s := at(t, ptr)
		assert.Equal(t, false, s["additionalProperties"], "%s must refuse unknown fields", ptr)
		props := slices.Sorted(maps.Keys(s["properties"].(map[string]any)))
		assert.Equal(t, slices.Sorted(slices.Values(fields)), props, ptr)
	}
}

func TestTheFixturesAreValidInEveryEnvironment(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{"hello", "shop", "full"} {
		path := filepath.Join("..", "testdata", "manifests", dir, manifest.DefaultFile)
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		envs := []string{""}
		if dir != "hello" {
			envs = append(envs, "staging", "prod")
		}
		for _, env := range envs {
			assert.Empty(t, Validate(path, data, manifest.LoadOptions{Env: env, LookupEnv: noEnv}), "%s --env %q", path, env)
		}
	}
}

// The examples the README points users at must validate.
func TestTheExamplesAreValid(t *testing.T) {
	t.Parallel()
	paths, err := filepath.Glob("../examples/*/" + manifest.DefaultFile)
	require.NoError(t, err)
	if len(paths) == 0 {
		t.Skip("no examples/*/fcdeploy.yaml in this checkout")
	}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Empty(t, Validate(path, data, manifest.LoadOptions{LookupEnv: noEnv}), path)
	}
}

const minimal = `project: demo
services:
  svc:
    functions:
      fn:
        runtime: python3
        handler: index.handler
        code: ./src
`

// check runs the schema alone over yaml.
func check(t *testing.T, yaml string) []string {
	t.Helper()
	doc, diags := manifest.Parse("fcdeploy.yaml", []byte(yaml))
	return verdict(t, doc, diags)
}

// verdict is Check's diagnostics of a document that parsed cleanly.
func verdict(t *testing.T, doc *manifest.Document, diags []manifest.Diagnostic) []string {
	t.Helper()
	require.Empty(t, diags)
	var out []string
	for _, d := range Check(doc) {
		out = append(out, d.String())
	}
	return out
}

func TestSchemaMessagesAreInPlainEnglish(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, yaml string
		want       []string
	}{
		{"a misspelled field suggests the right one", strings.Replace(minimal, "handler:", "handlr:", 1), []string{
			`fcdeploy.yaml:5:7: services.svc.functions.fn: missing required field "handler"`,
			`fcdeploy.yaml:7:9: services.svc.functions.fn.handlr: unknown field "handlr"; did you mean "handler"?`,
		}},
		{"an unrelated field lists the allowed ones", minimal + "    colour: blue\n", []string{
			`fcdeploy.yaml:9:5: services.svc.colour: unknown field "colour"; allowed here: aliases, description, functions, internetAccess, logConfig, nasConfig, ossMountConfig, publish, role, tags, tracingConfig, vpcConfig`,
		}},
		{"a limit states the rule and the value", minimal + "        memorySize: 100\n", []string{
			`fcdeploy.yaml:9:21: services.svc.functions.fn.memorySize: must be a multiple of 64 between 128 and 3072, not 100`,
		}},
		{"an enum lists the choices", strings.Replace(minimal, "python3", "python4", 1), []string{
			`fcdeploy.yaml:6:18: services.svc.functions.fn.runtime: "python4" is not one of: ` + strings.Join(fc.Runtimes, ", "),
		}},
		{"a wrong type names both types", minimal + "        environmentVariables: [A, B]\n", []string{
			`fcdeploy.yaml:9:31: services.svc.functions.fn.environmentVariables: must be a mapping, not a list`,
		}},
		{"a bad name is reported at the key", strings.Replace(minimal, "  svc:", "  my svc:", 1), []string{
			`fcdeploy.yaml:3:3: services.my svc: a service name must be 1 to 128 characters, start with a letter or _ and contain only letters, digits, _ and -, not "my svc"`,
		}},
		{"a timer config is checked by trigger type", minimal + "        triggers:\n          t: {type: timer, config: {cron: '0 * * * * *'}}\n", []string{
			`fcdeploy.yaml:10:28: services.svc.functions.fn.triggers.t.config: missing required field "cronExpression"`,
			`fcdeploy.yaml:10:37: services.svc.functions.fn.triggers.t.config.cron: unknown field "cron"; allowed here: cronExpression, enable, payload`,
		}},
		{"a ${...} reference is accepted where a number is expected", minimal + "        memorySize: ${vars.memory}\n        timeout: '${env.T:-3}'\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, check(t, tc.yaml))
		})
	}
}

// writeProject writes yaml and a src/ directory and returns the path.
func writeProject(t *testing.T, yaml string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "src"), 0o755))
	path := filepath.Join(dir, manifest.DefaultFile)
	require.NoError(t, os.WriteFile(path, []byte(yaml), 0o644))
	return path
}

func TestValidateReportsEachProblemOnceWithTheLoadersWording(t *testing.T) {
	t.Parallel()
	path := writeProject(t, "vars: {memory: 100}\n"+minimal+"        memorySize: ${vars.memory}\n        timeout: 0\n        handlr: x\n")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var got []string
	for _, d := range Validate(path, data, manifest.LoadOptions{LookupEnv: noEnv}) {
		got = append(got, strings.TrimPrefix(d.String(), path))
	}
	assert.Equal(t, []string{
		`:10:21: services.svc.functions.fn.memorySize: must be a multiple of 64 between 128 and 3072, not 100 (from ${vars.memory})`,
		`:11:18: services.svc.functions.fn.timeout: must be between 1 and 300 seconds, not 0`,
		`:12:9: services.svc.functions.fn.handlr: unknown field "handlr"; did you mean "handler"?`,
	}, got)
}

func TestValidateAddsWhatOnlyTheSchemaChecks(t *testing.T) {
	t.Parallel()
	// The loader accepts any scalar as a string; the schema wants a string.
	path := writeProject(t, minimal+"        description: 42\n")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	diags := Validate(path, data, manifest.LoadOptions{LookupEnv: noEnv})
	require.Len(t, diags, 1)
	assert.Equal(t, "must be a string, not 42", diags[0].Message)
}

func TestLoadReturnsTheProjectOrEveryDiagnostic(t *testing.T) {
	t.Parallel()
	p, err := Load(writeProject(t, minimal), manifest.LoadOptions{LookupEnv: noEnv})
	require.NoError(t, err)
	assert.Equal(t, "demo", p.Name)

	_, err = Load(writeProject(t, minimal+"        timeout: 0\n        memorySize: 1\n"), manifest.LoadOptions{LookupEnv: noEnv})
	var merr *manifest.Error
	require.ErrorAs(t, err, &merr)
	assert.Len(t, merr.Diagnostics, 2)
}

func TestANumberJSONCannotHoldIsReportedWhereItIs(t *testing.T) {
	t.Parallel()
	diags := Validate("fcdeploy.yaml", []byte("project: demo\nvars: {big: .inf}\nservices: {}\n"), manifest.LoadOptions{LookupEnv: noEnv})
	require.Len(t, diags, 1)
	assert.Equal(t, "fcdeploy.yaml:2:13: .inf is not a finite number", diags[0].String())
}

func TestASyntaxErrorIsTheOnlyDiagnostic(t *testing.T) {
	t.Parallel()
	diags := Validate("fcdeploy.yaml", []byte("project: demo\nservices:\n  svc: [\n"), manifest.LoadOptions{LookupEnv: noEnv})
	require.Len(t, diags, 1)
	assert.Contains(t, diags[0].String(), "fcdeploy.yaml:4:1: yaml: did not find expected node content here")
}
