package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/hashicorp/go-multierror"
	"github.com/spf13/cobra"

	"github.com/fcdeploy/fcdeploy/deploy"
	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/packager"
	"github.com/fcdeploy/fcdeploy/planner"
	"github.com/fcdeploy/fcdeploy/schema"
)

type promoteOptions struct {
	dir         string
	file        string
	from, to    string
	artifacts   string
	yes         bool
	out         string
	format      string
	prune       bool
	parallelism int
}

func newPromoteCmd(streams *IOStreams) *cobra.Command {
	o := &promoteOptions{}
	cmd := &cobra.Command{
		Use:   "promote [DIR] --from ENV --to ENV",
		Short: "Deploy to one environment exactly the code live in another",
		Long: `Promote the code live in the --from environment to the --to environment: every
function gets the very bytes running in --from (same codeChecksum), downloaded from
it with GetFunctionCode or read from the artifacts.json record of "fcdeploy package"
(--artifacts), never rebuilt from the working tree. The configuration comes from the
manifest with the --to environment's variables.

The preview is an ordinary plan (text, json or markdown; --out saves it for
"fcdeploy apply PLANFILE") applied with the same If-Match guards.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.dir = args[0]
			}
			return runPromote(cmd, streams, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.file, "file", "f", "", "manifest `FILE` (instead of DIR/fcdeploy.yaml)")
	f.StringVar(&o.from, "from", "", "environment whose live code is promoted (required)")
	f.StringVar(&o.to, "to", "", "environment to deploy to (required)")
	f.StringVar(&o.artifacts, "artifacts", "", "artifacts.json of `fcdeploy package`: promote these bytes, after checking the source runs them")
	f.BoolVarP(&o.yes, "yes", "y", false, "apply without asking for confirmation")
	f.StringVar(&o.out, "out", "", "save the plan to `FILE` instead of applying it")
	f.StringVar(&o.format, "format", "text", "preview format: text, json or markdown")
	f.BoolVar(&o.prune, "prune", false, "delete functions, triggers and aliases of declared services that the manifest does not declare")
	f.IntVar(&o.parallelism, "parallelism", 8, "independent steps run at once")
	_ = cmd.MarkFlagRequired("from")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}

// promotion is the code of a source environment, served to the applier.
type promotion struct {
	from      *target
	env       string
	artifacts *packager.Artifacts
	artDir    string
	live      map[string]*fc.Function // by service/function
	mu        sync.Mutex
	cache     map[string][]byte
}

func (p *promotion) key(service, function string) string { return service + "/" + function }

// codeFor is the deploy.CodeFunc of a promotion: the source's checksum.
func (p *promotion) codeFor(_ context.Context, service string, f *manifest.Function) (planner.DesiredCode, error) {
	live := p.live[p.key(service, f.Name)]
	return planner.DesiredCode{Checksum: live.CodeChecksum, Size: live.CodeSize, Source: p.env}, nil
}

// Code returns the bytes to upload: from the artifact record, or downloaded
// from the source environment; either way checked against the checksum.
func (p *promotion) Code(ctx context.Context, service, function, checksum string) ([]byte, error) {
	k := p.key(service, function)
	p.mu.Lock()
	if b, ok := p.cache[k]; ok {
		p.mu.Unlock()
		return b, nil
	}
	p.mu.Unlock()
	var data []byte
	var err error
	if p.artifacts != nil {
		rec := p.artifacts.Find(service, function)
		data, err = os.ReadFile(filepath.Join(p.artDir, rec.File))
	} else {
		var code *fc.FunctionCode
		code, err = p.from.Client.GetFunctionCode(ctx, service, "", function)
		if err == nil {
			data, err = p.from.Client.DownloadCode(ctx, code)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("function %s/%s: fetching the code of %s: %w", service, function, p.env, err)
	}
	if got := fc.CodeChecksum(data); got != checksum {
		return nil, fmt.Errorf("function %s/%s: the code to promote has checksum %s, the plan expects %s: run promote again", service, function, got, checksum)
	}
	p.mu.Lock()
	p.cache[k] = data
	p.mu.Unlock()
	return data, nil
}

func runPromote(cmd *cobra.Command, streams *IOStreams, o *promoteOptions) error {
	if err := checkFormat(o.format); err != nil {
		return err
	}
	ctx := cmd.Context()
	path, err := resolveManifestPath(o.dir, o.file)
	if err != nil {
		return err
	}
	pr, err := loadPromotion(ctx, path, o.from, o.to, o.artifacts)
	if err != nil {
		return err
	}
	defer pr.Close()
	if o.format == "text" {
		fmt.Fprintf(streams.Out, "Promoting code from %s\n            to %s\n\n", pr.src, pr.dst)
		printPromotedCode(streams, pr.code, pr.lp.Project)
		if err := printConfigDifferences(ctx, streams, pr, o.from, o.to); err != nil {
			return err
		}
	}
	plan, err := makePlan(ctx, pr.lp, pr.dst, o.prune)
	if err != nil {
		return err
	}
	plan.PromotedFrom = o.from
	plan.Artifacts = o.artifacts
	if err := renderPlan(streams, plan, o.format); err != nil {
		return err
	}
	if o.out != "" {
		if err := savePlan(o.out, plan); err != nil {
			return err
		}
		fmt.Fprintf(streams.ErrOut, "Saved the plan to %s; apply it with: fcdeploy apply %s\n", o.out, o.out)
		return nil
	}
	if !plan.HasChanges() {
		return nil
	}
	if err := confirm(streams, o.yes, "Promote to "+pr.dst.String()+"?"); err != nil {
		return err
	}
	return executePlan(cmd, streams, pr.dst, plan, pr.code, o.parallelism)
}

// promotionRun is a promotion ready to plan: both targets, the source's
// code and the destination's desired state.
type promotionRun struct {
	src, dst *target
	code     *promotion
	lp       *loadedProject
}

func (r *promotionRun) Close() {
	if r.src != nil {
		r.src.Close()
	}
	if r.dst != nil {
		r.dst.Close()
	}
}

// loadPromotion loads the manifest for both environments, connects to both,
// and reads the source's live code; the desired state is the manifest with
// the destination's variables and the source's code.
func loadPromotion(ctx context.Context, path, from, to, artifacts string) (_ *promotionRun, err error) {
	if from == to {
		return nil, fmt.Errorf("--from and --to are both %q: promotion needs two environments", from)
	}
	srcProj, err := schema.Load(path, manifest.LoadOptions{Env: from})
	if err != nil {
		return nil, err
	}
	dstProj, err := schema.Load(path, manifest.LoadOptions{Env: to})
	if err != nil {
		return nil, err
	}
	r := &promotionRun{}
	defer func() {
		if err != nil {
			r.Close()
		}
	}()
	if r.src, err = (&targetOptions{env: from}).connect(ctx, srcProj); err != nil {
		return nil, err
	}
	if r.dst, err = (&targetOptions{env: to}).connect(ctx, dstProj); err != nil {
		return nil, err
	}
	if r.code, err = readSource(ctx, r.src, from, artifacts, dstProj); err != nil {
		return nil, err
	}
	desired, err := deploy.Desired(ctx, dstProj, r.code.codeFor)
	if err != nil {
		return nil, err
	}
	r.lp = &loadedProject{Path: path, Project: dstProj, Desired: desired}
	return r, nil
}

// readSource reads the live code of every function of the project in the
// source environment, checked against the artifact record when given.
func readSource(ctx context.Context, src *target, from, artifacts string, proj *manifest.Project) (*promotion, error) {
	p := &promotion{from: src, env: from, live: map[string]*fc.Function{}, cache: map[string][]byte{}}
	if artifacts != "" {
		a, err := packager.ReadArtifacts(artifacts)
		if err != nil {
			return nil, err
		}
		p.artifacts, p.artDir = a, filepath.Dir(artifacts)
	}
	var errs *multierror.Error
	for _, s := range proj.Services {
		for _, f := range s.Functions {
			live, err := src.Client.GetFunction(ctx, s.Name, "", f.Name)
			if fc.IsNotFound(err) {
				errs = multierror.Append(errs, fmt.Errorf("function %s/%s is not deployed in %s: deploy it there first (fcdeploy apply --env %s)", s.Name, f.Name, from, from))
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("function %s/%s in %s: %w", s.Name, f.Name, from, err)
			}
			if p.artifacts != nil {
				rec := p.artifacts.Find(s.Name, f.Name)
				switch {
				case rec == nil:
					errs = multierror.Append(errs, fmt.Errorf("function %s/%s has no record in %s: package it with fcdeploy package", s.Name, f.Name, artifacts))
					continue
				case rec.Checksum != live.CodeChecksum:
					errs = multierror.Append(errs, fmt.Errorf("function %s/%s: %s runs code with checksum %s, but %s records %s: refusing to promote code that was not tested there", s.Name, f.Name, from, live.CodeChecksum, artifacts, rec.Checksum))
					continue
				}
			}
			p.live[p.key(s.Name, f.Name)] = live
		}
	}
	if err := errs.ErrorOrNil(); err != nil {
		return nil, fmt.Errorf("cannot promote from %s:\n%w", from, err)
	}
	return p, nil
}

func printPromotedCode(streams *IOStreams, p *promotion, proj *manifest.Project) {
	keys := make([]string, 0, len(p.live))
	for k := range p.live {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(streams.Out, "Code (the bytes live in %s, never rebuilt):\n", p.env)
	for _, k := range keys {
		f := p.live[k]
		fmt.Fprintf(streams.Out, "  %-30s code: same as %s (checksum %s, %s)\n", k, p.env, f.CodeChecksum, packager.HumanSize(f.CodeSize))
	}
	fmt.Fprintln(streams.Out)
}

// printConfigDifferences shows where the destination's configuration (the
// manifest with its variables) differs from what runs in the source: the
// desired state diffed against the source's live state.
func printConfigDifferences(ctx context.Context, streams *IOStreams, pr *promotionRun, from, to string) error {
	srcLive, err := planner.ReadLive(ctx, pr.src.Client, deploy.ServiceNames(pr.lp.Project), planner.ReadOptions{})
	if err != nil {
		return fmt.Errorf("reading the live state of %s: %w", from, err)
	}
	diff, err := planner.Diff(pr.lp.Desired, srcLive, planner.Options{})
	if err != nil {
		return err
	}
	fmt.Fprintf(streams.Out, "Configuration of %s that differs from %s:\n", to, from)
	n := 0
	for _, c := range diff.Changes {
		// Aliases and versions follow each environment's own history.
		if c.Action != planner.ActionUpdate || c.Kind == planner.KindAlias || c.Kind == planner.KindVersion {
			continue
		}
		for _, f := range c.FieldChanges {
			if f.AfterUnknown {
				continue
			}
			before, after := fmt.Sprint(f.Before), fmt.Sprint(f.After)
			if f.Sensitive {
				before, after = "(sensitive)", "(sensitive)"
			}
			fmt.Fprintf(streams.Out, "  %-30s %s: %s in %s, %s in %s\n", c.Address, f.Path, before, from, after, to)
			n++
		}
	}
	if n == 0 {
		fmt.Fprintln(streams.Out, "  (none)")
	}
	fmt.Fprintln(streams.Out)
	return nil
}
