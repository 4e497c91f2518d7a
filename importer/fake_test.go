package importer

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

// fakeAccount is one service with one function and an alias, a timer
// without enable, custom domains, provision configs and async configs,
// some of which the manifest cannot describe.
type fakeAccount struct{ zip []byte }

func (f *fakeAccount) GetService(_ context.Context, s, _ string) (*fc.Service, error) {
	if s != "shop" {
		return nil, &fc.APIError{HTTPStatus: 404, Code: "ServiceNotFound"}
	}
	return &fc.Service{ServiceName: "shop", InternetAccess: true}, nil
}
func (f *fakeAccount) ListAllServices(ctx context.Context, _ string) ([]fc.Service, error) {
	s, _ := f.GetService(ctx, "shop", "")
	return []fc.Service{*s}, nil
}
func (f *fakeAccount) ListAllFunctions(context.Context, string, string) ([]fc.Function, error) {
	return []fc.Function{{FunctionName: "api", Runtime: "python3", Handler: "index.handler", MemorySize: 128, Timeout: 3,
		InstanceConcurrency: 4, EnvironmentVariables: map[string]string{"API_TOKEN": "tok", "STAGE": "prod"}}}, nil
}
func (f *fakeAccount) ListAllTriggers(context.Context, string, string) ([]fc.Trigger, error) {
	return []fc.Trigger{{TriggerName: "tick", TriggerType: "timer", Qualifier: "LATEST", TriggerConfig: json.RawMessage(`{"cronExpression":"@every 5m"}`)}}, nil
}
func (f *fakeAccount) ListAllVersions(context.Context, string) ([]fc.Version, error) { return nil, nil }
func (f *fakeAccount) ListAllAliases(context.Context, string) ([]fc.Alias, error) {
	return []fc.Alias{{AliasName: "live", VersionID: "1"}}, nil
}
func (f *fakeAccount) GetFunctionCode(context.Context, string, string, string) (*fc.FunctionCode, error) {
	return &fc.FunctionCode{URL: "u", Checksum: fc.CodeChecksum(f.zip)}, nil
}
func (f *fakeAccount) DownloadCode(context.Context, *fc.FunctionCode) ([]byte, error) {
	return f.zip, nil
}
func (f *fakeAccount) ListAllCustomDomains(context.Context, string) ([]fc.CustomDomain, error) {
	route := fc.RouteConfig{Routes: []fc.PathConfig{{Path: "/*", ServiceName: "shop", FunctionName: "api", Methods: []string{"GET"}}}}
	return []fc.CustomDomain{
		{DomainName: "api.example.com", Protocol: "HTTP", RouteConfig: route},
		{DomainName: "secure.example.com", Protocol: "HTTP,HTTPS", RouteConfig: route},
		{DomainName: "else.example.com", Protocol: "HTTP", RouteConfig: fc.RouteConfig{Routes: []fc.PathConfig{{Path: "/*", ServiceName: "billing", FunctionName: "job"}}}},
	}, nil
}
func (f *fakeAccount) ListAllProvisionConfigs(context.Context, string, string) ([]fc.ProvisionConfig, error) {
	return []fc.ProvisionConfig{{Resource: "1#shop#live#api", Target: 2}, {Resource: "1#shop#old#api", Target: 0}, {Resource: "1#shop#gone#api", Target: 3}}, nil
}
func (f *fakeAccount) ListAllFunctionAsyncInvokeConfigs(context.Context, string, string) ([]fc.AsyncConfig, error) {
	retries := int64(2)
	return []fc.AsyncConfig{
		{Service: "shop", Function: "api", Qualifier: "live"},
		{Service: "shop", Function: "api", MaxAsyncRetryAttempts: &retries, DestinationConfig: fc.DestinationConfig{
			OnFailure: &fc.Destination{Destination: "acs:fc:cn-hangzhou:1:services/shop/functions/api"},
			OnSuccess: &fc.Destination{Destination: "acs:mns:cn-hangzhou:1:/queues/done/messages"},
		}},
	}, nil
}

func TestImportWritesTodaysKindsAndNamesWhatItCannotDescribe(t *testing.T) {
	dir := t.TempDir()
	api := &fakeAccount{zip: zipOf(t, entry{"index.py", "x", 0o644})}
	res, err := Import(context.Background(), api, Options{Dir: dir})
	require.NoError(t, err)
	assert.Equal(t, []Secret{{Env: "API_TOKEN", Functions: []string{"shop/api:API_TOKEN"}}}, res.Secrets)
	assert.Equal(t, []string{
		"function shop/api has another async invoke config (qualifier live): not imported, fcdeploy.yaml holds one per function (LATEST's was); it stays as it is live",
		"shop/api has 3 provisioned instances at gone: not imported, gone is not an imported alias and function; they stay as they are live",
		"custom domain secure.example.com: not imported, it serves HTTP,HTTPS and fcdeploy.yaml manages HTTP domains only (no certificates); it stays as it is live",
	}, res.Notes)
	assert.Equal(t, 1, res.CustomDomains)
	assert.Equal(t, 1, res.AsyncConfigs)
	assert.Equal(t, 1, res.ProvisionConfigs)
	m, err := os.ReadFile(filepath.Join(dir, "fcdeploy.yaml"))
	require.NoError(t, err)
	assert.Contains(t, string(m), "API_TOKEN: ${env.API_TOKEN} # secret: set API_TOKEN to the live value")
	assert.NotContains(t, string(m), "tok\n")
	assert.Contains(t, string(m), "instanceConcurrency: 4")
	assert.Contains(t, string(m), "provision: 2", "the only function has two instances at live")
	assert.Contains(t, string(m), "onFailure: shop/api", "an imported function is named as the project names it")
	assert.Contains(t, string(m), "onSuccess: acs:mns:cn-hangzhou:1:/queues/done/messages")
	assert.Contains(t, string(m), "maxAsyncRetryAttempts: 2")
	assert.NotContains(t, string(m), "else.example.com", "a domain routing to no imported function is someone else's, and no note")
	assert.Contains(t, string(m), "customDomains:\n  api.example.com:\n    protocol: HTTP\n    routes:\n      - {path: /*, service: shop, function: api, methods: [GET]}\n")
	assert.Contains(t, string(m), "enable: false", "a timer without enable is disabled live")
	b, err := os.ReadFile(filepath.Join(dir, "functions", "shop", "api", "index.py"))
	require.NoError(t, err)
	assert.Equal(t, "x", string(b))

	_, err = Import(context.Background(), api, Options{Dir: dir})
	require.ErrorContains(t, err, "exists already; nothing was imported (--force overwrites it)")
	_, err = Import(context.Background(), api, Options{Dir: t.TempDir(), Services: []string{"nosuch"}})
	require.ErrorContains(t, err, "service nosuch: not found in the account")
}
