package promote

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/planner"
)

// LayerAPI is the part of the Function Compute client a promotion reads
// layers with; *fc.Client satisfies it. ReadSource reads the project's
// layers when its API has it.
type LayerAPI interface {
	ListAllLayerVersions(ctx context.Context, layer string) ([]fc.Layer, error)
	GetLayerVersion(ctx context.Context, layer string, version int32) (*fc.Layer, error)
	DownloadLayerCode(ctx context.Context, l *fc.Layer) ([]byte, error)
}

// Layer is one layer whose code is promoted: the newest version live in
// the source, which the source's last apply published or kept.
type Layer struct {
	Name     string
	Version  int32
	Checksum string
	Size     int64
}

// readLayers reads the newest version of each layer of proj in the source.
func (s *Source) readLayers(ctx context.Context, api LayerAPI, proj *manifest.Project) error {
	var errs []error
	for _, l := range proj.Layers {
		vs, err := api.ListAllLayerVersions(ctx, l.Name)
		if err != nil && !fc.IsNotFound(err) {
			return fmt.Errorf("layer %s in %s: %w", l.Name, s.env, err)
		}
		if len(vs) == 0 {
			errs = append(errs, fmt.Errorf("layer %s is not published in %s: deploy it there first (fcdeploy apply --env %s)", l.Name, s.env, s.env))
			continue
		}
		newest := slices.MaxFunc(vs, func(a, b fc.Layer) int { return cmp.Compare(a.Version, b.Version) })
		s.layers[l.Name] = &newest
	}
	return errors.Join(errs...)
}

// Layers lists the promoted layers, sorted by name.
func (s *Source) Layers() []Layer {
	var out []Layer
	for name, l := range s.layers {
		out = append(out, Layer{Name: name, Version: l.Version, Checksum: l.CodeChecksum, Size: l.CodeSize})
	}
	slices.SortFunc(out, func(a, b Layer) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// LayerFor is the deploy.LayerCodeFunc of a promotion: each layer's
// desired code is the checksum of its newest version in the source.
func (s *Source) LayerFor(_ context.Context, l *manifest.Layer) (planner.DesiredCode, error) {
	live, ok := s.layers[l.Name]
	if !ok {
		return planner.DesiredCode{}, fmt.Errorf("layer %s: not read from %s", l.Name, s.env)
	}
	return planner.DesiredCode{Checksum: live.CodeChecksum, Size: live.CodeSize, Source: fmt.Sprintf("%s (version %d)", s.env, live.Version)}, nil
}

// LayerCode returns the bytes of a layer's promoted version, downloaded
// from the source and checked against the planned checksum (it implements
// applier.LayerCodeProvider).
func (s *Source) LayerCode(ctx context.Context, layer, checksum string) ([]byte, error) {
	k := "layer:" + layer
	api, ok := s.api.(LayerAPI)
	live := s.layers[layer]
	if !ok || live == nil {
		return nil, fmt.Errorf("layer %s: not read from %s", layer, s.env)
	}
	s.mu.Lock()
	data, cached := s.cache[k]
	s.mu.Unlock()
	if !cached {
		// The list carries no code location: read the version for it.
		l, err := api.GetLayerVersion(ctx, layer, live.Version)
		if err == nil {
			data, err = api.DownloadLayerCode(ctx, l)
		}
		if err != nil {
			return nil, fmt.Errorf("layer %s: fetching version %d from %s: %w", layer, live.Version, s.env, err)
		}
	}
	if got := fc.CodeChecksum(data); got != checksum {
		return nil, fmt.Errorf("layer %s: version %d in %s has code with checksum %s, not the %s planned: run fcdeploy promote again", layer, live.Version, s.env, got, checksum)
	}
	s.mu.Lock()
	s.cache[k] = data
	s.mu.Unlock()
	return data, nil
}
