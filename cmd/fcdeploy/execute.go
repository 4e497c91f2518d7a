package main

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/fcdeploy/fcdeploy/applier"
	"github.com/fcdeploy/fcdeploy/planner"
	"github.com/fcdeploy/fcdeploy/render"
)

// checkParallelism refuses a --parallelism that would run nothing.
func checkParallelism(n int) error {
	if n < 1 {
		return fmt.Errorf("--parallelism %d: at least one step must run at a time; give 1 or more (default 8)", n)
	}
	return nil
}

// showPlan shows the plan about to be applied: the text rendering, one
// planned_change event per change with --format json, nothing with
// --quiet.
func showPlan(streams *IOStreams, plan *planner.Plan, opt render.TextOptions) error {
	if streams.events != nil {
		streams.events.planned(plan)
		return nil
	}
	opt.Color = streams.ColorEnabled()
	return render.Text(streams.Info(), plan, opt)
}

// announcePlan writes the planned_change events of a saved plan about to
// be applied (its text was shown when it was made).
func announcePlan(streams *IOStreams, plan *planner.Plan) {
	if streams.events != nil {
		streams.events.planned(plan)
	}
}

// noChanges ends a run that had nothing to apply.
func noChanges(streams *IOStreams) {
	if streams.events != nil {
		streams.events.unchanged("no_changes", "")
	}
}

// applyPlan applies plan and reports it: one line (or JSON event) per
// step, the summary on stdout, and every problem once, on stderr. The
// returned error carries only the exit code: all there is to say was said.
func applyPlan(cmd *cobra.Command, streams *IOStreams, t *target, plan *planner.Plan, code applier.CodeProvider, parallelism int, opt render.TextOptions, adopt adoptFlags) error {
	if err := checkParallelism(parallelism); err != nil {
		return err
	}
	opt.Color = streams.ColorEnabled()
	if opt.Replan == "" && plan.PromotedFrom != "" {
		opt.Replan = promoteCommand(plan.PromotedFrom, plan.Target.Env)
	}
	onEvent := func(e applier.Event) { _ = render.Event(streams.Info(), e, opt) }
	if streams.events != nil {
		onEvent = streams.events.step
	}
	in := interruptsOf(cmd.Context())
	if in == nil {
		in = watchInterrupts(cmd.Context(), streams.ErrOut, "steps")
		defer in.Close()
	}
	if plan.Manifest != "" && plan.CheckAdoptions(adopt.adopt, adopt.force) == nil {
		if err := rememberCreated(filepath.Dir(plan.Manifest), plan); err != nil {
			return fmt.Errorf("remembering the services this apply creates: %w", err)
		}
	}
	res, err := applier.Apply(in.Context(), t.Client, plan, applier.Options{
		Parallelism: parallelism,
		Code:        code,
		OnEvent:     onEvent,
		Stop:        in.Stop(),
		Adopt:       adopt.adopt,
		ForceAdopt:  adopt.force,
	})
	if res == nil {
		return err // refused before anything was sent
	}
	if streams.events != nil {
		streams.events.applied(res)
	} else {
		if rerr := render.ApplySummary(streams.Out, res, opt); rerr != nil {
			return rerr
		}
		if rerr := render.ApplyProblems(streams.ErrOut, res, opt); rerr != nil {
			return rerr
		}
	}
	if res.Interrupted {
		return reportInterrupted(streams.ErrOut, res, continueCommand(cmd, plan))
	}
	exitCode := res.ExitCode()
	if exitCode == exitOK {
		return nil
	}
	if err == nil {
		// Defensive: a result that is not OK always comes with an error.
		return withExitCode(exitCode, errors.New("apply did not complete"))
	}
	return withExitCode(exitCode, nil)
}

// continueCommand is the command that applies what an interrupted apply
// did not start: the same command again, which plans from the live state
// (so it skips what was done). A saved plan cannot be applied twice, so
// apply PLANFILE continues with an apply of the manifest it was made from.
func continueCommand(cmd *cobra.Command, plan *planner.Plan) string {
	args := cmd.Flags().Args()
	if cmd.Name() != "apply" || len(args) != 1 || !isPlanFile(args[0]) {
		return commandLine(cmd, args)
	}
	if plan.PromotedFrom != "" {
		return promoteCommand(plan.PromotedFrom, plan.Target.Env)
	}
	line := "fcdeploy apply"
	if plan.Manifest != "" {
		line += " --file " + shellQuote(plan.Manifest)
	}
	if plan.Target.Env != "" {
		line += " --env " + shellQuote(plan.Target.Env)
	}
	return line
}
