package applier

import (
	"context"
	"fmt"
	"testing"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/localfctest"
	"github.com/fcdeploy/fcdeploy/planner"
)

// benchProject is the benchmark project: services x functions, one
// http trigger each, publishing, an alias.
func benchProject(tb testing.TB, services, functions int) *project {
	zip := makeZip(tb, "index.py", "def handler(e, c): return 'hi'\n")
	p := &project{code: map[string][]byte{}, desired: &planner.Desired{Project: "bench"}}
	for s := range services {
		svc := planner.DesiredService{Name: fmt.Sprintf("svc%02d", s), Managed: true, Publish: true,
			Aliases: []planner.DesiredAlias{{Name: "live", Version: planner.VersionLatest}}}
		for f := range functions {
			svc.Functions = append(svc.Functions, planner.DesiredFunction{
				Name:   fmt.Sprintf("fn%02d", f),
				Config: fc.FunctionInput{Runtime: ptr("python3"), Handler: ptr("index.handler"), MemorySize: ptr(int32(128)), Timeout: ptr(int32(3))},
				Triggers: []planner.DesiredTrigger{{Name: "http", Input: fc.TriggerInput{
					TriggerType: "http", TriggerConfig: []byte(`{"authType":"anonymous","methods":["GET"]}`)}}},
			})
		}
		p.desired.Services = append(p.desired.Services, svc)
	}
	for _, s := range p.desired.Services {
		for _, f := range s.Functions {
			p.setCode(s.Name, f.Name, zip)
		}
	}
	return p
}

// BenchmarkNoOpPlanOverHTTP plans the deployed 20x50 project again over
// loopback HTTP against the local server: the read side of a no-op apply.
func BenchmarkNoOpPlanOverHTTP(b *testing.B) {
	inst := localfctest.Start(b)
	api, err := fc.NewClient(inst.Config())
	if err != nil {
		b.Fatal(err)
	}
	p := benchProject(b, 20, 50)
	res, err := Apply(context.Background(), api, planFor(b, api, p, false), Options{Code: p.provider()})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("first deploy: %d steps in %s", len(res.Steps), res.Duration)
	reads := api.Stats().Requests
	b.ResetTimer()
	for b.Loop() {
		if plan := planFor(b, api, p, false); plan.HasChanges() {
			b.Fatalf("not converged: %d changes", len(plan.Changes))
		}
	}
	b.ReportMetric(float64(api.Stats().Requests-reads)/float64(b.N), "requests/op")
}
