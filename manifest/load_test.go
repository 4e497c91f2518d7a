package manifest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

// project writes fcdeploy.yaml and a src/ directory with index.py into a
// temp dir and returns the manifest's path.
func project(t *testing.T, yaml string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "src"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "src", "index.py"), []byte("def handler(e, c): return e\n"), 0o644))
	path := filepath.Join(dir, DefaultFile)
	require.NoError(t, os.WriteFile(path, []byte(yaml), 0o644))
	return path
}

func noEnv(string) (string, bool) { return "", false }

func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// load loads yaml and fails the test on any diagnostic.
func load(t *testing.T, yaml string, opt LoadOptions) *Project {
	t.Helper()
	if opt.LookupEnv == nil {
		opt.LookupEnv = noEnv
	}
	p, err := Load(project(t, yaml), opt)
	require.NoError(t, err)
	return p
}

// diagnostics loads yaml and returns its diagnostics without the file name.
func diagnostics(t *testing.T, yaml string, opt LoadOptions) []string {
	t.Helper()
	if opt.LookupEnv == nil {
		opt.LookupEnv = noEnv
	}
	path := project(t, yaml)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	_, diags := LoadDiagnostics(path, data, opt)
	out := make([]string, len(diags))
	for i, d := range diags {
		d.File = DefaultFile
		out[i] = d.String()
	}
	return out
}

const minimal = `
project: demo
services:
  svc:
    functions:
      fn:
        runtime: python3
        handler: index.handler
        code: ./src
`

func TestTheShopFixtureLoadsWithStagingValues(t *testing.T) {
	t.Parallel()
	p, err := Load("../testdata/manifests/shop/fcdeploy.yaml", LoadOptions{Env: "staging", LookupEnv: noEnv})
	require.NoError(t, err)

	assert.Equal(t, "shop", p.Name)
	require.NotNil(t, p.Env)
	assert.Equal(t, "111111", p.Env.AccountID)
	assert.Equal(t, DefaultAccessKeyIDEnv, p.Env.Credentials.AccessKeyIDEnv)
	require.Len(t, p.Services, 2)
	assert.Equal(t, []string{"notify", "shop"}, []string{p.Services[0].Name, p.Services[1].Name}, "services are sorted by name")

	shop := p.Service("shop")
	assert.Equal(t, "Shop backend (staging)", *shop.Spec.Description)
	assert.True(t, shop.Publish)
	require.NotNil(t, shop.Spec.InternetAccess)
	assert.True(t, *shop.Spec.InternetAccess)
	assert.Equal(t, AliasVersionLatest, shop.Alias("live").Version)

	api := shop.Function("api")
	assert.Equal(t, int32(128), *api.Spec.MemorySize, "the staging var overrides the top-level memory")
	assert.Equal(t, CodeDir, api.Code.Kind)
	assert.Equal(t, filepath.Join(p.Dir, "functions", "api"), api.Code.Path)
	assert.Equal(t, "local-only-password", api.Spec.EnvironmentVariables["DB_PASSWORD"])
	assert.True(t, api.Sensitive["DB_PASSWORD"])
	assert.False(t, api.Sensitive["STAGE"])
	assert.JSONEq(t, `{"authType":"anonymous","methods":["GET","POST"]}`, string(api.Triggers[0].Spec.TriggerConfig))
	assert.Equal(t, "live", *api.Triggers[0].Spec.Qualifier)

	worker := shop.Function("worker")
	assert.Equal(t, int32(fc.DefaultMemorySize), *worker.Spec.MemorySize)
	assert.Equal(t, int32(60), *worker.Spec.Timeout)
	assert.Equal(t, `{"cronExpression":"0 0 2 * * *","enable":true,"payload":"{\"job\": \"reindex\"}"}`, string(worker.Triggers[0].Spec.TriggerConfig), "config is canonical JSON")

	email := p.Service("notify").Function("email")
	assert.Equal(t, int32(fc.DefaultTimeout), *email.Spec.Timeout)
	assert.Equal(t, Pos{File: "../testdata/manifests/shop/fcdeploy.yaml", Line: 58, Col: 7}, email.Pos)
}

func TestTheHelloFixtureLoadsWithoutAnEnvironment(t *testing.T) {
	t.Parallel()
	p, err := Load("../testdata/manifests/hello/fcdeploy.yaml", LoadOptions{LookupEnv: noEnv})
	require.NoError(t, err)
	assert.Nil(t, p.Env)
	assert.Equal(t, "Hello", p.Service("hello").Function("hello").Spec.EnvironmentVariables["GREETING"])
}

