package applier

import (
	"context"
	"fmt"
	"testing"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/planner"
)

// instantAPI answers every write at once, so a benchmark measures the
// applier's own scheduling cost and nothing else.
type instantAPI struct{}

func (instantAPI) CreateService(context.Context, fc.ServiceInput) (*fc.Service, error) {
	return &fc.Service{ETag: "e"}, nil
}
func (instantAPI) UpdateService(context.Context, string, fc.ServiceInput, string) (*fc.Service, error) {
	return &fc.Service{ETag: "e"}, nil
}
func (instantAPI) DeleteService(context.Context, string, string) error { return nil }
func (instantAPI) CreateFunction(context.Context, string, fc.FunctionInput) (*fc.Function, error) {
	return &fc.Function{ETag: "e"}, nil
}
func (instantAPI) UpdateFunction(context.Context, string, string, fc.FunctionInput, string) (*fc.Function, error) {
	return &fc.Function{ETag: "e"}, nil
}
func (instantAPI) DeleteFunction(context.Context, string, string, string) error { return nil }
func (instantAPI) CreateTrigger(context.Context, string, string, fc.TriggerInput) (*fc.Trigger, error) {
	return &fc.Trigger{ETag: "e"}, nil
}
func (instantAPI) UpdateTrigger(context.Context, string, string, string, fc.TriggerInput, string) (*fc.Trigger, error) {
	return &fc.Trigger{ETag: "e"}, nil
}
func (instantAPI) DeleteTrigger(context.Context, string, string, string, string) error { return nil }
func (instantAPI) PublishVersion(context.Context, string, string, string) (*fc.Version, error) {
	return &fc.Version{VersionID: "1"}, nil
}
func (instantAPI) ListAllVersions(context.Context, string) ([]fc.Version, error) { return nil, nil }
func (instantAPI) DeleteVersion(context.Context, string, string) error           { return nil }
func (instantAPI) CreateAlias(context.Context, string, fc.AliasInput) (*fc.Alias, error) {
	return &fc.Alias{ETag: "e"}, nil
}
func (instantAPI) UpdateAlias(context.Context, string, string, fc.AliasInput, string) (*fc.Alias, error) {
	return &fc.Alias{ETag: "e"}, nil
}
func (instantAPI) DeleteAlias(context.Context, string, string, string) error { return nil }

// BenchmarkApplySchedulingOf20ServicesX50Functions applies the first deploy
// of the benchmark project (20 services x 50 functions, one trigger
// each: 2,060 steps) against an API that answers instantly.
func BenchmarkApplySchedulingOf20ServicesX50Functions(b *testing.B) {
	zip := makeZip(b, "index.py", "def handler(e, c): return 'hi'\n")
	d := &planner.Desired{Project: "bench"}
	live := &planner.Live{Services: map[string]*planner.LiveService{}}
	for s := range 20 {
		svc := planner.DesiredService{Name: fmt.Sprintf("svc%02d", s), Managed: true, Publish: true,
			Aliases: []planner.DesiredAlias{{Name: "live", Version: planner.VersionLatest}}}
		for f := range 50 {
			svc.Functions = append(svc.Functions, planner.DesiredFunction{
				Name:   fmt.Sprintf("fn%02d", f),
				Config: fc.FunctionInput{Runtime: ptr("python3"), Handler: ptr("index.handler")},
				Code:   planner.DesiredCode{Checksum: fc.CodeChecksum(zip), Size: int64(len(zip))},
				Triggers: []planner.DesiredTrigger{{Name: "http", Input: fc.TriggerInput{
					TriggerType: "http", TriggerConfig: []byte(`{"authType":"anonymous","methods":["GET"]}`)}}},
			})
		}
		d.Services = append(d.Services, svc)
		live.Services[svc.Name] = &planner.LiveService{}
	}
	plan, err := planner.Diff(d, live, planner.Options{})
	if err != nil {
		b.Fatal(err)
	}
	code := CodeFunc(func(context.Context, string, string, string) ([]byte, error) { return zip, nil })
	b.ReportAllocs()
	for b.Loop() {
		res, err := Apply(context.Background(), instantAPI{}, plan, Options{Code: code})
		if err != nil || res.Summary.Created != 2040 {
			b.Fatal(err, res.Summary)
		}
	}
	b.ReportMetric(float64(len(plan.Changes)), "steps/op")
}
