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

// fakeAccount is one service with one function, a timer without enable,
// a custom domain and an async config.
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
func (f *fakeAccount) ListAllAliases(context.Context, string) ([]fc.Alias, error)    { return nil, nil }
func (f *fakeAccount) GetFunctionCode(context.Context, string, string, string) (*fc.FunctionCode, error) {
	return &fc.FunctionCode{URL: "u", Checksum: fc.CodeChecksum(f.zip)}, nil
}
func (f *fakeAccount) DownloadCode(context.Context, *fc.FunctionCode) ([]byte, error) {
	return f.zip, nil
}
func (f *fakeAccount) ListAllCustomDomains(context.Context, string) ([]fc.CustomDomain, error) {
	return []fc.CustomDomain{{DomainName: "api.example.com", RouteConfig: fc.RouteConfig{Routes: []fc.PathConfig{{Path: "/*", ServiceName: "shop", FunctionName: "api"}}}}}, nil
}
func (f *fakeAccount) ListAllProvisionConfigs(context.Context, string, string) ([]fc.ProvisionConfig, error) {
	return []fc.ProvisionConfig{{Resource: "1#shop#live#api", Target: 2}, {Resource: "1#shop#old#api", Target: 0}}, nil
}
func (f *fakeAccount) ListAllFunctionAsyncInvokeConfigs(context.Context, string, string) ([]fc.AsyncConfig, error) {
	return []fc.AsyncConfig{{Service: "shop", Function: "api"}}, nil
}

func TestImportWritesTheManifestAndNamesWhatItCannotDescribe(t *testing.T) {
	dir := t.TempDir()
	api := &fakeAccount{zip: zipOf(t, entry{"index.py", "x", 0o644})}
	res, err := Import(context.Background(), api, Options{Dir: dir})
	require.NoError(t, err)
	assert.Equal(t, []Secret{{Env: "API_TOKEN", Functions: []string{"shop/api:API_TOKEN"}}}, res.Secrets)
	assert.Equal(t, []string{
		"function shop/api has an async invoke config (qualifier LATEST): not imported, fcdeploy.yaml has no async configs yet; it stays as it is live",
		"1#shop#live#api has 2 provisioned instances: not imported, fcdeploy.yaml has no provision configs yet; they stay as they are live",
		"custom domain api.example.com routes /* to shop/api: not imported, fcdeploy.yaml has no custom domains yet; it stays as it is live",
	}, res.Notes)
	m, err := os.ReadFile(filepath.Join(dir, "fcdeploy.yaml"))
	require.NoError(t, err)
	assert.Contains(t, string(m), "API_TOKEN: ${env.API_TOKEN} # secret: set API_TOKEN to the live value")
	assert.NotContains(t, string(m), "tok\n")
	assert.Contains(t, string(m), "instanceConcurrency: 4")
	assert.Contains(t, string(m), "enable: false", "a timer without enable is disabled live")
	b, err := os.ReadFile(filepath.Join(dir, "functions", "shop", "api", "index.py"))
	require.NoError(t, err)
	assert.Equal(t, "x", string(b))

	_, err = Import(context.Background(), api, Options{Dir: dir})
	require.ErrorContains(t, err, "exists already; nothing was imported (--force overwrites it)")
	_, err = Import(context.Background(), api, Options{Dir: t.TempDir(), Services: []string{"nosuch"}})
	require.ErrorContains(t, err, "service nosuch: not found in the account")
}
