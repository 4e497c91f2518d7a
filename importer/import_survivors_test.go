package importer

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/fcdeploy/fcdeploy/fc"
)

// twoServices is a bare service (nothing but its name) and a full one:
// role, a log project without a logstore, VPC, NAS, tracing, OSS mounts,
// versions and two aliases, one with a description and weights.
func twoServices() *estate {
	return &estate{
		services: []fc.Service{
			{ServiceName: "bare", NASConfig: fc.NASConfig{UserID: -1, GroupID: -1}},
			{ServiceName: "full", Role: "acs:ram::1:role/fc", InternetAccess: true,
				LogConfig:      fc.LogConfig{Project: "logs"},
				VPCConfig:      fc.VPCConfig{VPCID: "vpc-1", VSwitchIDs: []string{"vsw-1"}, SecurityGroupID: "sg-1"},
				NASConfig:      fc.NASConfig{UserID: 10, GroupID: 10, MountPoints: []fc.MountPoint{{ServerAddr: "nas:/", MountDir: "/mnt/nas"}}},
				TracingConfig:  fc.TracingConfig{Type: "Jaeger"},
				OSSMountConfig: fc.OSSMountConfig{MountPoints: []fc.OSSMountPoint{{BucketName: "b", Endpoint: "e", MountDir: "/mnt/oss"}}},
			},
		},
		versions: map[string][]fc.Version{"full": {{VersionID: "1"}, {VersionID: "2"}}},
		aliases: map[string][]fc.Alias{"full": {
			{AliasName: "live", VersionID: "1", Description: "prod", AdditionalVersionWeight: map[string]float64{"2": 0.1}},
			{AliasName: "canary", VersionID: "2"},
		}},
	}
}

func TestABareServiceIsWrittenWithoutTheSettingsItDoesNotHave(t *testing.T) {
	m := importEstate(t, twoServices(), Options{})
	assert.Equal(t, map[string]any{"description": "", "internetAccess": false}, m.service("bare"),
		"no role, log, VPC, NAS, tracing or OSS config, no publish, aliases or functions")
	assert.Equal(t, 2, m.res.Services)
}

func TestAFullServiceIsWrittenWithEverySettingItHas(t *testing.T) {
	m := importEstate(t, twoServices(), Options{})
	full := m.service("full")
	assert.Equal(t, []string{"aliases", "description", "internetAccess", "logConfig", "nasConfig", "ossMountConfig",
		"publish", "role", "tracingConfig", "vpcConfig"}, keys(full))
	assert.Equal(t, "logs", full["logConfig"].(map[string]any)["project"], "a log project alone is a log config")
	assert.Equal(t, true, full["publish"])
	assert.Equal(t, map[string]any{
		"canary": map[string]any{"version": "2"},
		"live":   map[string]any{"version": "1", "description": "prod", "additionalVersionWeight": map[string]any{"2": 0.1}},
	}, full["aliases"])
	assert.Equal(t, 2, m.res.Aliases)
}

// functionsAndTriggers is service app with three functions: api (one
// variable, an instance type, four triggers of every shape, an async
// config sending to a qualified function), job (async config sending to
// app/api in this and in another region) and idle (nothing but an async
// config without destinations).
func functionsAndTriggers(t *testing.T) *estate {
	base := fc.Function{Runtime: "python3", Handler: "index.handler", MemorySize: 128, Timeout: 3}
	api, job, idle := base, base, base
	api.FunctionName, api.EnvironmentVariables, api.InstanceType = "api", map[string]string{"STAGE": "prod"}, "e1"
	job.FunctionName, idle.FunctionName = "job", "idle"
	retries := int64(1)
	return &estate{
		zip:       zipOf(t, entry{"index.py", "x", 0o644}),
		services:  []fc.Service{{ServiceName: "app"}},
		functions: map[string][]fc.Function{"app": {job, api, idle}},
		aliases:   map[string][]fc.Alias{"app": {{AliasName: "live", VersionID: "1"}}},
		triggers: map[string][]fc.Trigger{"app/api": {
			{TriggerName: "d-bare", TriggerType: "mns_topic"},
			{TriggerName: "a-http", TriggerType: "http", TriggerConfig: json.RawMessage(`{"authType":"anonymous","methods":["GET"]}`)},
			{TriggerName: "b-oss", TriggerType: "oss", Qualifier: "live", SourceARN: "acs:oss:cn-hangzhou:1:bucket",
				InvocationRole: "acs:ram::1:role/oss", TriggerConfig: json.RawMessage(`{"events":["oss:ObjectCreated:*"]}`)},
			{TriggerName: "c-timer", TriggerType: "timer", Qualifier: fc.QualifierLatest, TriggerConfig: json.RawMessage(`{"cronExpression":"@every 1m","enable":true}`)},
		}},
		provisions: map[string][]fc.ProvisionConfig{"app": {
			{Resource: "1#app#live#api", Target: 2},
			{Resource: "1#other#live#api", Target: 5},
		}},
		async: map[string][]fc.AsyncConfig{
			"app/api": {{Service: "app", Function: "api", MaxAsyncRetryAttempts: &retries, DestinationConfig: fc.DestinationConfig{
				OnSuccess: &fc.Destination{Destination: "acs:fc:cn-hangzhou:1:services/app.live/functions/job"}}}},
			"app/job": {{Service: "app", Function: "job", DestinationConfig: fc.DestinationConfig{
				OnSuccess: &fc.Destination{Destination: "acs:fc:cn-hangzhou:1:services/app/functions/api"},
				OnFailure: &fc.Destination{Destination: "acs:fc:cn-shanghai:1:services/app/functions/api"}}}},
			"app/idle": {{Service: "app", Function: "idle", StatefulInvocation: true}},
		},
	}
}

