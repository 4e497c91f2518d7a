package applier

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/planner"
)

func ptr[T any](v T) *T { return &v }

// makeZip builds a small real zip holding one file.
func makeZip(t testing.TB, name, content string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	f, err := w.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	_, err = f.Write([]byte(content))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Bytes()
}

// project is a desired state with the code its functions point at.
type project struct {
	desired *planner.Desired
	mu      sync.Mutex
	code    map[string][]byte // "service/function" -> zip
}

// setCode sets a function's code and its desired checksum.
func (p *project) setCode(service, function string, zip []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.code[service+"/"+function] = zip
	for i := range p.desired.Services {
		for j := range p.desired.Services[i].Functions {
			f := &p.desired.Services[i].Functions[j]
			if p.desired.Services[i].Name == service && f.Name == function {
				f.Code = planner.DesiredCode{Checksum: fc.CodeChecksum(zip), Size: int64(len(zip)), Source: "./functions/" + function}
			}
		}
	}
}

func (p *project) function(service, function string) *planner.DesiredFunction {
	for i := range p.desired.Services {
		for j := range p.desired.Services[i].Functions {
			f := &p.desired.Services[i].Functions[j]
			if p.desired.Services[i].Name == service && f.Name == function {
				return f
			}
		}
	}
	return nil
}

// provider serves the project's current code.
func (p *project) provider() CodeProvider {
	return CodeFunc(func(_ context.Context, service, function, _ string) ([]byte, error) {
		p.mu.Lock()
		defer p.mu.Unlock()
		zip, ok := p.code[service+"/"+function]
		if !ok {
			return nil, fmt.Errorf("no code for %s/%s", service, function)
		}
		return zip, nil
	})
}

func (p *project) services() []string {
	var out []string
	for _, s := range p.desired.Services {
		out = append(out, s.Name)
	}
	return out
}

// shopProject: one service, two functions, a timer trigger on the alias
// "live", an http trigger, publishing, and the alias following the newest
// version.
func shopProject(t testing.TB) *project {
	p := &project{code: map[string][]byte{}, desired: &planner.Desired{
		Project: "shop",
		Services: []planner.DesiredService{{
			Name: "shop", Managed: true, Publish: true,
			Config: fc.ServiceInput{
				Description: ptr("Shop backend"), Role: ptr(""), InternetAccess: ptr(true),
				LogConfig: &fc.LogConfig{}, VPCConfig: &fc.VPCConfig{}, NASConfig: &fc.NASConfig{},
			},
			Functions: []planner.DesiredFunction{
				{
					Name: "checkout",
					Config: fc.FunctionInput{
						Description: ptr(""), Runtime: ptr("python3"), Handler: ptr("index.handler"),
						MemorySize: ptr(int32(256)), Timeout: ptr(int32(10)), Initializer: ptr(""),
						InstanceConcurrency:  ptr(int32(1)),
						EnvironmentVariables: map[string]string{"STAGE": "staging", "DB_PASSWORD": "hunter2"},
					},
					Sensitive: map[string]bool{"DB_PASSWORD": true},
					Triggers: []planner.DesiredTrigger{{
						Name: "nightly",
						Input: fc.TriggerInput{
							TriggerType: "timer", Qualifier: ptr("live"),
							TriggerConfig: json.RawMessage(`{"cronExpression":"0 0 2 * * *","enable":true}`),
						},
					}},
				},
				{
					Name: "api",
					Config: fc.FunctionInput{
						Description: ptr("HTTP API"), Runtime: ptr("nodejs14"), Handler: ptr("index.handler"),
						MemorySize: ptr(int32(128)), Timeout: ptr(int32(3)), Initializer: ptr(""),
						InstanceConcurrency: ptr(int32(1)), EnvironmentVariables: map[string]string{},
					},
					Triggers: []planner.DesiredTrigger{{
						Name: "web",
						Input: fc.TriggerInput{
							TriggerType:   "http",
							TriggerConfig: json.RawMessage(`{"authType":"anonymous","methods":["GET","POST"]}`),
						},
					}},
				},
			},
			Aliases: []planner.DesiredAlias{{Name: "live", Version: planner.VersionLatest}},
		}},
	}}
	p.setCode("shop", "checkout", makeZip(t, "index.py", "def handler(event, context):\n    return 'v1'\n"))
	p.setCode("shop", "api", makeZip(t, "index.js", "exports.handler = (e, c, cb) => cb(null, 'v1');\n"))
	return p
}

// planFor reads the live state of the project's services and diffs it.
func planFor(t testing.TB, api planner.API, p *project, prune bool) *planner.Plan {
	t.Helper()
	read := planner.ReadOptions{ClaimedBy: p.desired.Project}
	if !prune { // as the CLI plans
		read.AsyncConfigsOf = planner.DeclaredAsyncConfigs(p.desired)
	}
	live, err := planner.ReadLive(context.Background(), api, p.services(), read)
	require.NoError(t, err)
	plan, err := planner.Diff(p.desired, live, planner.Options{Prune: prune})
	require.NoError(t, err)
	require.NoError(t, planner.ResolveETags(context.Background(), api, plan, live, planner.ReadOptions{}))
	return plan
}

// destroyPlanFor plans deleting the named services.
func destroyPlanFor(t testing.TB, api planner.API, services ...string) *planner.Plan {
	t.Helper()
	live, err := planner.ReadLive(context.Background(), api, services, planner.ReadOptions{})
	require.NoError(t, err)
	plan, err := planner.DestroyPlan(live, services)
	require.NoError(t, err)
	require.NoError(t, planner.ResolveETags(context.Background(), api, plan, live, planner.ReadOptions{}))
	return plan
}
