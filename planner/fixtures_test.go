package planner

import (
	"encoding/json"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
)

func ptr[T any](v T) *T { return &v }

var planTime = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

func diffOptions() Options {
	return Options{
		Target: Target{Endpoint: "http://127.0.0.1:9000", AccountID: "111111", Region: "cn-hangzhou", Env: "staging"},
		Now:    func() time.Time { return planTime },
	}
}

// shopDesired is a small project: one service with two functions, a timer
// trigger on an alias, an http trigger, publishing and an alias following
// the newest version.
func shopDesired() *Desired {
	return &Desired{
		Project: "shop",
		Services: []DesiredService{{
			Name:    "shop",
			Managed: true,
			Publish: true,
			Config: fc.ServiceInput{
				Description:    ptr("Shop backend"),
				Role:           ptr(""),
				InternetAccess: ptr(true),
				LogConfig:      &fc.LogConfig{},
				VPCConfig:      &fc.VPCConfig{},
				NASConfig:      &fc.NASConfig{},
			},
			Functions: []DesiredFunction{
				{
					Name: "checkout",
					Config: fc.FunctionInput{
						Description: ptr(""), Runtime: ptr("python3"), Handler: ptr("index.handler"),
						MemorySize: ptr(int32(256)), Timeout: ptr(int32(10)), Initializer: ptr(""),
						InstanceConcurrency:  ptr(int32(1)),
						EnvironmentVariables: map[string]string{"STAGE": "staging", "DB_PASSWORD": "hunter2"},
					},
					Code:      DesiredCode{Checksum: "111", Size: 3100, Source: "./functions/checkout"},
					Sensitive: map[string]bool{"DB_PASSWORD": true},
					Triggers: []DesiredTrigger{{
						Name: "nightly",
						Input: fc.TriggerInput{
							TriggerType:   "timer",
							Qualifier:     ptr("live"),
							TriggerConfig: json.RawMessage(`{"cronExpression":"0 0 2 * * *","enable":true}`),
						},
					}},
				},
				{
					Name: "api",
					Config: fc.FunctionInput{
						Description: ptr("HTTP API"), Runtime: ptr("nodejs14"), Handler: ptr("index.handler"),
						MemorySize: ptr(int32(128)), Timeout: ptr(int32(3)), Initializer: ptr(""),
						InstanceConcurrency: ptr(int32(1)),
					},
					Code: DesiredCode{Checksum: "222", Size: 1200, Source: "./functions/api"},
					Triggers: []DesiredTrigger{{
						Name: "web",
						Input: fc.TriggerInput{
							TriggerType:   "http",
							TriggerConfig: json.RawMessage(`{"authType":"anonymous","methods":["GET","POST"]}`),
						},
					}},
				},
			},
			Aliases: []DesiredAlias{{Name: "live", Version: "latest"}},
		}},
	}
}

// absentLive is the live state of an account without the desired services.
func absentLive(d *Desired) *Live {
	l := &Live{Services: map[string]*LiveService{}}
	for _, s := range d.Services {
		l.Services[s.Name] = &LiveService{
			Functions: map[string]*fc.Function{},
			Triggers:  map[string]map[string]*fc.Trigger{},
			Aliases:   map[string]*fc.Alias{},
		}
	}
	return l
}

// convergedLive is the live state right after d was applied and version 1
// published: Diff must find nothing to do.
func convergedLive(d *Desired) *Live {
	l := absentLive(d)
	for _, ds := range d.Services {
		ls := l.Services[ds.Name]
		svc := fc.Service{ServiceName: ds.Name, ServiceID: "sid", CreatedTime: "t0"}
		svc.Apply(ds.Config)
		svc.ETag = "etag-service-" + ds.Name
		ls.Service = &svc
		for _, df := range ds.Functions {
			f := fc.Function{FunctionName: df.Name, FunctionID: "fid", MemorySize: 128, Timeout: 3}
			f.Apply(normalizedFunctionInput(&df))
			f.CodeChecksum = df.Code.Checksum
			f.CodeSize = df.Code.Size
			f.ETag = "etag-function-" + df.Name
			ls.Functions[df.Name] = &f
			ls.Triggers[df.Name] = map[string]*fc.Trigger{}
			for _, dt := range df.Triggers {
				q := fc.QualifierLatest
				if dt.Input.Qualifier != nil {
					q = *dt.Input.Qualifier
				}
				ls.Triggers[df.Name][dt.Name] = &fc.Trigger{
					TriggerName: dt.Name, TriggerType: dt.Input.TriggerType, Qualifier: q,
					TriggerConfig: dt.Input.TriggerConfig, ETag: "etag-trigger-" + dt.Name,
				}
			}
		}
		if ds.Publish {
			ls.Versions = []fc.Version{{VersionID: "1"}}
			snap := svc
			ls.NewestVersionService = &snap
			ls.NewestVersionFunctions = map[string]*fc.Function{}
			for name, f := range ls.Functions {
				c := *f
				ls.NewestVersionFunctions[name] = &c
			}
		}
		for _, da := range ds.Aliases {
			v := da.Version
			if v == VersionLatest {
				v = ls.NewestVersion()
			}
			ls.Aliases[da.Name] = &fc.Alias{
				AliasName: da.Name, VersionID: v, Description: da.Description,
				AdditionalVersionWeight: map[string]float64{}, ETag: "etag-alias-" + da.Name,
			}
		}
	}
	return l
}

func addresses(p *Plan) []string {
	var out []string
	for _, c := range p.Changes {
		out = append(out, string(c.Action)+" "+c.Address)
	}
	return out
}

func fieldPaths(c *Change) []string {
	var out []string
	for _, f := range c.FieldChanges {
		out = append(out, f.Path)
	}
	return out
}