func TestAFunctionWithoutVariablesOrTriggersIsWrittenWithoutThem(t *testing.T) {
	m := importEstate(t, functionsAndTriggers(t), Options{})
	assert.Equal(t, map[string]any{"runtime": "python3", "handler": "index.handler", "code": "./functions/app/idle",
		"memorySize": 128, "timeout": 3, "description": "", "asyncInvokeConfig": map[string]any{"statefulInvocation": true}},
		m.function("app", "idle"), "an async config without destinations has none")
	assert.Equal(t, 3, m.res.Functions)
}

func TestAFunctionsSetStringsAreWrittenAndItsEmptyOnesAreNot(t *testing.T) {
	api := importApp(t).function("app", "api")
	assert.Equal(t, "e1", api["instanceType"])
	assert.NotContains(t, api, "initializer", "an empty initializer is no initializer")
	assert.Equal(t, map[string]any{"STAGE": "prod"}, api["environmentVariables"])
}

// importApp imports functionsAndTriggers with default options.
func importApp(t *testing.T) imported { return importEstate(t, functionsAndTriggers(t), Options{}) }

func TestTriggersAreWrittenWithOnlyTheFieldsTheyHave(t *testing.T) {
	im := importApp(t)
	triggers := im.function("app", "api")["triggers"].(map[string]any)
	assert.Equal(t, map[string]any{"type": "http", "config": map[string]any{"authType": "anonymous", "methods": []any{"GET"}}},
		triggers["a-http"], "no qualifier, source, role, nor an enable, which only a timer has")
	assert.Equal(t, map[string]any{"type": "oss", "qualifier": "live", "sourceArn": "acs:oss:cn-hangzhou:1:bucket",
		"invocationRole": "acs:ram::1:role/oss", "config": map[string]any{"events": []any{"oss:ObjectCreated:*"}}}, triggers["b-oss"])
	assert.Equal(t, map[string]any{"type": "timer", "config": map[string]any{"cronExpression": "@every 1m", "enable": true}},
		triggers["c-timer"], "LATEST is the default qualifier, not written")
	assert.Equal(t, map[string]any{"type": "mns_topic", "config": map[string]any{}}, triggers["d-bare"],
		"a trigger without a config has an empty one")
	assert.Equal(t, 4, im.res.Triggers)
}

func TestAProvisionConfigTheAPIListsForAnotherServiceIsNotThisServices(t *testing.T) {
	im := importApp(t)
	assert.Equal(t, map[string]any{"version": "1", "provision": map[string]any{"api": 2}},
		im.service("app")["aliases"].(map[string]any)["live"])
	assert.Equal(t, 1, im.res.ProvisionConfigs)
}

func TestADestinationIsNamedByFunctionOnlyAtLatestInTheTargetsRegionAndAccount(t *testing.T) {
	im := importEstate(t, functionsAndTriggers(t), Options{Region: "cn-hangzhou", AccountID: "1"})
	assert.Equal(t, map[string]any{
		"onSuccess": "app/api",
		"onFailure": "acs:fc:cn-shanghai:1:services/app/functions/api",
	}, im.function("app", "job")["asyncInvokeConfig"].(map[string]any)["destinations"], "another region keeps its ARN")
	assert.Equal(t, map[string]any{"maxAsyncRetryAttempts": 1, "destinations": map[string]any{
		"onSuccess": "acs:fc:cn-hangzhou:1:services/app.live/functions/job",
	}}, im.function("app", "api")["asyncInvokeConfig"], "a qualified function keeps its ARN")

	im = importEstate(t, functionsAndTriggers(t), Options{Region: "cn-shanghai", AccountID: "2"})
	assert.Equal(t, map[string]any{
		"onSuccess": "acs:fc:cn-hangzhou:1:services/app/functions/api",
		"onFailure": "acs:fc:cn-shanghai:1:services/app/functions/api",
	}, im.function("app", "job")["asyncInvokeConfig"].(map[string]any)["destinations"], "another account keeps its ARN")
}

