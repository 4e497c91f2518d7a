package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/fcdeploy/fcdeploy/applier"
	"github.com/fcdeploy/fcdeploy/deploy"
	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/packager"
	"github.com/fcdeploy/fcdeploy/planner"
)

// projectOptions are the flags of verbs that work on a project directory.
type projectOptions struct {
	dir    string
	file   string
	target targetOptions
	// only limits plans to these SERVICE or SERVICE/FUNCTION (--target).
	only []string
	// cmd gives the command's stdin, for -f -.
	cmd   *cobra.Command
	build buildFlags
}

func addProjectFlags(cmd *cobra.Command, o *projectOptions) {
	cmd.Flags().StringVarP(&o.file, "file", "f", "", "manifest `FILE` (instead of DIR/fcdeploy.yaml; - reads it from stdin)")
	addTargetFlags(cmd, &o.target)
	o.cmd = cmd
}

// addOnlyFlag adds --target to the verbs that plan: plan, apply, destroy.
func addOnlyFlag(cmd *cobra.Command, o *projectOptions) {
	cmd.Flags().StringArrayVar(&o.only, "target", nil, "limit the plan to `SERVICE[/FUNCTION]` and what it depends on (repeatable)")
}

// checkOnly refuses --target values that name nothing the manifest
// declares, so a typo is not mistaken for "no changes".
func checkOnly(p *manifest.Project, only []string) error {
	for _, ref := range only {
		service, function, err := planner.ParseResourceRef(ref)
		if err != nil {
			return fmt.Errorf("--target %w", err)
		}
		var svc *manifest.Service
		for i := range p.Services {
			if p.Services[i].Name == service {
				svc = &p.Services[i]
			}
		}
		if svc == nil {
			return fmt.Errorf("--target %s: %s declares no service %s", ref, p.File, service)
		}
		if function == "" {
			continue
		}
		found := false
		for _, f := range svc.Functions {
			found = found || f.Name == function
		}
		if !found {
			return fmt.Errorf("--target %s: service %s declares no function %s in %s", ref, service, function, p.File)
		}
	}
	return nil
}

// loadedProject is a validated manifest with its code packaged.
type loadedProject struct {
	Path    string
	Project *manifest.Project
	Code    *deploy.Code
	Desired *planner.Desired
	// Only is the --target list plans of this project are limited to.
	Only []string
}

// loadProject validates the manifest (every problem at once), packages the
// code and builds the desired state.
func loadProject(ctx context.Context, o *projectOptions, withCode bool) (*loadedProject, error) {
	path, err := resolveManifestPath(o.dir, o.file)
	if err != nil {
		return nil, err
	}
	p, err := loadManifest(o.stdin(), path, manifest.LoadOptions{Env: o.target.env})
	if err != nil {
		return nil, err
	}
	if err := checkOnly(p, o.only); err != nil {
		return nil, err
	}
	if !withCode {
		return &loadedProject{Path: path, Project: p, Only: o.only}, nil
	}
	pk := packager.New(packager.Options{CacheDir: filepath.Join(p.Dir, ".fcdeploy", "cache")})
	builds, err := buildFirst(ctx, p, o.build)
	if err != nil {
		return nil, err
	}
	code, err := deploy.PackageBuilt(ctx, p, pk, builds)
	if err != nil {
		return nil, redacted(p, err)
	}
	d, err := deploy.DesiredWithLayers(ctx, p, code.FromPackage, code.LayerFromPackage)
	if err != nil {
		return nil, redacted(p, err)
	}
	return &loadedProject{Path: path, Project: p, Code: code, Desired: d, Only: o.only}, nil
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

// stdin is where -f - reads the manifest from.
func (o *projectOptions) stdin() io.Reader {
	if o.cmd == nil {
		return os.Stdin
	}
	return o.cmd.InOrStdin()
}

// makePlan reads the live state of the project's services and diffs.
func makePlan(ctx context.Context, lp *loadedProject, t *target, prune bool) (*planner.Plan, error) {
	read := planner.ReadOptions{Target: t.planTarget(), ClaimedBy: lp.Desired.Project}
	if !prune {
		read.AsyncConfigsOf = planner.DeclaredAsyncConfigs(lp.Desired)
	}
	live, err := planner.ReadLive(ctx, t.Client, deploy.ServiceNames(lp.Project), read)
	if err != nil {
		return nil, fmt.Errorf("reading the live state from %s: %w", t, err)
	}
	// Code whose checksum differs from the live one may still be the
	// same files (a zip built by another tool): compare it by content.
	cmp, err := planner.CompareCode(ctx, t.Client, lp.Desired, live, lp.codeSource(), planner.CompareOptions{CacheDir: filepath.Join(lp.Project.Dir, ".fcdeploy", "cache"), Only: lp.Only})
	if err != nil {
		return nil, fmt.Errorf("comparing code with %s: %w", t, err)
	}
	plan, err := planner.Diff(cmp.Desired, live, planner.Options{Prune: prune, Target: t.planTarget(), Created: readCreated(lp.Project.Dir, t.planTarget())})
	if err != nil {
		return nil, err
	}
	cmp.Annotate(plan)
	if err := plan.Limit(lp.Only); err != nil {
		return nil, err
	}
	if err := planner.ResolveETags(ctx, t.Client, plan, live, planner.ReadOptions{}); err != nil {
		return nil, fmt.Errorf("reading the live state from %s: %w", t, err)
	}
	plan.RecordLive(live)
	plan.Target = t.planTarget()
	plan.Fingerprint = planner.Fingerprint(lp.Desired, plan.SecretSalt)
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
	pt := planner.Target{Endpoint: endpoint, AccountID: t.AccountID, Region: t.Region, Env: t.EnvName}
	if !t.Embedded {
		n := withDefaultNames(t.Creds)
		pt.Credentials = &planner.CredentialNames{AccessKeyIDEnv: n.AccessKeyIDEnv, AccessKeySecretEnv: n.AccessKeySecretEnv, SecurityTokenEnv: n.SecurityTokenEnv}
	}
	return pt
}

// codeSource serves the packaged code to the code comparison; nil when
// nothing was packaged.
func (lp *loadedProject) codeSource() planner.CodeSource {
	if lp.Code == nil {
		return nil
	}
	return lp.Code
}

// codeProvider serves the packaged code to the applier; nil when nothing
// was packaged (a nil *deploy.Code must not become a non-nil interface).
func (lp *loadedProject) codeProvider() applier.CodeProvider {
	if lp.Code == nil {
		return nil
	}
	return lp.Code
}

// redactedError is err with the values the project read from the
// environment masked in its message (a code path, say); errors.Is/As
// still see err.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

func redacted(p *manifest.Project, err error) error {
	if msg := p.Redact(err.Error()); msg != err.Error() {
		return &redactedError{msg: msg, err: err}
	}
	return err
}
