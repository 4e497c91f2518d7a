package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fcdeploy/fcdeploy/applier"
	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/planner"
	"github.com/fcdeploy/fcdeploy/render"
)

type applyOptions struct {
	project     projectOptions
	yes         bool
	prune       bool
	parallelism int
	format      string
	adopt       adoptFlags
}

// adoptFlags are apply's consent to take over live services the project
// did not create: --adopt for untagged ones, --force-adopt for those of
// another project too.
type adoptFlags struct {
	adopt, force bool
}

// check refuses plan, before any write, when it adopts services without
// the flag that consents to it; the error names them and the flag.
func (f adoptFlags) check(plan *planner.Plan) error {
	err := plan.CheckAdoptions(f.adopt, f.force)
	var ae *planner.AdoptionError
	if !errors.As(err, &ae) {
		return err
	}
	var parts []string
	for _, s := range ae.Untagged {
		parts = append(parts, fmt.Sprintf("service %s exists but is not tagged as any project's (created outside fcdeploy): pass --adopt to take it over and tag it as project %s's", s, plan.Project))
	}
	for _, s := range slices.Sorted(maps.Keys(ae.Owned)) {
		parts = append(parts, fmt.Sprintf("service %s belongs to project %s: --adopt does not take it; pass --force-adopt to move it to project %s (project %s then no longer owns it)",
			s, ae.Owned[s], plan.Project, ae.Owned[s]))
	}
	return fmt.Errorf("refusing to take over live services, nothing was changed: %s", strings.Join(parts, "; "))
}

// addAdoptFlags adds --adopt and --force-adopt, the consent check names.
func addAdoptFlags(cmd *cobra.Command, f *adoptFlags) {
	cmd.Flags().BoolVar(&f.adopt, "adopt", false, "take over declared services that exist live without any project's tag, and tag them as this project's")
	cmd.Flags().BoolVar(&f.force, "force-adopt", false, "take over declared services even when another project's tag claims them (implies --adopt)")
}

func newApplyCmd(streams *IOStreams) *cobra.Command {
	o := &applyOptions{}
	cmd := &cobra.Command{
		Use:   "apply [DIR|PLANFILE]",
		Short: "Apply the changes of a plan, guarded by If-Match",
		Long: `With a directory (default: the current one), plan, show the plan, ask for
confirmation (--yes skips it; without a terminal --yes is required) and apply it.
With a PLANFILE saved by "fcdeploy plan --out", apply exactly that plan without a
prompt to the target it records (endpoint, account, region, environment, and the
names of the variables holding its credentials); target flags, when given, must
match it (exit 1). Before any write the plan is refused (exit 3) when the live
state it was made against changed (applied already, or changed by someone else),
or when the manifest, its variables or the code changed since.

A declared service that exists live without this project's fcdeploy:project tag
is adopted: the plan marks it, and apply refuses (exit 1, before any write)
unless --adopt (untagged services) or --force-adopt (services another project's
tag claims) consents; adopting tags the service as this project's.

Every update and delete carries the ETag seen at plan time: a resource changed
since the plan stops its branch, and the run exits 3 listing what to re-plan.

A first SIGINT or SIGTERM starts no more steps and lets those in flight finish,
then names what was not started and the command that continues (exit 130); a
second one aborts at once.`,
		Args: cobra.MaximumNArgs(1),
		RunE: interruptible(streams, func(cmd *cobra.Command, args []string) error {
			if err := startEvents(streams, "apply", o.format); err != nil {
				return err
			}
			if err := checkParallelism(o.parallelism); err != nil {
				return err
			}
			o.project.build.parallelism = o.parallelism
			if len(args) == 1 {
				if isPlanFile(args[0]) {
					return runApplyPlanFile(cmd, streams, o, args[0])
				}
				o.project.dir = args[0]
			}
			return runApply(cmd, streams, o)
		}),
	}
	addProjectFlags(cmd, &o.project)
	addOnlyFlag(cmd, &o.project)
	addBuildFlags(cmd, &o.project.build, streams, false)
	cmd.Flags().BoolVarP(&o.yes, "yes", "y", false, "apply without asking for confirmation")
	cmd.Flags().BoolVar(&o.prune, "prune", false, "delete functions, triggers and aliases of declared services that the manifest does not declare")
	cmd.Flags().IntVar(&o.parallelism, "parallelism", 8, "independent steps (and builds) run at once")
	addAdoptFlags(cmd, &o.adopt)
	addEventFormatFlag(cmd, &o.format)
	return cmd
}

func runApply(cmd *cobra.Command, streams *IOStreams, o *applyOptions) error {
	ctx := cmd.Context()
	lp, t, err := loadAndConnect(ctx, &o.project, true)
	if err != nil {
		return err
	}
	defer t.Close()
	plan, err := makePlan(ctx, lp, t, o.prune)
	if err != nil {
		return err
	}
	if err := showPlan(streams, plan, render.TextOptions{}); err != nil {
		return err
	}
	if !plan.HasChanges() {
		noChanges(streams)
		return nil
	}
	if err := o.adopt.check(plan); err != nil {
		return err
	}
	if err := confirm(cmd.Context(), streams, o.yes, "Apply these changes to "+t.String()+"?"); err != nil {
		return err
	}
	return executePlan(cmd, streams, t, plan, lp.codeProvider(), o.parallelism, o.adopt)
}

