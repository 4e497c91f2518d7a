package deploy

import (
	"context"
	"fmt"
	"maps"

	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/planner"
)

// CodeFunc says which code one function of the project should run.
type CodeFunc func(ctx context.Context, service string, fn *manifest.Function) (planner.DesiredCode, error)

// Desired builds the planner's desired state from a project; code decides
// each function's code (packaged from the tree, or taken from a promotion
// source).
func Desired(ctx context.Context, p *manifest.Project, code CodeFunc) (*planner.Desired, error) {
	return DesiredWithLayers(ctx, p, code, nil)
}

// DesiredWithLayers is Desired with the code of the project's layers
// decided by layerCode (nil: the project must declare no layer).
func DesiredWithLayers(ctx context.Context, p *manifest.Project, code CodeFunc, layerCode LayerCodeFunc) (*planner.Desired, error) {
	d := &planner.Desired{Project: p.Name}
	for i := range p.Services {
		s := &p.Services[i]
		ds := planner.DesiredService{
			Name:    s.Name,
			Config:  s.Input(),
			Publish: s.Publish,
			Managed: true,
		}
		for j := range s.Functions {
			f := &s.Functions[j]
			c, err := code(ctx, s.Name, f)
			if err != nil {
				return nil, err
			}
			df := planner.DesiredFunction{
				Name:      f.Name,
				Config:    f.Input(),
				Code:      c,
				Sensitive: maps.Clone(f.Sensitive),
			}
			for k := range f.Triggers {
				t := &f.Triggers[k]
				df.Triggers = append(df.Triggers, planner.DesiredTrigger{Name: t.Name, Input: t.Input()})
			}
			ds.Functions = append(ds.Functions, df)
		}
		for k := range s.Aliases {
			a := &s.Aliases[k]
			ds.Aliases = append(ds.Aliases, planner.DesiredAlias{
				Name:                    a.Name,
				Version:                 a.Version,
				Description:             deref(a.Spec.Description),
				AdditionalVersionWeight: maps.Clone(a.Spec.AdditionalVersionWeight),
			})
		}
		d.Services = append(d.Services, ds)
	}
	if err := desiredCurrent(ctx, p, d, layerCode); err != nil {
		return nil, err
	}
	return d, nil
}

// ServiceNames lists the services a project declares: the only ones fcdeploy
// reads or touches.
func ServiceNames(p *manifest.Project) []string {
	names := make([]string, 0, len(p.Services))
	for _, s := range p.Services {
		names = append(names, s.Name)
	}
	return names
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func functionKey(service, function string) string { return service + "/" + function }

// errFunction names the function an error is about.
func errFunction(service, function string, err error) error {
	return fmt.Errorf("function %s/%s: %w", service, function, err)
}
