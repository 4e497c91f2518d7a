package convert

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	return dir
}

func manifestOf(t *testing.T, res *Result) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, yaml.Unmarshal(res.Files[res.Manifest], &m))
	return m
}

// funcraftEvents writes a Funcraft template of one python3 function,
// svc/fn, whose Events: are events (YAML indented for that place).
func funcraftEvents(t *testing.T, events string) string {
	t.Helper()
	return writeFiles(t, map[string]string{
		"code/index.py": "x",
		"template.yml": `ROSTemplateFormatVersion: '2015-09-01'
Transform: 'Aliyun::Serverless-2018-04-03'
Resources:
  svc:
    Type: 'Aliyun::Serverless::Service'
    fn:
      Type: 'Aliyun::Serverless::Function'
      Properties: {Handler: index.handler, Runtime: python3, CodeUri: ./code}
      Events:` + events,
	})
}

func TestFuncraftEventsBecomeTriggersAsFuncraftDeploysThem(t *testing.T) {
	dir := funcraftEvents(t, `
        logs:
          Type: Log
          Properties:
            SourceConfig: {Logstore: src}
            JobConfig: {MaxRetryTime: 1, TriggerInterval: 30}
            LogConfig: {Project: p, Logstore: dst}
            InvocationRole: acs:ram::1:role/log
        topic:
          Type: MNSTopic
          Properties: {TopicName: t, Region: cn-beijing, InvocationRole: acs:ram::1:role/mns}
        cdn:
          Type: CDN
          Properties: {EventName: LogFileCreated, EventVersion: '1.0.0', Notes: n, Filter: {Domain: [a.example.com]}, InvocationRole: r}
`)
	res, err := Convert(filepath.Join(dir, "template.yml"), Options{})
	require.NoError(t, err)
	assert.Empty(t, res.Report, "every event here converts")
	m := manifestOf(t, res)
	trig := m["services"].(map[string]any)["svc"].(map[string]any)["functions"].(map[string]any)["fn"].(map[string]any)["triggers"].(map[string]any)
	logs := trig["logs"].(map[string]any)
	assert.Equal(t, "log", logs["type"])
	assert.Equal(t, "acs:log:${vars.region}:${vars.accountId}:project/p", logs["sourceArn"])
	assert.Equal(t, map[string]any{
		"sourceConfig": map[string]any{"logstore": "src"}, "jobConfig": map[string]any{"maxRetryTime": 1, "triggerInterval": 30},
		"logConfig": map[string]any{"project": "p", "logstore": "dst"}, "functionParameter": map[string]any{}, "Enable": true,
	}, logs["config"])
	topic := trig["topic"].(map[string]any)
	assert.Equal(t, "acs:mns:cn-beijing:${vars.accountId}:/topics/t", topic["sourceArn"])
	assert.Equal(t, map[string]any{"NotifyContentFormat": "STREAM", "NotifyStrategy": "BACKOFF_RETRY"}, topic["config"])
	cdn := trig["cdn"].(map[string]any)
	assert.Equal(t, map[string]any{"domain": []any{"a.example.com"}}, cdn["config"].(map[string]any)["filter"])
	assert.Equal(t, "${env.ACCOUNT_ID}", m["vars"].(map[string]any)["accountId"])
}

func TestAFuncraftEventWithoutItsSourceIsReportedNotWrittenSourceless(t *testing.T) {
	dir := funcraftEvents(t, `
        logs: {Type: Log, Properties: {InvocationRole: r}}
        rds: {Type: RDS, Properties: {InvocationRole: r}}
        topic: {Type: MNSTopic, Properties: {InvocationRole: r}}
        table: {Type: TableStore, Properties: {TableName: t, InvocationRole: r}}
        bucket: {Type: OSS, Properties: {InvocationRole: r}}
        tick: {Type: Timer, Properties: {CronExpression: '@every 1m'}}
        cdn: {Type: CDN, Properties: {InvocationRole: r}}
`)
	res, err := Convert(filepath.Join(dir, "template.yml"), Options{})
	require.NoError(t, err)
	var report []string
	for _, f := range res.Report {
		report = append(report, fmt.Sprintf("%d: %s", f.Line, f.What))
	}
	assert.Equal(t, []string{
		"10: trigger svc/fn/logs: no source (LogConfig.Project)",
		"11: trigger svc/fn/rds: no source (InstanceId)",
		"12: trigger svc/fn/topic: no source (TopicName)",
		"13: trigger svc/fn/table: no source (InstanceName and TableName)",
		"14: trigger svc/fn/bucket: no source (BucketName)",
	}, report, "a timer needs no source and a CDN event's is the account")
	assert.Contains(t, res.Report[0].Todo, "set sourceArn:")
}

func TestFunignorePatternsAreRebasedOnEachCodeDirectory(t *testing.T) {
	assert.Equal(t, []string{"*.log", "/build/", "!keep.log", "**/tmp"},
		rebase([]string{"# comment", "*.log", "/src/build/", "other/dir", "!keep.log", "**/tmp", ""}, "src"))
	assert.Equal(t, []string{"/other/dir", "*.log"}, rebase([]string{"other/dir", "*.log"}, ""))
}

