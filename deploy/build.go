package deploy

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"time"

	"github.com/fcdeploy/fcdeploy/builder"
	"github.com/fcdeploy/fcdeploy/manifest"
)

// BuildCacheDir is where a project's builds are staged and cached.
func BuildCacheDir(p *manifest.Project) string {
	return filepath.Join(p.Dir, ".fcdeploy", "build")
}

// BuildCacheMaxAge is how long a build output nobody used stays cached.
const BuildCacheMaxAge = 7 * 24 * time.Hour

// Builds are the build results of a project's functions.
type Builds struct {
	mu      sync.Mutex
	results map[string]*builder.Result // by service/function
	// Order lists the functions with a build block, in manifest order.
	Order []FunctionRef
}

// FunctionRef names one function.
type FunctionRef struct{ Service, Function string }

// Result is the build of service/function, nil when it has no build block
// (or b is nil).
func (b *Builds) Result(service, function string) *builder.Result {
	if b == nil {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.results[functionKey(service, function)]
}

// SpecOf is the builder's Spec of a function with a build block.
func SpecOf(f *manifest.Function) builder.Spec {
	bl := f.Build
	return builder.Spec{
		Dir: f.Code.Path, Runtime: f.Runtime, Handler: f.Handler,
		Recipe: builder.Recipe(bl.Recipe), Command: bl.Command, Inputs: bl.Inputs, Output: bl.Output,
		FindLinks: bl.FindLinks, IndexURL: bl.IndexURL, NoIndex: bl.NoIndex, GoPackage: bl.GoPackage,
	}
}

// Build builds every function of p that has a build block, at most
// parallelism at once (functions with the same code and build share one
// build). It runs them all and reports every failure, each naming its
// function; nothing is deployed by it.
func Build(ctx context.Context, p *manifest.Project, b *builder.Builder, parallelism int) (*Builds, error) {
	if parallelism < 1 {
		parallelism = 1
	}
	out := &Builds{results: map[string]*builder.Result{}}
	for i := range p.Services {
		s := &p.Services[i]
		for j := range s.Functions {
			if s.Functions[j].Build != nil && s.Functions[j].Code.Kind == manifest.CodeDir {
				out.Order = append(out.Order, FunctionRef{s.Name, s.Functions[j].Name})
			}
		}
	}
	sem := make(chan struct{}, parallelism)
	errs := make([]error, len(out.Order))
	var wg sync.WaitGroup
	for i, ref := range out.Order {
		f := p.Service(ref.Service).Function(ref.Function)
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				errs[i] = errFunction(ref.Service, ref.Function, ctx.Err())
				return
			}
			defer func() { <-sem }()
			r, err := b.Build(ctx, SpecOf(f))
			if err != nil {
				errs[i] = errFunction(ref.Service, ref.Function, err)
				return
			}
			out.mu.Lock()
			out.results[functionKey(ref.Service, ref.Function)] = r
			out.mu.Unlock()
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	// Which function of a shared build ran it depends on scheduling; say
	// the first one in manifest order did, so output is stable.
	first := map[string]bool{}
	for _, ref := range out.Order {
		r := out.results[functionKey(ref.Service, ref.Function)]
		r.Shared = first[r.Dir]
		first[r.Dir] = true
	}
	return out, nil
}