func TestInterpolation(t *testing.T) {
	t.Parallel()
	base := `
project: demo
vars: {memory: 256, name: web, on: true}
environments:
  big: {vars: {memory: 1024}}
services:
  svc:
    description: %s
    functions:
      fn:
        runtime: python3
        handler: index.handler
        code: ./src
        memorySize: %s
`
	for _, tc := range []struct {
		name        string
		description string
		memory      string
		env         map[string]string
		envName     string
		wantDesc    string
		wantMemory  int32
	}{
		{"a whole-value var keeps its number type", "x", "${vars.memory}", nil, "", "x", 256},
		{"an environment's vars override the top-level ones", "x", "${vars.memory}", nil, "big", "x", 1024},
		{"a var inside a longer string is stringified", "'${vars.name} with ${vars.memory} MB'", "128", nil, "", "web with 256 MB", 128},
		{"an env value that looks like a number is a number", "x", "${env.MEM}", map[string]string{"MEM": "512"}, "", "x", 512},
		{"an env default is used when the variable is unset", "x", "${env.MEM:-192}", nil, "", "x", 192},
		{"the environment wins over the default", "x", "${env.MEM:-192}", map[string]string{"MEM": "640"}, "", "x", 640},
		{"$${ is a literal ${", "'cost $${vars.memory}'", "128", nil, "", "cost ${vars.memory}", 128},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			yaml := strings.Replace(strings.Replace(base, "%s", tc.description, 1), "%s", tc.memory, 1)
			p := load(t, yaml, LoadOptions{Env: tc.envName, LookupEnv: envOf(tc.env)})
			assert.Equal(t, tc.wantDesc, *p.Services[0].Spec.Description)
			assert.Equal(t, tc.wantMemory, *p.Services[0].Functions[0].Spec.MemorySize)
		})
	}
}

func TestVarsMayComeFromTheEnvironmentAndStaySensitive(t *testing.T) {
	t.Parallel()
	p := load(t, `
project: demo
vars: {token: "${env.API}"}
services:
  svc:
    functions:
      fn:
        runtime: python3
        handler: index.handler
        code: ./src
        environmentVariables:
          UPSTREAM: ${vars.token}
          PLAIN: hello
          db_password: hunter2
          FROM_DEFAULT: ${env.NOT_SET:-public}
          APIKey: x
`, LoadOptions{LookupEnv: envOf(map[string]string{"API": "s3cr3t"})})
	fn := p.Services[0].Functions[0]
	assert.Equal(t, "s3cr3t", fn.Spec.EnvironmentVariables["UPSTREAM"])
	assert.Equal(t, map[string]bool{"UPSTREAM": true, "db_password": true, "APIKey": true}, fn.Sensitive)
}

func TestValuesFromTheEnvironmentNeverAppearInDiagnostics(t *testing.T) {
	t.Parallel()
	yaml := minimal + "        memorySize: ${env.MEM}\n        handler: ${env.HANDLER}\n"
	yaml = strings.Replace(yaml, "        handler: index.handler\n", "", 1)
	got := diagnostics(t, yaml, LoadOptions{LookupEnv: envOf(map[string]string{"MEM": "hunter2", "HANDLER": "s3cr3t-value"})})
	assert.Equal(t, []string{
		`fcdeploy.yaml:9:21: services.svc.functions.fn.memorySize: must be a whole number, not "***" (from ${env.MEM})`,
		`fcdeploy.yaml:10:18: services.svc.functions.fn.handler: "***" must look like FILE.FUNCTION for python3, e.g. "index.handler" for function handler in index.py (from ${env.HANDLER})`,
	}, got)
}

func TestCodeSources(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, code string
		files      []string
		kind       CodeKind
		bucket     string
		object     string
	}{
		{"a directory is packaged", "./src", nil, CodeDir, "", ""},
		{"a zip file is used as it is", "./build/app.zip", []string{"build/app.zip"}, CodeZipFile, "", ""},
		{"a jar file is used as it is", "app.JAR", []string{"app.JAR"}, CodeZipFile, "", ""},
		{"an OSS object passes through", "oss://my-bucket/path/to/code.zip", nil, CodeOSS, "my-bucket", "path/to/code.zip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := project(t, strings.Replace(minimal, "./src", tc.code, 1))
			for _, f := range tc.files {
				full := filepath.Join(filepath.Dir(path), f)
				require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
				require.NoError(t, os.WriteFile(full, []byte("PK"), 0o644))
			}
			p, err := Load(path, LoadOptions{LookupEnv: noEnv})
			require.NoError(t, err)
			c := p.Services[0].Functions[0].Code
			assert.Equal(t, tc.kind, c.Kind)
			assert.Equal(t, tc.bucket, c.Bucket)
			assert.Equal(t, tc.object, c.Object)
			if tc.kind != CodeOSS {
				assert.Equal(t, filepath.Join(filepath.Dir(path), tc.code), c.Path)
				assert.True(t, filepath.IsAbs(c.Path))
			}
		})
	}
}