func TestAnSYamlOfAnotherComponentOnlyIsNothingConverted(t *testing.T) {
	dir := writeFiles(t, map[string]string{"s.yaml": "edition: 1.0.0\nservices:\n  web:\n    component: devsapp/website\n"})
	res, err := Convert(filepath.Join(dir, "s.yaml"), Options{})
	require.ErrorIs(t, err, ErrNothingConverted)
	require.Len(t, res.Report, 1)
	assert.Equal(t, 3, res.Report[0].Line)
	assert.True(t, strings.Contains(res.Report[0].What, "devsapp/website"))
	assert.Nil(t, res.Files, "nothing to write")
}

func TestGlobalsFunctionPropertiesApplyToEveryFunctionThatDoesNotSetThem(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a/index.py": "x", "b/index.py": "x",
		"template.yml": `ROSTemplateFormatVersion: '2015-09-01'
Transform: 'Aliyun::Serverless-2018-04-03'
Globals:
  Function:
    Runtime: python3
    Timeout: 30
    EnvironmentVariables: {STAGE: prod, REGION_NAME: hz}
Outputs:
  x: y
Resources:
  svc:
    Type: 'Aliyun::Serverless::Service'
    a:
      Type: 'Aliyun::Serverless::Function'
      Properties: {Handler: index.handler, CodeUri: ./a}
    b:
      Type: 'Aliyun::Serverless::Function'
      Properties: {Handler: index.handler, CodeUri: ./b, Timeout: 5, EnvironmentVariables: {STAGE: dev}}
`,
	})
	res, err := Convert(filepath.Join(dir, "template.yml"), Options{})
	require.NoError(t, err)
	require.Len(t, res.Report, 1)
	assert.Equal(t, 8, res.Report[0].Line, "Outputs is reported")
	fns := manifestOf(t, res)["services"].(map[string]any)["svc"].(map[string]any)["functions"].(map[string]any)
	a, b := fns["a"].(map[string]any), fns["b"].(map[string]any)
	assert.Equal(t, "python3", a["runtime"])
	assert.Equal(t, 30, a["timeout"])
	assert.Equal(t, 5, b["timeout"], "the function's own value wins")
	assert.Equal(t, "prod", a["environmentVariables"].(map[string]any)["STAGE"])
	assert.Equal(t, "dev", b["environmentVariables"].(map[string]any)["STAGE"])
	assert.Equal(t, "hz", b["environmentVariables"].(map[string]any)["REGION_NAME"])
}

func TestAServerlessDevs3ProjectIsReportedNotConverted(t *testing.T) {
	dir := writeFiles(t, map[string]string{"s.yaml": "edition: 3.0.0\nresources:\n  hello:\n    component: fc3\n    props: {}\n"})
	res, err := Convert(filepath.Join(dir, "s.yaml"), Options{})
	require.ErrorIs(t, err, ErrNothingConverted)
	require.Len(t, res.Report, 1)
	assert.Equal(t, 3, res.Report[0].Line)
	assert.Contains(t, res.Report[0].Todo, "Function Compute 3.0 API")
}

func TestASecretWrittenInTheTemplateIsKeptAndReported(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a/index.py": "x",
		"template.yml": `ROSTemplateFormatVersion: '2015-09-01'
Transform: 'Aliyun::Serverless-2018-04-03'
Resources:
  svc:
    Type: 'Aliyun::Serverless::Service'
    a:
      Type: 'Aliyun::Serverless::Function'
      Properties:
        Handler: index.handler
        Runtime: python3
        CodeUri: ./a
        EnvironmentVariables:
          DB_PASSWORD: hunter2
          STAGE: prod
`,
	})
	res, err := Convert(filepath.Join(dir, "template.yml"), Options{})
	require.NoError(t, err)
	require.Len(t, res.Report, 1)
	assert.Equal(t, 13, res.Report[0].Line)
	assert.Contains(t, res.Report[0].Todo, "${env.DB_PASSWORD}")
	assert.NotContains(t, res.Report[0].String(), "hunter2", "the report never repeats the value")
}

