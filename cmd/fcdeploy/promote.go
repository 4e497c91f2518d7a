package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fcdeploy/fcdeploy/deploy"
	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/packager"
	"github.com/fcdeploy/fcdeploy/planner"
	"github.com/fcdeploy/fcdeploy/promote"
	"github.com/fcdeploy/fcdeploy/render"
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
	adopt       adoptFlags
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

The preview is an ordinary plan (text or markdown; --out saves it for
"fcdeploy apply PLANFILE") applied with the same If-Match guards. --format json
writes one JSON event per line and a summary instead (docs/json-output.md).`,
		Args: cobra.MaximumNArgs(1),
		RunE: interruptible(streams, func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.dir = args[0]
			}
			return runPromote(cmd, streams, o)
		}),
	}
	f := cmd.Flags()
	f.StringVarP(&o.file, "file", "f", "", "manifest `FILE` (instead of DIR/fcdeploy.yaml)")
	f.StringVar(&o.from, "from", "", "environment `NAME` whose live code is promoted (required)")
	f.StringVar(&o.to, "to", "", "environment `NAME` to deploy to (required)")
	f.StringVar(&o.artifacts, "artifacts", "", "artifacts.json `FILE` written by fcdeploy package: promote these bytes, after checking the source runs them")
	f.BoolVarP(&o.yes, "yes", "y", false, "apply without asking for confirmation")
	f.StringVar(&o.out, "out", "", "save the plan to `FILE` instead of applying it")
	f.StringVar(&o.format, "format", "text", "output format: text or markdown (the preview), or json (one JSON event per line, then a summary)")
	f.BoolVar(&o.prune, "prune", false, "delete functions, triggers and aliases of declared services that the manifest does not declare")
	f.IntVar(&o.parallelism, "parallelism", 8, "independent steps run at once")
	addAdoptFlags(cmd, &o.adopt)
	_ = cmd.MarkFlagRequired("from")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}

func runPromote(cmd *cobra.Command, streams *IOStreams, o *promoteOptions) error {
	preview := o.format
	switch o.format {
	case "json":
		if err := startEvents(streams, "promote", o.format); err != nil {
			return err
		}
	case "text", "markdown":
	default:
		return fmt.Errorf("--format %q is not supported; use text, markdown or json", o.format)
	}
	if err := checkParallelism(o.parallelism); err != nil {
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
	if preview == "text" {
		w := streams.Info()
		fmt.Fprintf(w, "Promoting code from %s\n            to %s\n\n", pr.src, pr.dst)
		printPromotedCode(streams, pr.code)
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
	switch preview {
	case "markdown":
		err = render.Markdown(streams.Out, plan)
	default:
		err = showPlan(streams, plan, render.TextOptions{})
	}
	if err != nil {
		return err
	}
	if o.out != "" {
		if err := savePlan(o.out, plan); err != nil {
			return err
		}
		if streams.events != nil {
			streams.events.unchanged("saved", o.out)
		}
		fmt.Fprintf(streams.ErrOut, "Saved the plan to %s; apply it with: fcdeploy apply %s\n", o.out, o.out)
		return nil
	}
	if !plan.HasChanges() {
		noChanges(streams)
		return nil
	}
	// Services of the --to environment made outside this project are
	// taken over only with consent, as by apply, and refused before asking.
	if err := o.adopt.check(plan); err != nil {
		return err
	}
	if err := confirm(cmd.Context(), streams, o.yes, "Promote to "+pr.dst.String()+"?"); err != nil {
		return err
	}
	return applyPlan(cmd, streams, pr.dst, plan, pr.code, o.parallelism, render.TextOptions{Replan: promoteCommand(o.from, o.to)}, o.adopt)
}

// promoteCommand is the command that makes a new promotion plan.
func promoteCommand(from, to string) string {
	return "fcdeploy promote --from " + from + " --to " + to
}

// promotionRun is a promotion ready to plan: both targets, the source's
// code and the destination's desired state.
type promotionRun struct {
	src, dst *target
	code     *promote.Source
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
	if r.code, err = promote.ReadSource(ctx, r.src.Client, from, dstProj, artifacts); err != nil {
		return nil, err
	}
	desired, err := deploy.DesiredWithLayers(ctx, dstProj, r.code.CodeFor, r.code.LayerFor)
	if err != nil {
		return nil, err
	}
	r.lp = &loadedProject{Path: path, Project: dstProj, Desired: desired}
	return r, nil
}

// checkPromotionPlan refuses a saved promotion plan that no longer
// matches: for another target, or stale because the source was redeployed
// (each such function named) or the manifest changed; the message says to
// promote again, never just "plan again".
func checkPromotionPlan(ctx context.Context, saved *planner.Plan, pr *promotionRun, path string) error {
	// The target first: its own fingerprint makes only the target count.
	if err := saved.CheckApplicable(pr.dst.planTarget(), saved.Fingerprint); err != nil {
		return withExitCode(exitConflict, fmt.Errorf("%w (this target: %s)", err, pr.dst))
	}
	if saved.Fingerprint == planner.Fingerprint(pr.lp.Desired, saved.SecretSalt) {
		return nil
	}
	again := fmt.Sprintf("make a new plan with: %s --out %s", promoteCommand(saved.PromotedFrom, saved.Target.Env), path)
	fresh, ferr := makePlan(ctx, pr.lp, pr.dst, false)
	if ferr != nil {
		return withExitCode(exitConflict, fmt.Errorf("plan file %s is stale: %s", path, again))
	}
	stale := promote.StaleCode(saved, fresh)
	if len(stale) == 0 {
		return withExitCode(exitConflict, fmt.Errorf("plan file %s is stale: the manifest or its variables changed since it was made; %s", path, again))
	}
	var lines []string
	for _, f := range stale {
		switch {
		case f.Now == "":
			lines = append(lines, fmt.Sprintf("function %s/%s: %s already runs the code this plan promotes", f.Service, f.Function, saved.Target.Env))
		case f.Planned == "":
			lines = append(lines, fmt.Sprintf("function %s/%s: %s now runs code with checksum %s, which this plan does not promote", f.Service, f.Function, saved.PromotedFrom, f.Now))
		default:
			lines = append(lines, fmt.Sprintf("function %s/%s: %s now runs code with checksum %s, not the %s this plan promotes", f.Service, f.Function, saved.PromotedFrom, f.Now, f.Planned))
		}
	}
	return withExitCode(exitConflict, fmt.Errorf("plan file %s is stale:\n  %s\n%s", path, strings.Join(lines, "\n  "), again))
}

func printPromotedCode(streams *IOStreams, src *promote.Source) {
	w := streams.Info()
	fmt.Fprintf(w, "Code (the bytes live in %s, never rebuilt):\n", src.Env())
	for _, f := range src.Functions() {
		fmt.Fprintf(w, "  %-30s code: same as %s (checksum %s, %s)\n", f.Address(), src.Env(), f.Checksum, packager.HumanSize(f.Size))
	}
	fmt.Fprintln(w)
}

// printConfigDifferences shows where the destination's configuration (the
// manifest with its variables) differs from what runs in the source.
func printConfigDifferences(ctx context.Context, streams *IOStreams, pr *promotionRun, from, to string) error {
	srcLive, err := planner.ReadLive(ctx, pr.src.Client, deploy.ServiceNames(pr.lp.Project), planner.ReadOptions{Target: pr.src.planTarget()})
	if err != nil {
		return fmt.Errorf("reading the live state of %s: %w", from, err)
	}
	diffs, err := promote.ConfigDifferences(pr.lp.Desired, srcLive, pr.src.planTarget())
	if err != nil {
		return err
	}
	w := streams.Info()
	fmt.Fprintf(w, "Configuration of %s that differs from %s:\n", to, from)
	for _, d := range diffs {
		fmt.Fprintf(w, "  %-30s %s: %s in %s, %s in %s\n", d.Address, d.Path, d.Source, from, d.Dest, to)
	}
	if len(diffs) == 0 {
		fmt.Fprintln(w, "  (none)")
	}
	fmt.Fprintln(w)
	return nil
}