func runApplyPlanFile(cmd *cobra.Command, streams *IOStreams, o *applyOptions, path string) error {
	ctx := cmd.Context()
	plan, err := readPlanFile(path)
	if err != nil {
		return err
	}
	// The plan carries its target: flags may repeat it, never change it.
	if err := checkPlanTargetFlags(path, o.project.target, plan.Target); err != nil {
		return err
	}
	if len(o.project.only) > 0 {
		return fmt.Errorf("plan file %s: --target limits what plan computes; the saved plan is applied as it is (make it with plan --target)", path)
	}
	if o.project.file == "" {
		o.project.file = plan.Manifest
	}
	o.project.target.env = plan.Target.Env
	// Rebuild what the plan was made from: the working tree, or for a
	// promotion the source environment's live code.
	var (
		lp   *loadedProject
		t    *target
		code applier.CodeProvider
	)
	if plan.PromotedFrom != "" {
		manifestPath, err := resolveManifestPath("", o.project.file)
		if err != nil {
			return err
		}
		pr, err := loadPromotion(ctx, manifestPath, plan.PromotedFrom, plan.Target.Env, plan.Artifacts)
		if err != nil {
			return err
		}
		defer pr.Close()
		if err := checkPromotionPlan(ctx, plan, pr, path); err != nil {
			return err
		}
		lp, t, code = pr.lp, pr.dst, pr.code
	} else {
		if lp, err = loadProject(ctx, &o.project, true); err != nil {
			return err
		}
		var fallback manifest.Credentials
		if lp.Project.Env != nil {
			fallback = lp.Project.Env.Credentials
		}
		if t, err = connectPlanTarget(ctx, plan.Target, fallback); err != nil {
			return fmt.Errorf("plan file %s: %w", path, err)
		}
		defer t.Close()
		code = lp.codeProvider()
	}
	if err := plan.CheckApplicable(t.planTarget(), planner.Fingerprint(lp.Desired, plan.SecretSalt)); err != nil {
		return withExitCode(exitConflict, fmt.Errorf("%w (this target: %s)", err, t))
	}
	if err := plan.FillSecrets(lp.Desired); err != nil {
		return withExitCode(exitConflict, fmt.Errorf("plan file %s: %w", path, err))
	}
	fmt.Fprintf(streams.Info(), "Applying plan %s to %s\n", path, t)
	announcePlan(streams, plan)
	if !plan.HasChanges() {
		fmt.Fprintln(streams.Info(), "No changes.")
		noChanges(streams)
		return nil
	}
	if err := o.adopt.check(plan); err != nil {
		return fmt.Errorf("plan file %s: %w", path, err)
	}
	// Applied already, or overtaken by another change: refuse before the
	// first write rather than fail half-way with conflicts.
	if err := checkPlanLive(ctx, t, plan); err != nil {
		return err
	}
	return executePlan(cmd, streams, t, plan, code, o.parallelism, o.adopt)
}

// isPlanFile says apply's argument names a saved plan rather than a
// project directory or manifest.
func isPlanFile(arg string) bool {
	fi, err := os.Stat(arg)
	return err == nil && !fi.IsDir() && filepath.Base(arg) != manifest.DefaultFile
}

func readPlanFile(path string) (*planner.Plan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("plan file %s: %w", path, err)
	}
	defer f.Close()
	plan, err := planner.ReadPlan(f)
	if err != nil {
		// ReadPlan's errors start with "plan file:".
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return plan, nil
}

// executePlan applies plan (see applyPlan in execute.go).
func executePlan(cmd *cobra.Command, streams *IOStreams, t *target, plan *planner.Plan, code applier.CodeProvider, parallelism int, adopt adoptFlags) error {
	return applyPlan(cmd, streams, t, plan, code, parallelism, render.TextOptions{}, adopt)
}

// confirm asks on the terminal; without one it refuses unless yes is set.
// An interrupt while it waits ends the command (ctx is cancelled).
func confirm(ctx context.Context, streams *IOStreams, yes bool, question string) error {
	if yes {
		return nil
	}
	if !streams.InTTY {
		return errors.New("refusing to change anything without confirmation: stdin is not a terminal; pass --yes to go ahead")
	}
	fmt.Fprintf(streams.Prompt(), "\n%s\n  Only 'yes' will be accepted: ", question)
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(streams.In).ReadString('\n')
		answer <- line
	}()
	var line string
	select {
	case line = <-answer:
	case <-ctx.Done():
		return fmt.Errorf("cancelled: nothing was changed: %w", ctx.Err())
	}
	if strings.TrimSpace(line) != "yes" {
		return errors.New("cancelled: nothing was changed")
	}
	return nil
}
