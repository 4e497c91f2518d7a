package importer

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/fcdeploy/fcdeploy/fc"
)

// estate is a whole live account held in memory: every list the importer
// reads comes from its fields, so that a test states the account it
// imports. It offers today's kinds (custom domains, provision and async
// configs, tags) too.
type estate struct {
	services   []fc.Service
	functions  map[string][]fc.Function        // by service
	triggers   map[string][]fc.Trigger         // by SERVICE/FUNCTION
	versions   map[string][]fc.Version         // by service
	aliases    map[string][]fc.Alias           // by service
	provisions map[string][]fc.ProvisionConfig // by service, as the API answers
	async      map[string][]fc.AsyncConfig     // by SERVICE/FUNCTION
	domains    []fc.CustomDomain
	tags       map[string]map[string]string // by service
	tagErr     error
	zip        []byte
}

func (e *estate) GetService(_ context.Context, name, _ string) (*fc.Service, error) {
	for _, s := range e.services {
		if s.ServiceName == name {
			return &s, nil
		}
	}
	return nil, &fc.APIError{HTTPStatus: 404, Code: "ServiceNotFound"}
}
func (e *estate) ListAllServices(context.Context, string) ([]fc.Service, error) {
	return slices.Clone(e.services), nil
}
func (e *estate) ListAllFunctions(_ context.Context, s, _ string) ([]fc.Function, error) {
	return slices.Clone(e.functions[s]), nil
}
func (e *estate) ListAllTriggers(_ context.Context, s, f string) ([]fc.Trigger, error) {
	return slices.Clone(e.triggers[s+"/"+f]), nil
}
func (e *estate) ListAllVersions(_ context.Context, s string) ([]fc.Version, error) {
	return e.versions[s], nil
}
func (e *estate) ListAllAliases(_ context.Context, s string) ([]fc.Alias, error) {
	return slices.Clone(e.aliases[s]), nil
}
func (e *estate) GetFunctionCode(context.Context, string, string, string) (*fc.FunctionCode, error) {
	return &fc.FunctionCode{URL: "u", Checksum: fc.CodeChecksum(e.zip)}, nil
}
func (e *estate) DownloadCode(context.Context, *fc.FunctionCode) ([]byte, error) { return e.zip, nil }
func (e *estate) ListAllCustomDomains(context.Context, string) ([]fc.CustomDomain, error) {
	return slices.Clone(e.domains), nil
}
func (e *estate) ListAllProvisionConfigs(_ context.Context, s, _ string) ([]fc.ProvisionConfig, error) {
	return e.provisions[s], nil
}
func (e *estate) ListAllFunctionAsyncInvokeConfigs(_ context.Context, s, f string) ([]fc.AsyncConfig, error) {
	return slices.Clone(e.async[s+"/"+f]), nil
}
func (e *estate) GetResourceTags(_ context.Context, arn string) (*fc.ResourceTags, error) {
	return &fc.ResourceTags{ResourceARN: arn, Tags: maps.Clone(e.tags[filepath.Base(arn)])}, nil
}
func (e *estate) TagResource(context.Context, fc.TagResourceInput) error { return e.tagErr }

// imported is what one import wrote: the result, the manifest's text and
// the manifest as YAML reads it.
type imported struct {
	res  *Result
	text string
	doc  map[string]any
}

// service is the manifest's node of a service.
func (m imported) service(name string) map[string]any {
	return m.doc["services"].(map[string]any)[name].(map[string]any)
}

// function is the manifest's node of a function.
func (m imported) function(service, name string) map[string]any {
	return m.service(service)["functions"].(map[string]any)[name].(map[string]any)
}

// importEstate imports the account into a new directory and reads the
// manifest back.
func importEstate(t *testing.T, api API, opt Options) imported {
	t.Helper()
	if opt.Dir == "" {
		opt.Dir = t.TempDir()
	}
	res, err := Import(context.Background(), api, opt)
	require.NoError(t, err)
	b, err := os.ReadFile(filepath.Join(opt.Dir, ManifestName))
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal(b, &doc))
	return imported{res: res, text: string(b), doc: doc}
}

// keys are a node's keys in order.
func keys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }
