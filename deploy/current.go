package deploy

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/packager"
	"github.com/fcdeploy/fcdeploy/planner"
)

// LayerCodeFunc says which code one layer of the project should publish.
type LayerCodeFunc func(ctx context.Context, l *manifest.Layer) (planner.DesiredCode, error)

// layerKey keys a layer's archive apart from the functions'.
func layerKey(name string) string { return "layer:" + name }

// packageLayers zips each layer's directory (or takes its zip) into code,
// in the functions' group g.
func packageLayers(ctx context.Context, g *errgroup.Group, p *manifest.Project, pk *packager.Packager, code *Code) {
	for i := range p.Layers {
		l := &p.Layers[i]
		g.Go(func() error {
			var (
				a   *packager.Archive
				err error
			)
			switch l.Code.Kind {
			case manifest.CodeDir:
				a, err = pk.PackageDir(ctx, l.Code.Path, packager.DirOptions{})
			case manifest.CodeZipFile:
				a, err = pk.PackageFile(ctx, l.Code.Path)
			default:
				err = fmt.Errorf("code kind %q is not supported for layers", l.Code.Kind)
			}
			if err != nil {
				return fmt.Errorf("layer %s: %w", l.Name, err)
			}
			code.mu.Lock()
			code.archives[layerKey(l.Name)] = a
			code.mu.Unlock()
			return nil
		})
	}
}

// LayerArchive is the packaged code of a layer.
func (c *Code) LayerArchive(name string) *packager.Archive {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.archives[layerKey(name)]
}

// LayerCode returns the zip of a layer, refusing bytes whose checksum is
// not the one asked for (it implements applier.LayerCodeProvider).
func (c *Code) LayerCode(_ context.Context, layer, checksum string) ([]byte, error) {
	a := c.LayerArchive(layer)
	if a == nil {
		return nil, fmt.Errorf("layer %s: no packaged code", layer)
	}
	if a.Checksum != checksum {
		return nil, fmt.Errorf("layer %s: packaged code has checksum %s, the plan expects %s: run plan again", layer, a.Checksum, checksum)
	}
	data, err := a.Bytes()
	if err != nil {
		return nil, fmt.Errorf("layer %s: %w", layer, err)
	}
	return data, nil
}

// LayerFromPackage is the LayerCodeFunc of layers packaged from the
// working tree.
func (c *Code) LayerFromPackage(_ context.Context, l *manifest.Layer) (planner.DesiredCode, error) {
	a := c.LayerArchive(l.Name)
	if a == nil {
		return planner.DesiredCode{}, fmt.Errorf("layer %s: code was not packaged", l.Name)
	}
	return planner.DesiredCode{Checksum: a.Checksum, Size: a.Size, Source: relSource(l.Code.Path)}, nil
}

// desiredCurrent adds the kinds of today's API to d.
func desiredCurrent(ctx context.Context, p *manifest.Project, d *planner.Desired, layerCode LayerCodeFunc) error {
	for i := range p.Layers {
		l := &p.Layers[i]
		if layerCode == nil {
			return fmt.Errorf("layer %s: no code source for layers was given", l.Name)
		}
		c, err := layerCode(ctx, l)
		if err != nil {
			return err
		}
		d.Layers = append(d.Layers, planner.DesiredLayer{
			Name: l.Name, Code: c, CompatibleRuntime: slices.Clone(l.CompatibleRuntime), Description: l.Description,
		})
	}
	for _, cd := range p.CustomDomains {
		in := cd.Spec
		in.DomainName = cd.Name
		if in.RouteConfig != nil {
			rc := *in.RouteConfig
			rc.Routes = slices.Clone(rc.Routes)
			in.RouteConfig = &rc
		}
		d.CustomDomains = append(d.CustomDomains, planner.DesiredCustomDomain{Name: cd.Name, Input: in})
	}
	for i := range p.Services {
		s := &p.Services[i]
		ds := &d.Services[i]
		ds.Tags = maps.Clone(s.Tags)
		for j := range s.Functions {
			if a := s.Functions[j].AsyncConfig; a != nil {
				ds.Functions[j].AsyncConfig = &planner.DesiredAsyncConfig{
					Qualifier: a.Qualifier, Input: a.Spec, OnSuccess: a.OnSuccess, OnFailure: a.OnFailure,
				}
			}
		}
		for k := range s.Aliases {
			if n := s.Aliases[k].Provision; n != nil {
				v := *n
				ds.Aliases[k].Provision = &v
			}
			ds.Aliases[k].ProvisionFunctions = maps.Clone(s.Aliases[k].ProvisionFunctions)
		}
	}
	return nil
}
