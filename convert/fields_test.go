package convert

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// convertFixture converts testdata/NAME, written as FILE beside files,
// checks the manifest from its line starting with from against
// testdata/NAME's .want.yaml (the lines before hold the directory's name),
// and returns the result and its report as "LINE: WHAT".
func convertFixture(t *testing.T, name, file, from string, files map[string]string) (*Result, []string) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	want, err := os.ReadFile(filepath.Join("testdata", strings.TrimSuffix(name, filepath.Ext(name))+".want.yaml"))
	require.NoError(t, err)
	files[file] = string(src)
	dir := writeFiles(t, files)
	res, err := Convert(filepath.Join(dir, file), Options{})
	require.NoError(t, err)
	_, got, _ := strings.Cut(string(res.Files[res.Manifest]), "\n"+from)
	assert.Equal(t, string(want), from+got)
	var report []string
	for _, f := range res.Report {
		report = append(report, fmt.Sprintf("%d: %s", f.Line, f.What))
	}
	return res, report
}

// testdata/sdevs_fields.yaml uses every service, function and trigger field
// the converter treats specially, each the way it converts and the way it
// does not; sdevs_fields.want.yaml is the manifest it gives (after the
// project line, which is the directory's name).
func TestServerlessDevsFieldsConvertOrAreReportedWithTheirLine(t *testing.T) {
	res, report := convertFixture(t, "sdevs_fields.yaml", "s.yaml", "environments:", map[string]string{"code/index.py": "x"})
	assert.Equal(t, []string{
		"9: services.api.props.service.role is a role to create",
		"10: services.api.props.service.logConfig.extra",
		"11: services.api.props.service.vpcConfig.zone",
		"12: services.api.props.service.nasConfig.mountPoints entry without serverAddr, nasDir and fcDir",
		"12: services.api.props.service.nasConfig.mountPoints entry without serverAddr, nasDir and fcDir",
		"19: services.api.props.service.tracingConfig",
		"20: services.api.props.service.unknownThing",
		"27: services.api.props.function.description: ${other(x)}",
		"28: services.api.props.function.unknownFn",
		"33: services.api.props.triggers: a trigger without name or type",
		"34: services.api.props.triggers.q: trigger type mns_queue",
		"35: services.api.props.triggers.up: sourceArn built from bucketName",
		"36: services.api.props.triggers.topic: no sourceArn",
		"37: services.api.props.triggers.topic2: no sourceArn",
		"38: services.api.props.triggers.listbucket: no sourceArn",
		"43: services.other.props.service.logConfig: auto",
		"43: services.other.props.service.vpcConfig: auto",
		"44: services.other.props.function.codeUri is not a path",
		"50: services.third.props.function.codeUri ./missing does not exist",
		"1: access default of environment default",
	}, report)
	assert.Equal(t, 3, res.Services)
	assert.Equal(t, 4, res.Triggers)
}

// testdata/funcraft_fields.yml does the same for a Funcraft template:
// parameters with and without a default, references in each of their
// forms, Globals, roles, NAS and log configs, and each event type whose
// properties are read one by one.
func TestFuncraftFieldsConvertOrAreReportedWithTheirLine(t *testing.T) {
	res, report := convertFixture(t, "funcraft_fields.yml", "template.yml", "vars:", map[string]string{"code/index.py": "x", "php/index.php": "x"})
	assert.Equal(t, []string{
		"16: service svc: Role my-role is not an ARN",
		"17: service svc: NasConfig: Auto",
		"26: function svc/fn.Description: ${Stage}-fn in ${ALIYUN::Region}",
		"32: function svc/fn: InstanceLifecycleConfig.PreBoot",
		"44: trigger svc/fn/up: no InvocationRole",
		"47: trigger svc/fn/half: no source (InstanceName and TableName)",
		"50: trigger svc/fn/logs: no InvocationRole",
		"56: trigger svc/fn/down: no InvocationRole",
		"61: service svc2.Role: reference to RoleArn",
		"62: service svc2: NasConfig: Auto",
		"71: service svc3: NasConfig",
		"75: resource notype has no Type",
		"77: resource listtype has no Type",
	}, report)
	assert.Contains(t, res.Report[6].Todo, "AliyunFcGeneratedInvocationRole-svc-fn", "a log trigger's role is the one Funcraft made for logs")
	assert.Contains(t, res.Report[4].Todo, "FunCreateRole-svc-fn")
	ignore := string(res.Files[filepath.Join(filepath.Dir(res.Manifest), "php", ".fcignore")])
	// Funcraft's own patterns are relative to the template's directory:
	// those with a slash (.fun/python) do not reach a code directory below it.
	assert.True(t, strings.HasSuffix(ignore, "\n.nas.yml\nnode_modules\n"), "php7.2 code leaves out node_modules:\n%s", ignore)
}