func TestMergeKeysShareSettingsAndWrittenValuesWin(t *testing.T) {
	t.Parallel()
	p := load(t, `
project: demo
services:
  svc:
    functions:
      a: &defaults
        runtime: python3
        handler: index.handler
        code: ./src
        timeout: 30
      b:
        <<: *defaults
        timeout: 60
`, LoadOptions{})
	fns := p.Services[0].Functions
	assert.Equal(t, int32(30), *fns[0].Spec.Timeout)
	assert.Equal(t, int32(60), *fns[1].Spec.Timeout)
	assert.Equal(t, "index.handler", fns[1].Handler)
}

func TestDiagnosticsNameTheProblemAndItsPosition(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		yaml string
		env  string
		want []string
	}{
		{"a misspelled key suggests the right one", strings.Replace(minimal, "code:", "cdoe:", 1), "", []string{
			`fcdeploy.yaml:6:7: services.svc.functions.fn: missing required field "code"`,
			`fcdeploy.yaml:9:9: services.svc.functions.fn.cdoe: unknown field "cdoe"; did you mean "code"?`,
		}},
		{"memorySize must be a multiple of 64", minimal + "        memorySize: 100\n", "", []string{
			`fcdeploy.yaml:10:21: services.svc.functions.fn.memorySize: must be a multiple of 64 between 128 and 3072, not 100`,
		}},
		{"a string is not a number", minimal + "        timeout: soon\n", "", []string{
			`fcdeploy.yaml:10:18: services.svc.functions.fn.timeout: must be a whole number, not "soon"`,
		}},
		{"an unknown runtime suggests a close one", strings.Replace(minimal, "python3", "pyhton3", 1), "", []string{
			`fcdeploy.yaml:7:18: services.svc.functions.fn.runtime: "pyhton3" is not a supported runtime; did you mean "python3"? Supported: ` + strings.Join(fc.Runtimes, ", "),
		}},
		{"a python handler needs FILE.FUNCTION", strings.Replace(minimal, "index.handler", "index", 1), "", []string{
			`fcdeploy.yaml:8:18: services.svc.functions.fn.handler: "index" must look like FILE.FUNCTION for python3, e.g. "index.handler" for function handler in index.py`,
		}},
		{"a missing code directory", strings.Replace(minimal, "./src", "./nope", 1), "", []string{
			`fcdeploy.yaml:9:15: services.svc.functions.fn.code: "./nope" does not exist (relative paths start at the manifest's directory)`,
		}},
		{"a code file that is not an archive", strings.Replace(minimal, "./src", "./src/index.py", 1), "", []string{
			`fcdeploy.yaml:9:15: services.svc.functions.fn.code: "./src/index.py" is a file but not a .zip or .jar; point code at the directory that contains it`,
		}},
		{"an undefined var", minimal + "        description: ${vars.owner}\n", "", []string{
			`fcdeploy.yaml:10:22: services.svc.functions.fn.description: undefined variable "owner" in ${vars.owner}; define it under vars`,
		}},
		{"an unset env var without a default", minimal + "        description: ${env.OWNER}\n", "", []string{
			`fcdeploy.yaml:10:22: services.svc.functions.fn.description: environment variable OWNER is not set; export it, or give a default with ${env.OWNER:-value}`,
		}},
		{"a malformed reference", minimal + "        description: ${owner}\n", "", []string{
			`fcdeploy.yaml:10:22: services.svc.functions.fn.description: ${owner} is not a valid reference; use ${vars.NAME}, ${env.NAME} or ${env.NAME:-default}`,
		}},
		{"a duplicate key", minimal + "        handler: main.handler\n", "", []string{
			`fcdeploy.yaml:10:9: services.svc.functions.fn.handler: duplicate key "handler" (first defined at line 8); remove one of them`,
		}},
		{"an unknown environment lists the known ones", "environments: {staging: {}, prod: {}}\n" + minimal, "prd", []string{
			`fcdeploy.yaml:1:1: environments: unknown environment "prd"; did you mean "prod"? Known environments: prod, staging`,
		}},
		{"a qualifier naming an undeclared alias", minimal + "        triggers:\n          t: {type: http, qualifier: live, config: {authType: anonymous, methods: [GET]}}\n", "", []string{
			`fcdeploy.yaml:11:38: services.svc.functions.fn.triggers.t.qualifier: qualifier "live" is not an alias of service svc; declare it under services.svc.aliases (LATEST and version ids are also accepted)`,
		}},
		{"a cron expression with five fields", minimal + "        triggers:\n          t: {type: timer, config: {cronExpression: '0 2 * * *'}}\n", "", []string{
			`fcdeploy.yaml:11:53: services.svc.functions.fn.triggers.t.config.cronExpression: "0 2 * * *" has 5 fields; a cron expression needs 6: seconds minutes hours day-of-month month day-of-week (Function Compute's cron starts with a seconds field: "0 0 2 * * *")`,
		}},
		{"an alias splitting traffic two ways", strings.Replace(minimal, "  svc:\n", "  svc:\n    aliases:\n      live: {version: 3, additionalVersionWeight: {'1': 0.1, '2': 1.5}}\n", 1), "", []string{
			`fcdeploy.yaml:6:51: services.svc.aliases.live.additionalVersionWeight: lists 2 versions; an alias can send traffic to one additional version only`,
			`fcdeploy.yaml:6:67: services.svc.aliases.live.additionalVersionWeight.2: the weight must be between 0 and 1, not 1.5`,
		}},
		{"a name Function Compute refuses", strings.Replace(minimal, "fn:", "9fn:", 1), "", []string{
			`fcdeploy.yaml:6:7: services.svc.functions.9fn: function name "9fn" must start with a letter or _ and contain only letters, digits, _ and -`,
		}},
		{"a YAML syntax error carries its line", "project: demo\nservices:\n  svc:\n    functions: {\n", "", []string{
			`fcdeploy.yaml:5:1: yaml: did not find expected node content here; is a value missing or a bracket not closed?`,
		}},
		{"an unclosed flow mapping points at its brace", "project: demo\nservices:\n  svc: {functions: {}\n  other: {}\n", "", []string{
			"fcdeploy.yaml:3:8: yaml: did not find expected ',' or '}' in the {...} mapping that starts here; is a comma or the closing } missing?",
		}},
		{"a tab used for indentation", "project: demo\nservices:\n\tsvc: {}\n", "", []string{
			`fcdeploy.yaml:3:1: yaml: a tab character is used for indentation; YAML allows only spaces`,
		}},
		{"an empty file", "# nothing yet\n", "", []string{
			"fcdeploy.yaml: the file is empty; it needs at least `project:` and `services:`",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, diagnostics(t, tc.yaml, LoadOptions{Env: tc.env}))
		})
	}
}