func TestFuncraftCustomDomainsBecomeCustomDomainsAndHTTPSOnesStayInTheReport(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"code/index.py": "x",
		"template.yml": `ROSTemplateFormatVersion: '2015-09-01'
Transform: 'Aliyun::Serverless-2018-04-03'
Resources:
  web.example.com:
    Type: 'Aliyun::Serverless::CustomDomain'
    Properties:
      Protocol: HTTP
      RouteConfig:
        Routes:
          '/api/*': {ServiceName: svc, FunctionName: fn, Methods: [get, POST]}
          '/v1': {ServiceName: svc, FunctionName: fn, Qualifier: live}
  secure:
    Type: 'Aliyun::Serverless::CustomDomain'
    Properties:
      DomainName: secure.example.com
      Protocol: HTTP,HTTPS
      CertConfig: {CertName: c, PrivateKey: k, Certificate: c}
      RouteConfig:
        Routes: {'/*': {ServiceName: svc, FunctionName: fn}}
  stray:
    Type: 'Aliyun::Serverless::CustomDomain'
    Properties:
      DomainName: stray.example.com
      RouteConfig:
        Routes: {'/*': {ServiceName: svc, FunctionName: nosuch}}
  svc:
    Type: 'Aliyun::Serverless::Service'
    fn:
      Type: 'Aliyun::Serverless::Function'
      Properties: {Handler: index.handler, Runtime: python3, CodeUri: ./code}
`,
	})
	res, err := Convert(filepath.Join(dir, "template.yml"), Options{})
	require.NoError(t, err)
	assert.Equal(t, 1, res.CustomDomains)
	assert.Equal(t, map[string]any{"web.example.com": map[string]any{"protocol": "HTTP", "routes": []any{
		map[string]any{"path": "/api/*", "service": "svc", "function": "fn", "methods": []any{"GET", "POST"}},
		map[string]any{"path": "/v1", "service": "svc", "function": "fn", "qualifier": "live"},
	}}}, manifestOf(t, res)["customDomains"])
	require.Len(t, res.Report, 2)
	assert.Equal(t, 12, res.Report[0].Line, "the HTTPS domain is reported where it is declared")
	assert.Contains(t, res.Report[0].Todo, "HTTP domains only")
	assert.NotContains(t, res.Report[0].String(), "PrivateKey")
	assert.Equal(t, 25, res.Report[1].Line, "the route to a function not converted is reported")
	assert.Contains(t, res.Report[1].What, "svc/nosuch")
}

func TestServerlessDevsCustomDomainsRouteToTheirEntrysFunctionAndMergeAcrossEntries(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"code/index.py": "x",
		"s.yaml": `edition: 1.0.0
vars:
  domain: api.example.com
services:
  api:
    component: fc
    props:
      region: cn-hangzhou
      service: {name: shop}
      function: {name: web, runtime: python3, handler: index.handler, codeUri: ./code}
      customDomains:
        - domainName: ${vars.domain}
          protocol: HTTP
          routeConfigs:
            - {path: /*, methods: [GET]}
            - {path: /v1/*, serviceName: shop, functionName: web, qualifier: live}
        - domainName: auto
          protocol: HTTP
          routeConfigs: [{path: /*}]
  admin:
    component: fc
    props:
      region: cn-hangzhou
      service: {name: shop}
      function: {name: admin, runtime: python3, handler: index.handler, codeUri: ./code}
      customDomains:
        - {domainName: api.example.com, protocol: HTTP, routeConfigs: [{path: /admin}]}
`,
	})
	res, err := Convert(filepath.Join(dir, "s.yaml"), Options{})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"api.example.com": map[string]any{"protocol": "HTTP", "routes": []any{
		map[string]any{"path": "/*", "service": "shop", "function": "web", "methods": []any{"GET"}},
		map[string]any{"path": "/v1/*", "service": "shop", "function": "web", "qualifier": "live"},
		map[string]any{"path": "/admin", "service": "shop", "function": "admin"},
	}}}, manifestOf(t, res)["customDomains"], "the domain both entries list has the routes of both")
	var auto []Finding
	for _, f := range res.Report {
		if strings.Contains(f.What, "custom domain") {
			auto = append(auto, f)
		}
	}
	require.Len(t, auto, 1, "the generated domain is reported")
	assert.Equal(t, 17, auto[0].Line)
}

func TestFuncraftAsyncConfigurationBecomesAsyncInvokeConfig(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"code/index.py": "x",
		"template.yml": `ROSTemplateFormatVersion: '2015-09-01'
Transform: 'Aliyun::Serverless-2018-04-03'
Resources:
  svc:
    Type: 'Aliyun::Serverless::Service'
    fn:
      Type: 'Aliyun::Serverless::Function'
      Properties:
        Handler: index.handler
        Runtime: python3
        CodeUri: ./code
        AsyncConfiguration:
          Destination:
            OnFailure: 'acs:fc:::services/svc/functions/dead'
            OnSuccess: 'acs:mns:::/queues/done/messages'
          MaxAsyncRetryAttempts: 1
          MaxAsyncEventAgeInSeconds: 300
    dead:
      Type: 'Aliyun::Serverless::Function'
      Properties: {Handler: index.handler, Runtime: python3, CodeUri: ./code}
`,
	})
	res, err := Convert(filepath.Join(dir, "template.yml"), Options{})
	require.NoError(t, err)
	assert.Empty(t, res.Report)
	m := manifestOf(t, res)
	fn := m["services"].(map[string]any)["svc"].(map[string]any)["functions"].(map[string]any)["fn"].(map[string]any)
	assert.Equal(t, map[string]any{
		"maxAsyncRetryAttempts": 1, "maxAsyncEventAgeInSeconds": 300,
		"destinations": map[string]any{"onFailure": "svc/dead", "onSuccess": "acs:mns:${vars.region}:${vars.accountId}:/queues/done/messages"},
	}, fn["asyncInvokeConfig"])
	assert.Equal(t, "${env.ACCOUNT_ID}", m["vars"].(map[string]any)["accountId"], "the ARN's account comes from where Funcraft read it")
}
