package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/fcdeploy/fcdeploy/applier"
	"github.com/fcdeploy/fcdeploy/deploy"
	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/packager"
	"github.com/fcdeploy/fcdeploy/planner"
	"github.com/fcdeploy/fcdeploy/schema"
)

// projectOptions are the flags of verbs that work on a project directory.
type projectOptions struct {
	dir    string
	file   string
	target targetOptions
	build  buildFlags
}

func addProjectFlags(cmd *cobra.Command, o *projectOptions) {
	cmd.Flags().StringVarP(&o.file, "file", "f", "", "manifest `FILE` (instead of DIR/fcdeploy.yaml)")
	addTargetFlags(cmd, &o.target)
}

// loadedProject is a validated manifest with its code packaged.
type loadedProject struct {
	Path    string
	Project *manifest.Project
	Code    *deploy.Code
	Desired *planner.Desired
}

// loadProject validates the manifest (every problem at once), packages the
// code and builds the desired state.
func loadProject(ctx context.Context, o *projectOptions, withCode bool) (*loadedProject, error) {
	path, err := resolveManifestPath(o.dir, o.file)
	if err != nil {
		return nil, err
	}
	p, err := schema.Load(path, manifest.LoadOptions{Env: o.target.env})
	if err != nil {
		return nil, err
	}
	if !withCode {
		return &loadedProject{Path: path, Project: p}, nil
	}
	pk := packager.New(packager.Options{CacheDir: filepath.Join(p.Dir, ".fcdeploy", "cache")})
	builds, err := buildFirst(ctx, p, o.build)
	if err != nil {
		return nil, err
	}
	code, err := deploy.PackageBuilt(ctx, p, pk, builds)
	if err != nil {
		return nil, err
	}
	d, err := deploy.Desired(ctx, p, code.FromPackage)
	if err != nil {
		return nil, err
	}
	return &loadedProject{Path: path, Project: p, Code: code, Desired: d}, nil
}

// loadAndConnect loads the project and connects to the target it names;
// the caller closes the target.
func loadAndConnect(ctx context.Context, o *projectOptions, withCode bool) (*loadedProject, *target, error) {
	lp, err := loadProject(ctx, o, withCode)
	if err != nil {
		return nil, nil, err
	}
	t, err := o.target.connect(ctx, lp.Project)
	if err != nil {
		return nil, nil, err
	}
	return lp, t, nil
}

// makePlan reads the live state of the project's services and diffs.
func makePlan(ctx context.Context, lp *loadedProject, t *target, prune bool) (*planner.Plan, error) {
	live, err := planner.ReadLive(ctx, t.Client, deploy.ServiceNames(lp.Project), planner.ReadOptions{})
	if err != nil {
		return nil, fmt.Errorf("reading the live state from %s: %w", t, err)
	}
	plan, err := planner.Diff(lp.Desired, live, planner.Options{Prune: prune})
	if err != nil {
		return nil, err
	}
	plan.Target = t.planTarget()
	plan.Fingerprint = planner.Fingerprint(lp.Desired)
	plan.Manifest = lp.Path
	return plan, nil
}

func (t *target) planTarget() planner.Target {
	endpoint := t.Endpoint
	if t.Embedded {
		// The embedded instance listens on a new port each run; its data
		// directory is what identifies it.
		endpoint = "local:" + t.DataDir
	}
	return planner.Target{Endpoint: endpoint, AccountID: t.AccountID, Region: t.Region, Env: t.EnvName}
}

// codeProvider serves the packaged code to the applier; nil when nothing
// was packaged (a nil *deploy.Code must not become a non-nil interface).
func (lp *loadedProject) codeProvider() applier.CodeProvider {
	if lp.Code == nil {
		return nil
	}
	return lp.Code
}