func TestEveryProblemIsReportedAtOnceInPositionOrder(t *testing.T) {
	t.Parallel()
	got := diagnostics(t, `
project: demo
services:
  svc:
    functions:
      b: {runtime: python3, handler: index.handler, code: ./src, timeout: 0}
      a: {runtime: python3, handler: index.handler, code: ./src, memorySize: 4096}
`, LoadOptions{})
	require.Len(t, got, 2)
	assert.Contains(t, got[0], "fcdeploy.yaml:6:")
	assert.Contains(t, got[1], "fcdeploy.yaml:7:")
}

func TestAnAliasBombIsRefusedQuickly(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("project: bomb\nservices: {}\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < 10; i++ {
		b.WriteString("x" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := range 9 {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	_, diags := LoadDiagnostics("fcdeploy.yaml", []byte(b.String()), LoadOptions{LookupEnv: noEnv})
	require.Len(t, diags, 1)
	assert.Contains(t, diags[0].String(), "YAML aliases expand to more than 10460 values (10000 plus 4 times the 115 the document writes); the document is refused (an alias bomb?)")
}

func TestASelfReferencingAliasIsRefused(t *testing.T) {
	t.Parallel()
	_, diags := LoadDiagnostics("fcdeploy.yaml", []byte("project: &a [*a]\nservices: {}\n"), LoadOptions{LookupEnv: noEnv})
	require.NotEmpty(t, diags)
}

func TestADocumentOver4MiBIsRefused(t *testing.T) {
	t.Parallel()
	data := []byte("project: big\nservices: {}\n# " + strings.Repeat("x", MaxDocumentSize) + "\n")
	_, diags := LoadDiagnostics("fcdeploy.yaml", data, LoadOptions{LookupEnv: noEnv})
	require.Len(t, diags, 1)
	assert.Contains(t, diags[0].Message, "larger than 4194304 bytes (4 MiB) are refused")
}

func TestBoundsGrowWithTheDocument(t *testing.T) {
	t.Parallel()
	// 5,000 functions sharing their settings through one anchor: more
	// values than the old fixed bound of 100,000 allowed once the aliases
	// are expanded.
	var b strings.Builder
	b.WriteString("project: big\nx-defaults: &fn\n  runtime: python3\n  handler: index.handler\n  code: oss://bucket/code.zip\n  timeout: 30\n  memorySize: 256\n  description: a function of the generated project\n  environmentVariables: {A: '1', B: '2', C: '3', D: '4', E: '5', F: '6', G: '7', H: '8'}\n")
	b.WriteString("services:\n")
	for s := range 10 {
		fmt.Fprintf(&b, "  svc%d:\n    functions:\n", s)
		for f := range 500 {
			fmt.Fprintf(&b, "      fn%d:\n        <<: *fn\n        description: function %d of service %d, written out\n        timeout: %d\n", f, f, s, 1+f%60)
		}
	}
	doc, diags := Parse("fcdeploy.yaml", []byte(b.String()))
	require.Empty(t, diags)
	require.NotNil(t, doc.Root)
	assert.Greater(t, countWritten(doc.Root, 0), MaxNodes, "the expanded document is past the old bound of 100,000 values")
}

func TestADenseDocumentIsRefusedBeforeParsing(t *testing.T) {
	t.Parallel()
	data := []byte("project: big\nservices: {}\nx: [" + strings.Repeat("1,", 2*MaxNodes) + "1]\n")
	_, diags := LoadDiagnostics("fcdeploy.yaml", data, LoadOptions{LookupEnv: noEnv})
	require.Len(t, diags, 1)
	assert.Equal(t, "the document has 200003 lines and commas in 400033 bytes, fewer than 8 bytes each; a manifest this dense is refused (the first 200000 are allowed at any density)", diags[0].Message)
}

func TestDeepNestingIsRefused(t *testing.T) {
	t.Parallel()
	// yaml.v3 stops at 10,000 levels before building the tree; the
	// expander stops anything deeper than MaxDepth.
	for depth, want := range map[int]string{
		100_000: "exceeded max depth of 10000",
		150:     "values are nested more than 100 levels deep",
	} {
		data := []byte("project: deep\nservices: {}\nx: " + strings.Repeat("[", depth) + strings.Repeat("]", depth) + "\n")
		_, diags := LoadDiagnostics("fcdeploy.yaml", data, LoadOptions{LookupEnv: noEnv})
		require.Len(t, diags, 1, "depth %d", depth)
		assert.Contains(t, diags[0].String(), want, "depth %d", depth)
		assert.Equal(t, 3, diags[0].Line, "depth %d", depth)
	}
}

func TestASecondDocumentIsRefused(t *testing.T) {
	t.Parallel()
	_, diags := LoadDiagnostics("fcdeploy.yaml", []byte(minimal+"---\nproject: other\n"), LoadOptions{LookupEnv: noEnv})
	require.Len(t, diags, 1)
	assert.Equal(t, "only one YAML document is allowed; remove the second `---`", diags[0].Message)
}

func TestLoadReturnsATypedErrorWithEveryDiagnostic(t *testing.T) {
	t.Parallel()
	_, err := Load(project(t, strings.Replace(minimal, "python3", "cobol", 1)+"        timeout: 900\n"), LoadOptions{LookupEnv: noEnv})
	var merr *Error
	require.ErrorAs(t, err, &merr)
	assert.Len(t, merr.Diagnostics, 2)
	assert.Equal(t, 2, strings.Count(err.Error(), "\n")+1)
}

func TestInputsCarryEveryOwnedField(t *testing.T) {
	t.Parallel()
	p := load(t, `
project: demo
services:
  svc:
    description: d
    internetAccess: false
    aliases:
      live: {version: "2", additionalVersionWeight: {"1": 0.25}}
    functions:
      fn:
        runtime: nodejs14
        handler: index.handler
        code: ./src
        instanceConcurrency: 10
        environmentVariables: {A: 1}
        triggers:
          web: {type: http, qualifier: live, config: {methods: [GET], authType: function}}
`, LoadOptions{})
	s := p.Services[0]
	si := s.Input()
	assert.Equal(t, "svc", si.ServiceName)
	assert.Equal(t, "d", *si.Description)
	assert.Equal(t, "", *si.Role, "an unset role is sent as empty so removing it clears it")
	assert.False(t, *si.InternetAccess)

	fi := s.Functions[0].Input()
	assert.Equal(t, "nodejs14", *fi.Runtime)
	assert.Equal(t, int32(128), *fi.MemorySize)
	assert.Equal(t, int32(3), *fi.Timeout)
	assert.Equal(t, int32(10), *fi.InstanceConcurrency)
	assert.Nil(t, fi.InitializationTimeout)
	assert.Nil(t, fi.Code)
	assert.Equal(t, map[string]string{"A": "1"}, fi.EnvironmentVariables)

	ti := s.Functions[0].Triggers[0].Input()
	assert.Equal(t, "http", ti.TriggerType)
	assert.Equal(t, "live", *ti.Qualifier)
	assert.JSONEq(t, `{"authType":"function","methods":["GET"]}`, string(ti.TriggerConfig))

	ai := s.Aliases[0].Input()
	assert.Equal(t, "2", *ai.VersionID)
	assert.Equal(t, map[string]float64{"1": 0.25}, ai.AdditionalVersionWeight)
}

func TestDidYouMean(t *testing.T) {
	t.Parallel()
	fields := []string{"memorySize", "timeout", "handler", "runtime"}
	for word, want := range map[string]string{
		"memroySize": "memorySize", "timeuot": "timeout", "Handler": "handler",
		"colour": "", "x": "", "": "",
	} {
		assert.Equal(t, want, DidYouMean(word, fields), word)
	}
}

// naiveDidYouMean is DidYouMean as first written, with the whole
// distance table: the bounded one must pick what it picks.
func naiveDidYouMean(word string, candidates []string) string {
	best, bestDist := "", 0
	for _, c := range candidates {
		a, b := []rune(strings.ToLower(word)), []rune(strings.ToLower(c))
		d := make([][]int, len(a)+1)
		for i := range d {
			d[i] = make([]int, len(b)+1)
			d[i][0] = i
		}
		for j := range d[0] {
			d[0][j] = j
		}
		for i := 1; i <= len(a); i++ {
			for j := 1; j <= len(b); j++ {
				cost := 1
				if a[i-1] == b[j-1] {
					cost = 0
				}
				d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
				if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
					d[i][j] = min(d[i][j], d[i-2][j-2]+1)
				}
			}
		}
		if best == "" || d[len(a)][len(b)] < bestDist {
			best, bestDist = c, d[len(a)][len(b)]
		}
	}
	if best == "" || bestDist > min(max(len(word)/3, 1), 3) {
		return ""
	}
	return best
}

func TestDidYouMeanPicksWhatTheWholeDistanceTablePicks(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	letters := []rune("abcABéÉ")
	// Candidates are never empty: the first version took an empty best for
	// "no candidate yet".
	word := func(minLen int) string {
		r := make([]rune, minLen+rng.IntN(13-minLen))
		for i := range r {
			r[i] = letters[rng.IntN(len(letters))]
		}
		return string(r)
	}
	suggested := 0
	for range 20000 {
		cands := make([]string, 1+rng.IntN(6))
		for i := range cands {
			cands[i] = word(1)
		}
		w := word(0)
		want := naiveDidYouMean(w, cands)
		require.Equal(t, want, DidYouMean(w, cands), "%q among %q", w, cands)
		if want != "" {
			suggested++
		}
	}
	assert.Greater(t, suggested, 2000, "the words are close enough that many have a suggestion")
}

func TestAManifestUsingEveryFieldLoads(t *testing.T) {
	t.Parallel()
	p, err := Load("../testdata/manifests/full/fcdeploy.yaml", LoadOptions{Env: "prod", LookupEnv: noEnv})
	require.NoError(t, err)
	assert.Equal(t, Credentials{"PROD_AK_ID", "PROD_AK_SECRET", "PROD_STS_TOKEN"}, p.Env.Credentials)
	assert.Equal(t, "222222", p.Env.AccountID, "an unquoted account id is the same string")
	assert.Equal(t, "cn-hangzhou", p.Environments["staging"].Region, "environment fields are interpolated")
	assert.Equal(t, "http://127.0.0.1:9000", p.Environments["staging"].Endpoint)

	api := p.Service("api")
	assert.Equal(t, "Public API (prod)", *api.Spec.Description)
	assert.Equal(t, &fc.LogConfig{Project: "logs", Logstore: "api"}, api.Spec.LogConfig)
	assert.Equal(t, &fc.VPCConfig{VPCID: "vpc-1", VSwitchIDs: []string{"vsw-1", "vsw-2"}, SecurityGroupID: "sg-1"}, api.Spec.VPCConfig)
	assert.Equal(t, 10003, api.Spec.NASConfig.UserID)
	assert.Equal(t, "/mnt/api", api.Spec.NASConfig.MountPoints[0].MountDir)
	assert.Equal(t, []string{"canary", "live"}, []string{api.Aliases[0].Name, api.Aliases[1].Name})
	assert.Equal(t, map[string]float64{"4": 0.1}, api.Alias("canary").Spec.AdditionalVersionWeight)

	web := api.Function("web")
	assert.Equal(t, int32(1024), *web.Spec.MemorySize)
	assert.Equal(t, int32(20), *web.Spec.InstanceConcurrency)
	assert.Equal(t, "8080", web.Spec.EnvironmentVariables["PORT"])
	assert.Equal(t, map[string]bool{"API_TOKEN": true}, web.Sensitive)

	jobs := api.Function("jobs")
	assert.Equal(t, "index.init", *jobs.Spec.Initializer)
	assert.Equal(t, int32(10), *jobs.Spec.InitializationTimeout)
	assert.Equal(t, []string{"nightly", "uploads"}, []string{jobs.Triggers[0].Name, jobs.Triggers[1].Name})
	assert.Equal(t, `{"cronExpression":"0 30 2 ? * MON-FRI","enable":false,"payload":"nightly"}`, string(jobs.Triggers[0].Spec.TriggerConfig))
	up := jobs.Triggers[1]
	assert.Equal(t, "acs:oss:cn-hangzhou:111111:uploads", *up.Spec.SourceARN)
	assert.JSONEq(t, `{"events":["oss:ObjectCreated:*"],"filter":{"key":{"prefix":"incoming/","suffix":".csv"}}}`, string(up.Spec.TriggerConfig))

	archived := api.Function("archived")
	assert.Equal(t, CodeSource{Kind: CodeOSS, Bucket: "full-artifacts", Object: "archived.jar", Pos: archived.Code.Pos}, archived.Code)

	// The kinds of today's API.
	assert.Equal(t, map[string]string{"team": "api", "stage": "prod"}, api.Tags)
	assert.Equal(t, map[string]int64{"web": 2}, api.Alias("live").ProvisionFunctions)
	assert.Equal(t, []string{"shared"}, jobs.Spec.Layers)
	assert.Equal(t, "api/web", jobs.AsyncConfig.OnFailure)
	assert.Equal(t, "live", jobs.AsyncConfig.Qualifier)
	require.Len(t, p.Layers, 1)
	assert.Equal(t, "Shared helpers", p.Layers[0].Description)
	require.Len(t, p.CustomDomains, 1)
	assert.Equal(t, "live", p.CustomDomains[0].Spec.RouteConfig.Routes[0].Qualifier)
}

func TestTheDecoderReportsEveryProblemOfAnAPIBlockAtOnce(t *testing.T) {
	t.Parallel()
	got := diagnostics(t, `
project: demo
services:
  svc:
    internetAccess: yes
    logConfig: {project: p, logstroe: l}
    vpcConfig: {vpcId: v, vSwitchIds: vsw-1, securityGroupId: sg}
    nasConfig:
      userId: ${env.UID}
      mountPoints: [{serverAddr: a}]
    functions:
      fn:
        runtime: python3
        handler: index.handler
        code: ./src
        environmentVariables: {A: [1, 2]}
`, LoadOptions{LookupEnv: envOf(map[string]string{"UID": "70000"})})
	assert.Equal(t, []string{
		`fcdeploy.yaml:5:21: services.svc.internetAccess: must be true or false, not "yes" (YAML 1.2 reads yes/on as text; write true)`,
		`fcdeploy.yaml:6:16: services.svc.logConfig: missing required field "logstore"`,
		`fcdeploy.yaml:6:29: services.svc.logConfig.logstroe: unknown field "logstroe"; did you mean "logstore"?`,
		`fcdeploy.yaml:7:39: services.svc.vpcConfig.vSwitchIds: must be a list of strings, not "vsw-1"`,
		`fcdeploy.yaml:9:15: services.svc.nasConfig.userId: must be between -1 and 65535, not *** (from ${env.UID})`,
		`fcdeploy.yaml:10:21: services.svc.nasConfig.mountPoints.0: missing required field "mountDir"`,
		`fcdeploy.yaml:16:35: services.svc.functions.fn.environmentVariables.A: must be a string, not a list`,
	}, got)
}

func TestAnAPIFieldLeftOutTakesTheAPIsDefaultOrStaysUnmanaged(t *testing.T) {
	t.Parallel()
	p := load(t, minimal, LoadOptions{})
	fn := p.Services[0].Functions[0].Input()
	assert.Equal(t, int32(fc.DefaultMemorySize), *fn.MemorySize, "memorySize has a default")
	assert.Equal(t, "", *fn.Description, "so has description: removing it clears it")
	assert.NotNil(t, fn.EnvironmentVariables, "an empty environment clears the live one")
	assert.Nil(t, fn.InstanceConcurrency, "without a default a field left out is not managed")
	assert.Nil(t, p.Services[0].Input().InternetAccess)
}

func TestTheFieldsAddedSince2018AreDecodedUnderTheirAPINames(t *testing.T) {
	t.Parallel()
	p := load(t, `
project: demo
services:
  svc:
    logConfig: {project: logs, logstore: svc, enableRequestMetrics: true}
    tracingConfig: {type: Jaeger, params: {endpoint: "http://jaeger:14268"}}
    ossMountConfig:
      mountPoints: [{bucketName: b, endpoint: "http://oss", mountDir: /mnt/b, readOnly: true}]
    functions:
      fn:
        runtime: custom
        handler: index.handler
        code: ./src
        caPort: 8080
        instanceType: c1
        layers: ["acs:fc:cn-hangzhou:1:layers/l/versions/1"]
        customDNS: {nameServers: [8.8.8.8], dnsOptions: [{name: ndots, value: "2"}]}
        customRuntimeConfig: {command: [./server], args: [--port, "8080"]}
        customHealthCheckConfig: {httpGetUrl: /ready, periodSeconds: 5}
        instanceLifecycleConfig: {preStop: {handler: stop, timeout: 3}}
        cpu: 0.35
        diskSize: 512
        instanceConcurrency: 10
        instanceSoftConcurrency: 5
`, LoadOptions{})
	s := p.Services[0].Input()
	assert.True(t, s.LogConfig.EnableRequestMetrics)
	assert.Equal(t, map[string]string{"endpoint": "http://jaeger:14268"}, s.TracingConfig.Params)
	assert.Equal(t, []fc.OSSMountPoint{{BucketName: "b", Endpoint: "http://oss", MountDir: "/mnt/b", ReadOnly: true}}, s.OSSMountConfig.MountPoints)
	f := p.Services[0].Functions[0].Input()
	assert.Equal(t, int32(8080), *f.CAPort)
	assert.Equal(t, "c1", *f.InstanceType)
	assert.Equal(t, []string{"acs:fc:cn-hangzhou:1:layers/l/versions/1"}, f.Layers)
	assert.Equal(t, []fc.DNSOption{{Name: "ndots", Value: "2"}}, f.CustomDNS.DNSOptions)
	assert.Equal(t, []string{"--port", "8080"}, f.CustomRuntimeConfig.Args)
	assert.Equal(t, int32(5), f.CustomHealthCheckConfig.PeriodSeconds)
	assert.Equal(t, &fc.LifecycleHook{Handler: "stop", Timeout: 3}, f.InstanceLifecycleConfig.PreStop)
	assert.Equal(t, 0.35, *f.CPU)
	assert.Equal(t, int32(512), *f.DiskSize)
	assert.Equal(t, int32(5), *f.InstanceSoftConcurrency)
}

func TestTheNewFieldsAreCheckedAgainstFCsLimits(t *testing.T) {
	t.Parallel()
	got := diagnostics(t, minimal+`        instanceType: c2
        cpu: 0.33
        diskSize: 1024
        caPort: 70000
        instanceSoftConcurrency: 5
`, LoadOptions{})
	assert.Equal(t, []string{
		`fcdeploy.yaml:10:23: services.svc.functions.fn.instanceType: "c2" is not allowed; did you mean "c1"? Allowed: ` + strings.Join(fc.InstanceTypes, ", "),
		`fcdeploy.yaml:11:14: services.svc.functions.fn.cpu: must be a multiple of 0.05 between 0.05 and 16, not 0.33`,
		`fcdeploy.yaml:12:19: services.svc.functions.fn.diskSize: "1024" is not allowed; did you mean "10240"? Allowed: 512, 10240`,
		`fcdeploy.yaml:13:17: services.svc.functions.fn.caPort: must be between 1 and 65535, not 70000`,
		`fcdeploy.yaml:14:34: services.svc.functions.fn.instanceSoftConcurrency: 5 is more than 1 when instanceConcurrency is not set; scale-out starts at the soft limit, so it must not exceed the hard one`,
	}, got)
}

func TestRuntimesOfTodayAreAcceptedAndATooNewOneListsItsLanguage(t *testing.T) {
	t.Parallel()
	for runtime, handler := range map[string]string{
		"nodejs18": "index.handler", "nodejs20": "index.handler", "python3.10": "index.handler",
		"custom.debian10": "anything", "custom": "bootstrap", "go1": "main", "dotnetcore3.1": "App::Ns.C::Handle",
	} {
		yaml := strings.Replace(strings.Replace(minimal, "python3", runtime, 1), "index.handler", handler, 1)
		assert.Empty(t, diagnostics(t, yaml, LoadOptions{}), "%s with handler %q", runtime, handler)
	}
	got := diagnostics(t, strings.Replace(minimal, "python3", "nodejs99", 1), LoadOptions{})
	assert.Equal(t, []string{
		`fcdeploy.yaml:7:18: services.svc.functions.fn.runtime: "nodejs99" is not a supported runtime; the nodejs runtimes are: nodejs4.4, nodejs6, nodejs8, nodejs10, nodejs12, nodejs14, nodejs16, nodejs18, nodejs20`,
	}, got)
	got = diagnostics(t, strings.Replace(minimal, "python3", "nodejs1", 1), LoadOptions{})
	assert.Contains(t, got[0], `did you mean "nodejs18"?`, "of equally close runtimes, the newest is proposed")
}

func TestAnEmptyOrAbsentLayersListIsSentSoThatItClearsTheLiveOne(t *testing.T) {
	t.Parallel()
	p := load(t, minimal+"        layers: []\n", LoadOptions{})
	body, err := json.Marshal(p.Services[0].Functions[0].Input())
	require.NoError(t, err)
	assert.Contains(t, string(body), `"layers":[]`)
	body, err = json.Marshal(load(t, minimal, LoadOptions{}).Services[0].Functions[0].Input())
	require.NoError(t, err)
	assert.Contains(t, string(body), `"layers":[]`, "left out, layers are cleared too: the function is detached from layers dropped from the manifest")
}