func TestACustomDomainIsImportedWithDefaultsUnlessARouteRewrites(t *testing.T) {
	e := functionsAndTriggers(t)
	e.domains = []fc.CustomDomain{
		{DomainName: "a.example.com", RouteConfig: fc.RouteConfig{Routes: []fc.PathConfig{
			{Path: "/", ServiceName: "app", FunctionName: "api", Qualifier: "live", RewriteConfig: &fc.RewriteConfig{}}}}},
		{DomainName: "b.example.com", Protocol: "HTTP", RouteConfig: fc.RouteConfig{Routes: []fc.PathConfig{
			{Path: "/", ServiceName: "app", FunctionName: "api", RewriteConfig: &fc.RewriteConfig{EqualRules: []fc.RewriteRule{{Match: "/a", Replacement: "/b"}}}}}}},
	}
	im := importEstate(t, e, Options{})
	assert.Equal(t, map[string]any{"a.example.com": map[string]any{
		"protocol": "HTTP",
		"routes":   []any{map[string]any{"path": "/", "service": "app", "function": "api", "qualifier": "live"}},
	}}, im.doc["customDomains"], "no protocol is HTTP, a route without methods has none, and an empty rewrite is none")
	assert.Contains(t, im.res.Notes, "custom domain b.example.com: not imported, a route has a rewriteConfig, which fcdeploy.yaml cannot describe; it stays as it is live")
	assert.Equal(t, 1, im.res.CustomDomains)
}

func TestTheHeaderNamesTheSourceAndTheSecretsOnlyWhenThereAreSome(t *testing.T) {
	im := importEstate(t, functionsAndTriggers(t), Options{Source: "environment prod"})
	first, _, _ := strings.Cut(im.text, "\n")
	assert.Equal(t, "# Imported from environment prod by fcdeploy import.", first)
	assert.NotContains(t, im.text, "Secret-looking", "no variable was left out")

	e := functionsAndTriggers(t)
	e.functions["app"][0].EnvironmentVariables = map[string]string{"DB_PASSWORD": "p"}
	im = importEstate(t, e, Options{})
	assert.True(t, strings.HasPrefix(im.text, "# Imported from the live account by fcdeploy import.\n"+
		"# Secret-looking environment variables were not written: set these before planning:\n"+
		"#   DB_PASSWORD (app/job:DB_PASSWORD)\n"), im.text)
}

func TestEnvironmentsAreWrittenOnlyWhenThereAreSome(t *testing.T) {
	var envs yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte("prod: {region: cn-hangzhou}\n"), &envs))
	im := importEstate(t, functionsAndTriggers(t), Options{Environments: envs.Content[0]})
	assert.Equal(t, map[string]any{"prod": map[string]any{"region": "cn-hangzhou"}}, im.doc["environments"])

	im = importEstate(t, functionsAndTriggers(t), Options{Environments: mapping()})
	assert.NotContains(t, im.doc, "environments", "an empty mapping is no environments")
}

func TestAServicesOwnTagsAreWrittenAndFcdeploysAreNot(t *testing.T) {
	e := twoServices()
	e.tags = map[string]map[string]string{"full": {"team": "shop", ProjectTag: "p"}, "bare": {ProjectTag: "p"}}
	im := importEstate(t, e, Options{})
	assert.Equal(t, map[string]any{"team": "shop"}, im.service("full")["tags"])
	assert.NotContains(t, im.service("bare"), "tags", "only fcdeploy's tag is no tags")
}

func TestAServiceThatCannotBeClaimedFailsTheImportAfterTheManifestIsWritten(t *testing.T) {
	e := twoServices()
	e.tagErr = errors.New("denied")
	dir := t.TempDir()
	res, err := Import(context.Background(), e, Options{Dir: dir, Project: "p"})
	require.ErrorContains(t, err, "service bare: tagging it as project p's: denied")
	require.NotNil(t, res)
	assert.FileExists(t, filepath.Join(dir, ManifestName))
	_, statErr := os.Stat(filepath.Join(dir, ManifestName+".tmp"))
	assert.True(t, os.IsNotExist(statErr))
}

func TestAProjectIsNamedAfterItsDirectoryAsTheManifestAllows(t *testing.T) {
	for dir, want := range map[string]string{
		"":        "imported",
		"---":     "imported",
		"shop":    "shop",
		"zoo":     "zoo",
		"Amber":   "Amber",
		"Zed":     "Zed",
		"mid":     "mid",
		"Mid":     "Mid",
		"_x":      "_x",
		"9lives":  "p-9lives",
		"0":       "p-0",
		"my shop": "my-shop",
		"-a-":     "a",
	} {
		assert.Equal(t, want, projectName(dir), "directory %q", dir)
	}
}