func TestASourceThatIsNotAProjectIsRefusedAtItsPosition(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"bad/template.yml":  "Resources:\n  svc:\n    Type: [unclosed\n",
		"list/template.yml": "# a list\n- a\n- b\n",
	})
	_, err := Convert(filepath.Join(dir, "bad", "template.yml"), Options{})
	var pe *PositionError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 3, pe.Line, "the line of the problem, from the manifest parser")
	assert.Positive(t, pe.Column)
	assert.Contains(t, err.Error(), fmt.Sprintf("template.yml:3:%d: not valid YAML", pe.Column))

	_, err = Convert(filepath.Join(dir, "list", "template.yml"), Options{})
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 2, pe.Line, "where the list starts")
	assert.Contains(t, err.Error(), "template.yml:2:1: ")

	assert.Equal(t, "f:4: m", (&PositionError{File: "f", Line: 4, Msg: "m"}).Error())
}

// A function whose description holds a reference fcdeploy cannot write
// still converts, without that field (which the report names).
func TestAnUnconvertibleFieldLeavesOutTheFieldNotTheFunction(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "sdevs_fields.yaml"))
	require.NoError(t, err)
	dir := writeFiles(t, map[string]string{"code/index.py": "x", "s.yaml": string(src)})
	res, err := Convert(filepath.Join(dir, "s.yaml"), Options{})
	require.NoError(t, err)
	web := manifestOf(t, res)["services"].(map[string]any)["shop"].(map[string]any)["functions"].(map[string]any)["web"].(map[string]any)
	assert.Equal(t, 7, web["timeout"])
	assert.NotContains(t, web, "description")
}

func TestSetReplacesTheValueOfAKeyInPlace(t *testing.T) {
	m := mapping()
	set(m, "a", str("1"))
	set(m, "b", str("2"))
	set(m, "b", str("3"))
	require.Len(t, m.Content, 4)
	assert.Equal(t, []string{"a", "1", "b", "3"}, []string{m.Content[0].Value, m.Content[1].Value, m.Content[2].Value, m.Content[3].Value})
}

func TestACertificateIsReportedOnlyOnADomainThatDoesNotServeHTTPS(t *testing.T) {
	res, err := convertSdevs(t, `      service: {name: shop}
      function: {name: web, runtime: python3, handler: index.handler, codeUri: ./code}
      customDomains:
        - {domainName: plain.example.com, protocol: HTTP, routeConfigs: [{path: /*}]}
        - {domainName: odd.example.com, protocol: HTTP, certConfig: {certName: c}, routeConfigs: [{path: /*}]}
`)
	require.NoError(t, err)
	var certs []string
	for _, f := range res.Report {
		if strings.Contains(f.What, "certConfig") {
			certs = append(certs, fmt.Sprintf("%d: %s", f.Line, f.What))
		}
	}
	assert.Equal(t, []string{"11: services.api.props.customDomains odd.example.com: certConfig"}, certs)
}

// A trigger is all or nothing: one whose config holds a reference fcdeploy
// cannot write is left out whole, as a partial config would deploy another
// trigger.
func TestATriggerWithAnUnconvertibleReferenceIsLeftOutWhole(t *testing.T) {
	res, err := convertSdevs(t, `      service: {name: shop}
      function: {name: web, runtime: python3, handler: index.handler, codeUri: ./code}
      triggers:
        - {name: tick, type: timer, config: {cronExpression: '${other(cron)}', enable: true}}
        - {name: web, type: http, config: {authType: anonymous, methods: [GET]}}
`)
	require.NoError(t, err)
	web := manifestOf(t, res)["services"].(map[string]any)["shop"].(map[string]any)["functions"].(map[string]any)["web"].(map[string]any)
	triggers := web["triggers"].(map[string]any)
	assert.Contains(t, triggers, "web")
	assert.NotContains(t, triggers, "tick")
	require.NotEmpty(t, res.Report)
	assert.Equal(t, "services.api.props.triggers.config.cronExpression: ${other(cron)}", res.Report[0].What)
}

// The name is what every other field hangs on: a function whose name is
// an unconvertible reference is reported, not converted.
func TestAFunctionWhoseNameCannotBeConvertedIsReported(t *testing.T) {
	res, err := convertSdevs(t, `      service: {name: shop}
      function: {name: '${other(n)}', runtime: python3, handler: index.handler, codeUri: ./code}
`)
	require.NoError(t, err, "the service still converts")
	var what []string
	for _, f := range res.Report {
		what = append(what, f.What)
	}
	assert.Contains(t, what, "services.api.props.function.name: ${other(n)}")
	assert.Contains(t, what, "services.api.props.function.name is missing")
}

// convertSdevs converts an s.yaml of one FC entry, api, whose props after
// region are props (from line 7), with code in ./code.
func convertSdevs(t *testing.T, props string) (*Result, error) {
	t.Helper()
	dir := writeFiles(t, map[string]string{
		"code/index.py": "x",
		"s.yaml":        "edition: 1.0.0\nservices:\n  api:\n    component: fc\n    props:\n      region: cn-hangzhou\n" + props,
	})
	return Convert(filepath.Join(dir, "s.yaml"), Options{})
}
