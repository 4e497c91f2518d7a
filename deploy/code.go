package deploy

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/fcdeploy/fcdeploy/builder"
	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/packager"
	"github.com/fcdeploy/fcdeploy/planner"
)

// Code holds the packaged code of a project's functions and serves it to the
// applier (it implements applier.CodeProvider).
type Code struct {
	mu       sync.Mutex
	archives map[string]*packager.Archive // by service/function
	// Builds are the build results the archives were made from (nil when
	// nothing was built).
	Builds *Builds
}

// Archive is the packaged code of one function, nil for OSS code.
func (c *Code) Archive(service, function string) *packager.Archive {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.archives[functionKey(service, function)]
}

func (c *Code) put(service, function string, a *packager.Archive) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.archives[functionKey(service, function)] = a
}

// Code returns the zip of a function, refusing bytes whose checksum is not
// the one asked for.
func (c *Code) Code(_ context.Context, service, function, checksum string) ([]byte, error) {
	a := c.Archive(service, function)
	if a == nil {
		return nil, errFunction(service, function, fmt.Errorf("no packaged code"))
	}
	if a.Checksum != checksum {
		return nil, errFunction(service, function, fmt.Errorf("packaged code has checksum %s, the plan expects %s: run plan again", a.Checksum, checksum))
	}
	data, err := a.Bytes()
	if err != nil {
		return nil, errFunction(service, function, err)
	}
	return data, nil
}

// Package packages the code of every function of p with pk, in parallel. A
// directory used by several functions is zipped once (the packager
// remembers it).
func Package(ctx context.Context, p *manifest.Project, pk *packager.Packager) (*Code, error) {
	return PackageBuilt(ctx, p, pk, nil)
}

// PackageBuilt is Package where functions with a build packaged their
// build's output directory instead of their code directory.
func PackageBuilt(ctx context.Context, p *manifest.Project, pk *packager.Packager, builds *Builds) (*Code, error) {
	code := &Code{archives: map[string]*packager.Archive{}, Builds: builds}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i := range p.Services {
		s := &p.Services[i]
		for j := range s.Functions {
			f := &s.Functions[j]
			g.Go(func() error {
				a, err := PackageFunction(ctx, pk, f, builds.Result(s.Name, f.Name))
				if err != nil {
					return errFunction(s.Name, f.Name, err)
				}
				if a != nil {
					code.put(s.Name, f.Name, a)
				}
				return nil
			})
		}
	}
	packageLayers(ctx, g, p, pk, code)
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return code, nil
}

// PackageFunction packages one function's code: its build's output when
// built is not nil, else its code as the manifest names it (nil for OSS).
func PackageFunction(ctx context.Context, pk *packager.Packager, f *manifest.Function, built *builder.Result) (*packager.Archive, error) {
	switch f.Code.Kind {
	case manifest.CodeDir:
		dir := f.Code.Path
		if built != nil {
			dir = built.Dir
		} else if f.Build != nil {
			// Shipping the unbuilt sources would deploy code without its
			// dependencies: refuse rather than guess.
			return nil, errors.New("has a build: block but was not built; build it first (deploy.Build)")
		}
		a, err := pk.PackageDir(ctx, dir, packager.DirOptions{Runtime: f.Runtime, Handler: f.Handler})
		if he := (*packager.HandlerError)(nil); built != nil && errors.As(err, &he) {
			// Name the directory the user knows, not the cache entry.
			named := *he
			named.Dir = f.Code.Path + " (after its build)"
			return nil, &named
		}
		return a, err
	case manifest.CodeZipFile:
		return pk.PackageFile(ctx, f.Code.Path)
	case manifest.CodeOSS, manifest.CodeImage:
		return nil, nil
	}
	return nil, fmt.Errorf("code kind %q is not supported", f.Code.Kind)
}

// FromPackage is the CodeFunc of code packaged from the working tree.
func (c *Code) FromPackage(_ context.Context, service string, f *manifest.Function) (planner.DesiredCode, error) {
	if f.Code.Kind == manifest.CodeOSS {
		return planner.DesiredCode{Source: "oss://" + f.Code.Bucket + "/" + f.Code.Object, OSSBucket: f.Code.Bucket, OSSObject: f.Code.Object}, nil
	}
	if f.Code.Kind == manifest.CodeImage {
		return planner.DesiredCode{Image: true, Source: "image " + f.Spec.CustomContainerConfig.Image}, nil
	}
	a := c.Archive(service, f.Name)
	if a == nil {
		return planner.DesiredCode{}, errFunction(service, f.Name, fmt.Errorf("code was not packaged"))
	}
	return planner.DesiredCode{Checksum: a.Checksum, Size: a.Size, Source: relSource(f.Code.Path)}, nil
}

// relSource shows a code path relative to the working directory when that is shorter.
func relSource(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	if rel, err := relPath(wd, path); err == nil {
		return rel
	}
	return path
}
