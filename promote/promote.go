package promote

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/packager"
	"github.com/fcdeploy/fcdeploy/planner"
)

// API is the part of the Function Compute client a promotion reads from
// the source environment; *fc.Client satisfies it.
type API interface {
	GetFunction(ctx context.Context, service, qualifier, function string) (*fc.Function, error)
	GetFunctionCode(ctx context.Context, service, qualifier, function string) (*fc.FunctionCode, error)
	DownloadCode(ctx context.Context, code *fc.FunctionCode) ([]byte, error)
}

// Source is the live code of the source environment: what each function
// runs there, and the bytes to upload elsewhere.
type Source struct {
	env       string
	api       API
	artifacts *packager.Artifacts
	artPath   string
	live      map[string]*fc.Function // by service/function
	layers    map[string]*fc.Layer    // newest version, by layer name

	mu    sync.Mutex
	cache map[string][]byte
}

// Function is one function whose code is promoted.
type Function struct {
	Service, Function string
	Checksum          string
	Size              int64
}

// Address is "service/function".
func (f Function) Address() string { return f.Service + "/" + f.Function }

func key(service, function string) string { return service + "/" + function }

// ReadSource reads the live code of every function of proj in the source
// environment env. With artifactsPath (an artifacts.json of `fcdeploy
// package`), the bytes come from its records, which must match what the
// source runs: code that was not tested there is refused. Every problem is
// reported at once, each naming its function.
func ReadSource(ctx context.Context, api API, env string, proj *manifest.Project, artifactsPath string) (*Source, error) {
	s := &Source{env: env, api: api, live: map[string]*fc.Function{}, layers: map[string]*fc.Layer{}, cache: map[string][]byte{}}
	if artifactsPath != "" {
		a, err := packager.ReadArtifacts(artifactsPath)
		if err != nil {
			return nil, err
		}
		s.artifacts, s.artPath = a, artifactsPath
	}
	var errs []error
	for _, svc := range proj.Services {
		for _, f := range svc.Functions {
			live, err := api.GetFunction(ctx, svc.Name, "", f.Name)
			if fc.IsNotFound(err) {
				errs = append(errs, fmt.Errorf("function %s/%s is not deployed in %s: deploy it there first (fcdeploy apply --env %s)", svc.Name, f.Name, env, env))
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("function %s/%s in %s: %w", svc.Name, f.Name, env, err)
			}
			if s.artifacts != nil {
				rec := s.artifacts.Find(svc.Name, f.Name)
				switch {
				case rec == nil:
					errs = append(errs, fmt.Errorf("function %s/%s has no record in %s: package it with fcdeploy package", svc.Name, f.Name, artifactsPath))
					continue
				case rec.Checksum != live.CodeChecksum:
					errs = append(errs, fmt.Errorf("function %s/%s: %s runs code with checksum %s, but %s records %s: refusing to promote code that was not tested there", svc.Name, f.Name, env, live.CodeChecksum, artifactsPath, rec.Checksum))
					continue
				}
			}
			s.live[key(svc.Name, f.Name)] = live
		}
	}
	if len(proj.Layers) > 0 {
		la, ok := api.(LayerAPI)
		if !ok {
			return nil, fmt.Errorf("cannot promote from %s: the project declares layers and the API given cannot read them", env)
		}
		if err := s.readLayers(ctx, la, proj); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("cannot promote from %s:\n%w", env, errors.Join(errs...))
	}
	return s, nil
}

// Env is the source environment's name.
func (s *Source) Env() string { return s.env }

// Functions lists the promoted functions, sorted by address.
func (s *Source) Functions() []Function {
	out := make([]Function, 0, len(s.live))
	for k, f := range s.live {
		service, function, _ := strings.Cut(k, "/")
		out = append(out, Function{Service: service, Function: function, Checksum: f.CodeChecksum, Size: f.CodeSize})
	}
	slices.SortFunc(out, func(a, b Function) int { return strings.Compare(a.Address(), b.Address()) })
	return out
}

// CodeFor is the deploy.CodeFunc of a promotion: each function's desired
// code is the source's checksum.
func (s *Source) CodeFor(_ context.Context, service string, f *manifest.Function) (planner.DesiredCode, error) {
	live, ok := s.live[key(service, f.Name)]
	if !ok {
		return planner.DesiredCode{}, fmt.Errorf("function %s/%s: not read from %s", service, f.Name, s.env)
	}
	return planner.DesiredCode{Checksum: live.CodeChecksum, Size: live.CodeSize, Source: s.env}, nil
}

// Code returns the bytes to upload, from the artifact record or downloaded
// from the source; either way checked against the planned checksum, so a
// source redeployed since the plan is refused naming the function.
func (s *Source) Code(ctx context.Context, service, function, checksum string) ([]byte, error) {
	k := key(service, function)
	s.mu.Lock()
	b, ok := s.cache[k]
	s.mu.Unlock()
	if ok {
		return b, nil
	}
	var data []byte
	var err error
	if s.artifacts != nil {
		rec := s.artifacts.Find(service, function)
		if rec == nil {
			return nil, fmt.Errorf("function %s/%s has no record in %s: package it with fcdeploy package", service, function, s.artPath)
		}
		data, err = os.ReadFile(filepath.Join(filepath.Dir(s.artPath), rec.File))
	} else {
		var code *fc.FunctionCode
		code, err = s.api.GetFunctionCode(ctx, service, "", function)
		if err == nil {
			data, err = s.api.DownloadCode(ctx, code)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("function %s/%s: fetching the code of %s: %w", service, function, s.env, err)
	}
	if got := fc.CodeChecksum(data); got != checksum {
		return nil, fmt.Errorf("function %s/%s: %s now runs code with checksum %s, not the %s planned: run fcdeploy promote again", service, function, s.env, got, checksum)
	}
	s.mu.Lock()
	s.cache[k] = data
	s.mu.Unlock()
	return data, nil
}
