package convert

import (
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests pin behaviour the mutation run of issue #15 found untested.

const funcraftHeader = "ROSTemplateFormatVersion: '2015-09-01'\nTransform: 'Aliyun::Serverless-2018-04-03'\n"

// convertFuncraft converts a template of funcraftHeader and resources
// (from line 3), beside files and ./code.
func convertFuncraft(t *testing.T, resources string) (*Result, map[string]any, []string) {
	t.Helper()
	dir := writeFiles(t, map[string]string{"code/index.py": "x", "template.yml": funcraftHeader + resources})
	res, err := Convert(filepath.Join(dir, "template.yml"), Options{})
	require.NoError(t, err)
	return res, manifestOf(t, res), whats(res)
}

// whats is the report as "LINE: WHAT".
func whats(res *Result) []string {
	var out []string
	for _, f := range res.Report {
		out = append(out, fmt.Sprintf("%d: %s", f.Line, f.What))
	}
	return out
}

// function is services.SVC.functions.FN of a manifest.
func function(m map[string]any, svc, fn string) map[string]any {
	return m["services"].(map[string]any)[svc].(map[string]any)["functions"].(map[string]any)[fn].(map[string]any)
}

func TestProjectNamesAreDirectoryNamesMadeToStartWithALetterOrAnUnderscore(t *testing.T) {
	pattern := regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`) // the manifest's name pattern
	for dir, want := range map[string]string{
		"my app": "my-app", "--": "converted", "": "converted", "9lives": "p-9lives", "0": "p-0",
		"a": "a", "z": "z", "A": "A", "Z": "Z", "_x": "_x", "@home": "home", "été": "t",
	} {
		got := projectName(dir)
		assert.Equal(t, want, got, "%q", dir)
		assert.Regexp(t, pattern, got, "%q", dir)
	}

	dir := writeFiles(t, map[string]string{"2024 shop/template.yml": funcraftHeader + "Resources:\n  svc: {Type: 'Aliyun::Serverless::Service'}\n"})
	res, err := Convert(filepath.Join(dir, "2024 shop", "template.yml"), Options{})
	require.NoError(t, err)
	assert.Equal(t, "p-2024-shop", manifestOf(t, res)["project"])
}

func TestATemplateWithoutTransformIsRecognisedByItsVersionAndResourcesTogether(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"both/template.yml":      "ROSTemplateFormatVersion: '2015-09-01'\nResources:\n  svc: {Type: 'Aliyun::Serverless::Service'}\n",
		"resources/template.yml": "Resources:\n  svc: {Type: 'Aliyun::Serverless::Service'}\n",
		"version/template.yml":   "ROSTemplateFormatVersion: '2015-09-01'\nDescription: d\n",
	})
	res, err := Convert(filepath.Join(dir, "both", "template.yml"), Options{})
	require.NoError(t, err)
	assert.Equal(t, KindFuncraft, res.Kind)
	assert.Equal(t, 1, res.Services)
	for _, only := range []string{"resources", "version"} {
		_, err := Convert(filepath.Join(dir, only, "template.yml"), Options{})
		var pe *PositionError
		require.ErrorAs(t, err, &pe, only)
		assert.Equal(t, notAProject, pe.Msg, only)
	}
}

func TestAnEmptyFileIsRefusedAtItsFirstLineAndAnIndentedListWhereItStarts(t *testing.T) {
	dir := writeFiles(t, map[string]string{"empty/s.yaml": "", "comment/s.yaml": "# nothing yet\n", "list/s.yaml": "  - a\n  - b\n"})
	for file, want := range map[string]string{"empty": "s.yaml:1:1: ", "comment": "s.yaml:1:1: ", "list": "s.yaml:1:3: "} {
		_, err := Convert(filepath.Join(dir, file, "s.yaml"), Options{})
		var pe *PositionError
		require.ErrorAs(t, err, &pe, file)
		assert.Contains(t, err.Error(), want+notAProject, file)
	}
}

func TestAManifestWithoutVarsHasNoVarsSection(t *testing.T) {
	_, m, _ := convertFuncraft(t, `Resources:
  svc:
    Type: 'Aliyun::Serverless::Service'
    fn: {Type: 'Aliyun::Serverless::Function', Properties: {Handler: index.handler, Runtime: python3, CodeUri: ./code}}
`)
	assert.NotContains(t, m, "vars")

	res, err := convertSdevs(t, "      service: {name: shop}\n      function: {name: web, runtime: python3, handler: index.handler, codeUri: ./code}\n")
	require.NoError(t, err)
	assert.NotContains(t, manifestOf(t, res), "vars")
}

func TestTheFunignoreOfTheTemplateReachesTheFcignoreOfEachCodeDirectoryBelowIt(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"proj/.funignore":      "*.log\n/code/tmp/\n/other/\n",
		"proj/code/index.py":   "x",
		"proj/..data/index.py": "x",
		"shared/index.py":      "x",
		"proj/template.yml": funcraftHeader + `Resources:
  svc:
    Type: 'Aliyun::Serverless::Service'
    fn: {Type: 'Aliyun::Serverless::Function', Properties: {Handler: index.handler, Runtime: custom, CodeUri: ./code}}
    dotted: {Type: 'Aliyun::Serverless::Function', Properties: {Handler: index.handler, Runtime: custom, CodeUri: ./..data}}
    outside: {Type: 'Aliyun::Serverless::Function', Properties: {Handler: index.handler, Runtime: custom, CodeUri: ../shared}}
`,
	})
	res, err := Convert(filepath.Join(dir, "proj", "template.yml"), Options{})
	require.NoError(t, err)
	ignore := string(res.Files[filepath.Join(dir, "proj", "code", ".fcignore")])
	assert.Contains(t, ignore, "\n# From .funignore:\n*.log\n/tmp/\n", "rebased on ./code, without /other/")
	assert.NotContains(t, ignore, "other")
	assert.Contains(t, string(res.Files[filepath.Join(dir, "proj", "..data", ".fcignore")]), "\n# From .funignore:\n*.log\n",
		"a directory whose name starts with two dots is inside the template's")
	assert.Equal(t, []string{"8: function svc/outside: the code is outside the template's directory"}, whats(res))
}

func TestFuncraftCountsTheFunctionsAndTriggersItConverts(t *testing.T) {
	res, _, _ := convertFuncraft(t, `Resources:
  svc:
    Type: 'Aliyun::Serverless::Service'
    a:
      Type: 'Aliyun::Serverless::Function'
      Properties: {Handler: index.handler, Runtime: python3, CodeUri: ./code}
      Events:
        web: {Type: HTTP, Properties: {AuthType: ANONYMOUS, Methods: [GET]}}
        tick: {Type: Timer, Properties: {CronExpression: '@every 1m'}}
    b:
      Type: 'Aliyun::Serverless::Function'
      Properties: {Handler: index.handler, Runtime: python3, CodeUri: ./code}
      Events:
        tock: {Type: Timer, Properties: {CronExpression: '@every 5m'}}
        api: {Type: Api}
`)
	assert.Equal(t, 1, res.Services)
	assert.Equal(t, 2, res.Functions)
	assert.Equal(t, 3, res.Triggers, "the API Gateway event is no trigger")
}

func TestServerlessDevsCountsTheFunctionsItConverts(t *testing.T) {
	res, err := convertSdevs(t, `      service: {name: shop}
      function: {name: web, runtime: python3, handler: index.handler, codeUri: ./code}
  admin:
    component: fc
    props:
      service: {name: shop}
      function: {name: admin, runtime: python3, handler: index.handler, codeUri: ./code}
`)
	require.NoError(t, err)
	assert.Equal(t, 1, res.Services)
	assert.Equal(t, 2, res.Functions)
}

func TestOnlyTracingConfigEnableIsReported(t *testing.T) {
	_, _, report := convertFuncraft(t, `Resources:
  on:
    Type: 'Aliyun::Serverless::Service'
    Properties: {TracingConfig: Enable}
  off:
    Type: 'Aliyun::Serverless::Service'
    Properties: {TracingConfig: Disable}
`)
	assert.Equal(t, []string{"6: service on: TracingConfig: Enable"}, report)
}

func TestAResourceInAServiceThatIsNotAFunctionIsReportedNotConverted(t *testing.T) {
	_, m, report := convertFuncraft(t, `Resources:
  svc:
    Type: 'Aliyun::Serverless::Service'
    fn: {Type: 'Aliyun::Serverless::Function', Properties: {Handler: index.handler, Runtime: python3, CodeUri: ./code}}
    queue: {Type: 'Aliyun::MNS::Queue'}
    bare: {Properties: {}}
`)
	assert.Equal(t, []string{
		"7: service svc: queue is not an Aliyun::Serverless::Function",
		"8: service svc: bare is not an Aliyun::Serverless::Function",
	}, report)
	assert.Equal(t, []string{"fn"}, slices.Sorted(maps.Keys(m["services"].(map[string]any)["svc"].(map[string]any)["functions"].(map[string]any))))
}

func TestACustomContainerHasNoCodeAndAFunctionWithoutCodeUriConvertsWithoutCode(t *testing.T) {
	_, m, report := convertFuncraft(t, `Resources:
  svc:
    Type: 'Aliyun::Serverless::Service'
    box:
      Type: 'Aliyun::Serverless::Function'
      Properties: {Handler: index.handler, Runtime: custom-container, CodeUri: ./code, CustomContainerConfig: {Image: 'registry.example.com/app:1'}}
    bare:
      Type: 'Aliyun::Serverless::Function'
      Properties: {Handler: index.handler, Runtime: python3}
`)
	assert.Empty(t, report)
	box := function(m, "svc", "box")
	assert.NotContains(t, box, "code", "the image is the code")
	assert.Equal(t, map[string]any{"image": "registry.example.com/app:1"}, box["customContainerConfig"])
	assert.NotContains(t, function(m, "svc", "bare"), "code")
}

func TestAFunctionCallOtherThanSubIsReportedAndItsFieldLeftOut(t *testing.T) {
	_, m, report := convertFuncraft(t, `Resources:
  svc:
    Type: 'Aliyun::Serverless::Service'
    fn:
      Type: 'Aliyun::Serverless::Function'
      Properties: {Handler: index.handler, Runtime: python3, CodeUri: ./code, Description: {'Fn::Join': ['-', [a, b]]}}
`)
	assert.Equal(t, []string{"8: function svc/fn.Description: the function Fn::Join"}, report)
	assert.NotContains(t, function(m, "svc", "fn"), "description")
}

func TestAListWithOneUnconvertibleItemIsLeftOutWhole(t *testing.T) {
	_, m, report := convertFuncraft(t, `Parameters:
  Known: {Type: String, Default: 'acs:fc:cn-hangzhou:1:layers/a/versions/1'}
Resources:
  svc:
    Type: 'Aliyun::Serverless::Service'
    fn:
      Type: 'Aliyun::Serverless::Function'
      Properties: {Handler: index.handler, Runtime: python3, CodeUri: ./code, Layers: [!Ref Known, !GetAtt 'layer.Arn']}
`)
	assert.Equal(t, []string{"10: function svc/fn.Layers: the function !GetAtt"}, report)
	assert.NotContains(t, function(m, "svc", "fn"), "layers", "half the layers would be another function")
}

func TestAsyncConfigurationThatIsNotAMappingOrNamesAnotherDestinationIsReported(t *testing.T) {
	_, m, report := convertFuncraft(t, `Resources:
  svc:
    Type: 'Aliyun::Serverless::Service'
    odd:
      Type: 'Aliyun::Serverless::Function'
      Properties: {Handler: index.handler, Runtime: python3, CodeUri: ./code, AsyncConfiguration: retry}
    plain:
      Type: 'Aliyun::Serverless::Function'
      Properties:
        Handler: index.handler
        Runtime: python3
        CodeUri: ./code
        AsyncConfiguration:
          MaxAsyncRetryAttempts: 1
          Destination: {OnTimeout: 'acs:mns:cn-hangzhou:1:/queues/q/messages'}
`)
	assert.Equal(t, []string{
		"8: function svc/odd: AsyncConfiguration is not a mapping",
		"17: function svc/plain: AsyncConfiguration.Destination.OnTimeout",
	}, report)
	assert.NotContains(t, function(m, "svc", "odd"), "asyncInvokeConfig")
	assert.Equal(t, map[string]any{"maxAsyncRetryAttempts": 1}, function(m, "svc", "plain")["asyncInvokeConfig"],
		"no destinations: section without a destination")
}

// asyncDestinations converts a Funcraft function whose destinations are
// onSuccess and onFailure, and returns its converted destinations and the
// manifest's vars.
func asyncDestinations(t *testing.T, onSuccess, onFailure string) (map[string]any, any) {
	t.Helper()
	_, m, report := convertFuncraft(t, fmt.Sprintf(`Resources:
  svc:
    Type: 'Aliyun::Serverless::Service'
    fn:
      Type: 'Aliyun::Serverless::Function'
      Properties:
        Handler: index.handler
        Runtime: python3
        CodeUri: ./code
        AsyncConfiguration:
          Destination: {OnSuccess: '%s', OnFailure: '%s'}
`, onSuccess, onFailure))
	assert.Empty(t, report)
	return function(m, "svc", "fn")["asyncInvokeConfig"].(map[string]any)["destinations"].(map[string]any), m["vars"]
}

func TestADestinationARNGetsVarsOnlyForTheRegionOrAccountItLacks(t *testing.T) {
	dests, vars := asyncDestinations(t, "acs:mns:cn-hangzhou:123:/queues/q/messages", "queue-q")
	assert.Equal(t, map[string]any{"onSuccess": "acs:mns:cn-hangzhou:123:/queues/q/messages", "onFailure": "queue-q"}, dests,
		"a whole ARN, and a value that is no ARN (validate judges it), are copied as they are")
	assert.Nil(t, vars, "nothing needs the account or region")

	dests, vars = asyncDestinations(t, "acs:mns::123:/queues/q/messages", "acs:mns:cn-hangzhou::/queues/dead/messages")
	assert.Equal(t, map[string]any{
		"onSuccess": "acs:mns:${vars.region}:123:/queues/q/messages",
		"onFailure": "acs:mns:cn-hangzhou:${vars.accountId}:/queues/dead/messages",
	}, dests)
	assert.Equal(t, map[string]any{"accountId": "${env.ACCOUNT_ID}", "region": "${env.REGION}"}, vars)
}

// triggerOf converts a Funcraft function with the one event given (YAML for
// the place of an event's body) and returns its trigger.
func triggerOf(t *testing.T, event string) (map[string]any, []string) {
	t.Helper()
	res, err := Convert(filepath.Join(funcraftEvents(t, "\n        ev: "+event+"\n"), "template.yml"), Options{})
	require.NoError(t, err)
	return function(manifestOf(t, res), "svc", "fn")["triggers"].(map[string]any)["ev"].(map[string]any), whats(res)
}

func TestAnEventWithOneUnconvertiblePropertyKeepsTheOthers(t *testing.T) {
	trig, report := triggerOf(t, "{Type: Timer, Properties: {CronExpression: '@every 1m', Payload: !GetAtt 'x.y'}}")
	assert.Equal(t, map[string]any{"cronExpression": "@every 1m", "enable": false}, trig["config"])
	assert.Equal(t, []string{"10: trigger svc/fn/ev.Properties.Payload: the function !GetAtt"}, report)
}

func TestTheLowerCaseQualifierIsReadForOSSEventsOnly(t *testing.T) {
	trig, _ := triggerOf(t, "{Type: OSS, Properties: {BucketName: b, Events: ['oss:ObjectCreated:*'], qualifier: live, InvocationRole: r}}")
	assert.Equal(t, "live", trig["qualifier"])
	trig, _ = triggerOf(t, "{Type: Timer, Properties: {CronExpression: '@every 1m', qualifier: live}}")
	assert.NotContains(t, trig, "qualifier")
	trig, _ = triggerOf(t, "{Type: Timer, Properties: {CronExpression: '@every 1m', Qualifier: live}}")
	assert.Equal(t, "live", trig["qualifier"])
}

func TestALogEventIsEnabledUnlessItsEnableIsFalse(t *testing.T) {
	for enable, want := range map[string]bool{"": true, ", Enable: true": true, ", Enable: false": false} {
		trig, _ := triggerOf(t, "{Type: Log, Properties: {LogConfig: {Project: p, Logstore: l}, InvocationRole: r"+enable+"}}")
		// Enable, as Funcraft deploys it: see convert/events.go.
		assert.Equal(t, want, trig["config"].(map[string]any)["Enable"], "%q", enable)
	}
}

func TestACustomDomainWithoutPropertiesIsReportedAsHavingNoRoutes(t *testing.T) {
	_, m, report := convertFuncraft(t, `Resources:
  web.example.com: {Type: 'Aliyun::Serverless::CustomDomain'}
  svc: {Type: 'Aliyun::Serverless::Service'}
`)
	assert.Equal(t, []string{"4: custom domain web.example.com has no routes"}, report)
	assert.NotContains(t, m, "customDomains")
}

func TestAWholeReferenceToAVarIsKeptForAScalarCopiedForAMappingAndReportedWhenMissing(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"code/index.py": "x",
		"s.yaml": `edition: 1.0.0
vars:
  size: 128
  common: {STAGE: prod}
services:
  api:
    component: fc
    props:
      region: cn-hangzhou
      service: {name: shop}
      function: {name: web, runtime: python3, handler: index.handler, codeUri: ./code, memorySize: '${vars.size}', environmentVariables: '${vars.common}', description: '${vars.nothing}'}
`,
	})
	res, err := Convert(filepath.Join(dir, "s.yaml"), Options{})
	require.NoError(t, err)
	web := function(manifestOf(t, res), "shop", "web")
	assert.Equal(t, "${vars.size}", web["memorySize"])
	assert.Equal(t, map[string]any{"STAGE": "prod"}, web["environmentVariables"])
	assert.NotContains(t, web, "description")
	assert.Contains(t, whats(res), "11: services.api.props.function.description: ${vars.nothing} names no var")
}

func TestRouteConfigsThatAreNotAListAreReportedAndTheDomainLeftOut(t *testing.T) {
	res, err := convertSdevs(t, `      service: {name: shop}
      function: {name: web, runtime: python3, handler: index.handler, codeUri: ./code}
      customDomains:
        - {domainName: api.example.com, protocol: HTTP, routeConfigs: {path: /*}}
`)
	require.NoError(t, err)
	assert.Contains(t, whats(res), "10: services.api.props.customDomains api.example.com: routeConfigs is not a list")
	assert.NotContains(t, manifestOf(t, res), "customDomains")
}

func TestAGeneratedOrUnnamedDomainIsReportedAsGenerated(t *testing.T) {
	res, err := convertSdevs(t, `      service: {name: shop}
      function: {name: web, runtime: python3, handler: index.handler, codeUri: ./code}
      customDomains:
        - {domainName: Auto, protocol: HTTP, routeConfigs: [{path: /*}]}
        - {protocol: HTTP, routeConfigs: [{path: /*}]}
`)
	require.NoError(t, err)
	var generated []string
	for _, f := range res.Report {
		if f.Todo == "a domain Funcraft or Serverless Devs generates (auto) cannot be declared: name your own domain under customDomains:" {
			generated = append(generated, fmt.Sprintf("%d: %s", f.Line, f.What))
		}
	}
	assert.Equal(t, []string{"10: custom domain Auto", "11: custom domain "}, generated)
	assert.NotContains(t, manifestOf(t, res), "customDomains")
}

func TestAServerlessDevsSecretWrittenInTheFileIsReported(t *testing.T) {
	res, err := convertSdevs(t, `      service: {name: shop}
      function:
        name: web
        runtime: python3
        handler: index.handler
        codeUri: ./code
        environmentVariables: {DB_PASSWORD: hunter2, STAGE: prod}
`)
	require.NoError(t, err)
	assert.Equal(t, []string{
		"13: services.api.props.function: environment variable DB_PASSWORD holds its secret in the file",
		"1: access default of environment default",
	}, whats(res))
}

func TestCodeUriWinsOverAnOSSBucketAndKey(t *testing.T) {
	res, err := convertSdevs(t, `      service: {name: shop}
      function: {name: web, runtime: python3, handler: index.handler, codeUri: ./code, ossBucket: b, ossKey: k.zip}
  other:
    component: fc
    props:
      service: {name: shop}
      function: {name: oss, runtime: python3, handler: index.handler, ossBucket: b, ossKey: k.zip}
  half:
    component: fc
    props:
      service: {name: shop}
      function: {name: half, runtime: python3, handler: index.handler, ossBucket: b}
`)
	require.NoError(t, err)
	m := manifestOf(t, res)
	assert.Equal(t, "./code", function(m, "shop", "web")["code"])
	assert.Equal(t, "oss://b/k.zip", function(m, "shop", "oss")["code"])
	assert.NotContains(t, function(m, "shop", "half"), "code", "a bucket without a key names no code")
}

func TestARegionThatIsNotASingleValueIsReported(t *testing.T) {
	res, err := convertSdevs(t, `      service: {name: shop}
      function: {name: web, runtime: python3, handler: index.handler, codeUri: ./code}
  other:
    component: fc
    props:
      region: [cn-beijing]
      service: {name: shop}
      function: {name: admin, runtime: python3, handler: index.handler, codeUri: ./code}
  third:
    component: fc
    props:
      region: ${other(r)}
      service: {name: shop}
      function: {name: third, runtime: python3, handler: index.handler, codeUri: ./code}
`)
	require.NoError(t, err)
	assert.Equal(t, []string{
		"12: services.other.props.region is not a single value",
		"18: services.third.props.region: ${other(r)}",
		"1: access default of environment default",
	}, whats(res), "a region that is no value is reported once")
	assert.Equal(t, map[string]any{"region": "cn-hangzhou"}, manifestOf(t, res)["environments"].(map[string]any)["default"])
}

func TestAFunctionsOwnLibraryPathComesBeforeTheOnesFuncraftAdds(t *testing.T) {
	_, m, _ := convertFuncraft(t, `Resources:
  svc:
    Type: 'Aliyun::Serverless::Service'
    fn:
      Type: 'Aliyun::Serverless::Function'
      Properties: {Handler: index.handler, Runtime: python3, CodeUri: ./code, EnvironmentVariables: {LD_LIBRARY_PATH: /opt/lib, STAGE: prod}}
`)
	env := function(m, "svc", "fn")["environmentVariables"].(map[string]any)
	assert.Equal(t, "/opt/lib:/code/.fun/root/usr/local/lib", env["LD_LIBRARY_PATH"].(string)[:len("/opt/lib:/code/.fun/root/usr/local/lib")])
	assert.Equal(t, []string{"LD_LIBRARY_PATH", "NODE_PATH", "PATH", "PYTHONUSERBASE", "STAGE"}, slices.Sorted(maps.Keys(env)), "each once")
}

func TestACertificateIsReportedWhereverItStandsInTheDomain(t *testing.T) {
	_, _, report := convertFuncraft(t, `Resources:
  web:
    Type: 'Aliyun::Serverless::CustomDomain'
    Properties:
      CertConfig: {CertName: c}
      DomainName: web.example.com
      Protocol: HTTP
      RouteConfig: {Routes: {'/*': {ServiceName: svc, FunctionName: fn}}}
  svc:
    Type: 'Aliyun::Serverless::Service'
    fn: {Type: 'Aliyun::Serverless::Function', Properties: {Handler: index.handler, Runtime: python3, CodeUri: ./code}}
`)
	assert.Equal(t, []string{"7: custom domain web.example.com: CertConfig"}, report)
}
