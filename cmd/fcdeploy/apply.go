package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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

Every update and delete carries the ETag seen at plan time: a resource changed
since the plan stops its branch, and the run exits 3 listing what to re-plan.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := startEvents(streams, "apply", o.format); err != nil {
				return err
			}
			if err := checkParallelism(o.parallelism); err != nil {
				return err
			}
			o.project.build.parallelism = o.parallelism
			if len(args) == 1 {
				if fi, err := os.Stat(args[0]); err == nil && !fi.IsDir() && filepath.Base(args[0]) != manifest.DefaultFile {
					return runApplyPlanFile(cmd, streams, o, args[0])
				}
				o.project.dir = args[0]
			}
			return runApply(cmd, streams, o)
		},
	}
	addProjectFlags(cmd, &o.project)
	addOnlyFlag(cmd, &o.project)
	addBuildFlags(cmd, &o.project.build, streams, false)
	cmd.Flags().BoolVarP(&o.yes, "yes", "y", false, "apply without asking for confirmation")
	cmd.Flags().BoolVar(&o.prune, "prune", false, "delete functions, triggers and aliases of declared services that the manifest does not declare")
	cmd.Flags().IntVar(&o.parallelism, "parallelism", 8, "independent steps (and builds) run at once")
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
	if err := confirm(streams, o.yes, "Apply these changes to "+t.String()+"?"); err != nil {
		return err
	}
	return executePlan(cmd, streams, t, plan, lp.codeProvider(), o.parallelism)
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
	if err := plan.CheckApplicable(t.planTarget(), planner.Fingerprint(lp.Desired)); err != nil {
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
	// Applied already, or overtaken by another change: refuse before the
	// first write rather than fail half-way with conflicts.
	if err := checkPlanLive(ctx, t, plan); err != nil {
		return err
	}
	return executePlan(cmd, streams, t, plan, code, o.parallelism)
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
func executePlan(cmd *cobra.Command, streams *IOStreams, t *target, plan *planner.Plan, code applier.CodeProvider, parallelism int) error {
	return applyPlan(cmd, streams, t, plan, code, parallelism, render.TextOptions{})
}

// confirm asks on the terminal; without one it refuses unless yes is set.
func confirm(streams *IOStreams, yes bool, question string) error {
	if yes {
		return nil
	}
	if !streams.InTTY {
		return errors.New("refusing to change anything without confirmation: stdin is not a terminal; pass --yes to go ahead")
	}
	fmt.Fprintf(streams.Prompt(), "\n%s\n  Only 'yes' will be accepted: ", question)
	line, _ := bufio.NewReader(streams.In).ReadString('\n')
	if strings.TrimSpace(line) != "yes" {
		return errors.New("cancelled: nothing was changed")
	}
	return nil
}
