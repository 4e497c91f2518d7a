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
}

func newApplyCmd(streams *IOStreams) *cobra.Command {
	o := &applyOptions{}
	cmd := &cobra.Command{
		Use:   "apply [DIR|PLANFILE]",
		Short: "Apply the changes of a plan, guarded by If-Match",
		Long: `With a directory (default: the current one), plan, show the plan, ask for
confirmation (--yes skips it; without a terminal --yes is required) and apply it.
With a PLANFILE saved by "fcdeploy plan --out", apply exactly that plan without a
prompt, refusing (exit 3) a plan made for another target or whose manifest or code
changed since.

Every update and delete carries the ETag seen at plan time: a resource changed
since the plan stops its branch, and the run exits 3 listing what to re-plan.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
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
	addBuildFlags(cmd, &o.project.build, streams, false)
	cmd.Flags().BoolVarP(&o.yes, "yes", "y", false, "apply without asking for confirmation")
	cmd.Flags().BoolVar(&o.prune, "prune", false, "delete functions, triggers and aliases of declared services that the manifest does not declare")
	cmd.Flags().IntVar(&o.parallelism, "parallelism", 8, "independent steps (and builds) run at once")
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
	if err := render.Text(streams.Out, plan, render.TextOptions{Color: streams.ColorEnabled()}); err != nil {
		return err
	}
	if !plan.HasChanges() {
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
	if o.project.file == "" {
		o.project.file = plan.Manifest
	}
	if o.project.target.env == "" {
		o.project.target.env = plan.Target.Env
	}
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
		lp, t, code = pr.lp, pr.dst, pr.code
	} else {
		if lp, t, err = loadAndConnect(ctx, &o.project, true); err != nil {
			return err
		}
		defer t.Close()
		code = lp.codeProvider()
	}
	if err := plan.CheckApplicable(t.planTarget(), planner.Fingerprint(lp.Desired)); err != nil {
		return withExitCode(exitConflict, fmt.Errorf("%w (this target: %s)", err, t))
	}
	if err := plan.FillSecrets(lp.Desired); err != nil {
		return withExitCode(exitConflict, fmt.Errorf("plan %s: %w", path, err))
	}
	fmt.Fprintf(streams.Out, "Applying plan %s to %s\n", path, t)
	if !plan.HasChanges() {
		fmt.Fprintln(streams.Out, "No changes.")
		return nil
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
		return nil, fmt.Errorf("plan file %s: %w", path, err)
	}
	return plan, nil
}

// executePlan applies plan, printing one line per step and a summary.
func executePlan(cmd *cobra.Command, streams *IOStreams, t *target, plan *planner.Plan, code applier.CodeProvider, parallelism int) error {
	opt := render.TextOptions{Color: streams.ColorEnabled()}
	res, err := applier.Apply(cmd.Context(), t.Client, plan, applier.Options{
		Parallelism: parallelism,
		Code:        code,
		OnEvent:     func(e applier.Event) { _ = render.Event(streams.Out, e, opt) },
	})
	if res == nil {
		return err
	}
	if rerr := render.ApplyResult(streams.Out, res, opt); rerr != nil {
		return rerr
	}
	exitCode := res.ExitCode()
	if exitCode == exitOK {
		return nil
	}
	if len(res.Conflicts) > 0 {
		fmt.Fprintf(streams.ErrOut, "These resources changed since the plan was made: %s\nRun plan again to see their current state, then apply.\n", strings.Join(res.Conflicts, ", "))
	}
	if err == nil {
		err = errors.New("apply did not complete")
	}
	return withExitCode(exitCode, err)
}

// confirm asks on the terminal; without one it refuses unless yes is set.
func confirm(streams *IOStreams, yes bool, question string) error {
	if yes {
		return nil
	}
	if !streams.InTTY {
		return errors.New("refusing to change anything without confirmation: stdin is not a terminal; pass --yes to apply")
	}
	fmt.Fprintf(streams.Out, "\n%s\n  Only 'yes' will be accepted: ", question)
	line, _ := bufio.NewReader(streams.In).ReadString('\n')
	if strings.TrimSpace(line) != "yes" {
		return errors.New("cancelled: nothing was changed")
	}
	return nil
}
