package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/rollout"
	"github.com/fcdeploy/fcdeploy/schema"
)

type rolloutOptions struct {
	file     string
	target   targetOptions
	to       string
	steps    []int
	interval time.Duration
	check    string
	resume   bool
	format   string
}

func newRolloutCmd(streams *IOStreams) *cobra.Command {
	o := &rolloutOptions{}
	cmd := &cobra.Command{
		Use:   "rollout SERVICE/ALIAS --to VERSION",
		Short: "Shift an alias's traffic to a version in steps, rolling back on a failed check",
		Long: `Move the traffic of an alias to another version step by step. Each step sets
additionalVersionWeight on the alias (guarded by If-Match), waits --interval, then
runs --check (a shell command; exit 0 means healthy). At 100 the alias points at
the new version with no extra weight.

A failing check rolls the alias back to the version it had before and exits 1; a
change of the alias by someone else during the rollout rolls it back too and exits
3 (the conflict code). Progress is kept in the alias description,
so a rollout that was killed can be finished with --resume or undone with
"fcdeploy rollback SERVICE/ALIAS". A SIGINT or SIGTERM stops it after the step
in flight without rolling back, says where the traffic stands and names both
commands (exit 130); a second one aborts at once.

The check gets FCDEPLOY_ROLLOUT_SERVICE, _ALIAS, _VERSION, _STEP and _PERCENT in
its environment; its output goes to stderr. --format json writes one JSON event per
line and a summary (docs/json-output.md).`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeAliasRef,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := startEvents(streams, "rollout", o.format); err != nil {
				return err
			}
			return runRollout(cmd, streams, o, args[0])
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.to, "to", "", "`VERSION` to shift traffic to (required unless --resume)")
	f.IntSliceVar(&o.steps, "steps", nil, "traffic percentages of the new version, increasing, ending at 100 (default 10,50,100)")
	f.DurationVar(&o.interval, "interval", 5*time.Minute, "how long each step runs before its check")
	f.StringVar(&o.check, "check", "", "health check `COMMAND` run with sh -c after each step")
	f.BoolVar(&o.resume, "resume", false, "continue the rollout recorded on the alias")
	f.StringVarP(&o.file, "file", "f", "", "manifest `FILE` holding the environments (with --env)")
	addTargetFlags(cmd, &o.target)
	addEventFormatFlag(cmd, &o.format)
	return cmd
}

func newRollbackCmd(streams *IOStreams) *cobra.Command {
	o := &rolloutOptions{}
	cmd := &cobra.Command{
		Use:               "rollback SERVICE/ALIAS",
		Short:             "Undo a rollout in progress: the alias goes back to the version it had before",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeAliasRef,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := startEvents(streams, "rollback", o.format); err != nil {
				return err
			}
			return runRollback(cmd, streams, o, args[0])
		},
	}
	cmd.Flags().StringVarP(&o.file, "file", "f", "", "manifest `FILE` holding the environments (with --env)")
	addTargetFlags(cmd, &o.target)
	addEventFormatFlag(cmd, &o.format)
	return cmd
}

// parseAliasRef splits SERVICE/ALIAS.
func parseAliasRef(ref string) (service, alias string, err error) {
	service, alias, ok := strings.Cut(ref, "/")
	if !ok || service == "" || alias == "" || strings.Contains(alias, "/") {
		return "", "", fmt.Errorf("%q is not SERVICE/ALIAS, e.g. shop/live", ref)
	}
	return service, alias, nil
}

// connectForAlias connects to the target, loading the manifest only when
// --env needs its environments.
func connectForAlias(ctx context.Context, o *rolloutOptions) (*target, error) {
	var proj *manifest.Project
	if o.target.env != "" {
		path, err := resolveManifestPath("", o.file)
		if err != nil {
			return nil, err
		}
		if proj, err = schema.Load(path, manifest.LoadOptions{Env: o.target.env}); err != nil {
			return nil, err
		}
	}
	return o.target.connect(ctx, proj)
}

func runRollout(cmd *cobra.Command, streams *IOStreams, o *rolloutOptions, ref string) error {
	service, alias, err := parseAliasRef(ref)
	if err != nil {
		return err
	}
	if o.to == "" && !o.resume {
		return fmt.Errorf("rollout %s: --to VERSION is required (or --resume to continue the rollout recorded on the alias)", ref)
	}
	ctx := cmd.Context()
	t, err := connectForAlias(ctx, o)
	if err != nil {
		return err
	}
	defer t.Close()
	fmt.Fprintf(streams.Info(), "Rollout of alias %s on %s\n", ref, t)
	spec := rollout.Spec{Service: service, Alias: alias, ToVersion: o.to, Steps: o.steps, Interval: o.interval, Resume: o.resume}
	if o.check != "" {
		spec.Check = func(ctx context.Context, s rollout.Step) error { return runCheck(ctx, streams, o.check, s) }
	}
	in := watchInterrupts(ctx, streams.ErrOut, "rollout step")
	defer in.Close()
	res, err := rollout.Run(in.Context(), t.Client, spec, rollout.Options{OnEvent: rolloutEvents(streams, service, alias), Stop: in.Stop()})
	interrupted := err != nil && in.Interrupted() && (errors.Is(err, rollout.ErrStopped) || errors.Is(err, context.Canceled))
	code := exitOK
	switch {
	case interrupted:
		code = exitInterrupted
	case errors.Is(err, rollout.ErrConcurrentChange):
		// Someone else changed the alias: the CLI's conflict code.
		code = exitConflict
	case err != nil:
		code = exitError
	}
	summary := rolloutSummaryEvent{Type: "summary", Command: "rollout", ExitCode: code, Resource: "alias." + ref}
	switch {
	case interrupted:
		summary.Status = "interrupted"
	case err == nil:
		summary.Status, summary.From, summary.To = "done", res.From, res.To
	case errors.Is(err, rollout.ErrConcurrentChange):
		summary.Status = "conflict"
	case errors.Is(err, rollout.ErrCheckFailed):
		summary.Status = "rolled_back"
	default:
		summary.Status = "error"
	}
	if err != nil {
		summary.Error = err.Error()
	}
	if streams.events != nil {
		streams.events.summary(summary)
	}
	if interrupted {
		return withExitCode(code, fmt.Errorf("%w\nTo continue, run: %s\nTo undo, run: %s", err, resumeCommand(cmd, ref), rollbackCommand(cmd, ref)))
	}
	if err != nil {
		return withExitCode(code, err)
	}
	if streams.events == nil {
		fmt.Fprintf(streams.Out, "Alias %s now serves version %s.\n", ref, res.To)
	}
	return nil
}

// rolloutEvents shows rollout progress: a line each, or JSON events.
func rolloutEvents(streams *IOStreams, service, alias string) func(rollout.Event) {
	if streams.events != nil {
		return func(e rollout.Event) { streams.events.rollout("alias."+service+"/"+alias, e) }
	}
	return func(e rollout.Event) { printRolloutEvent(streams, e) }
}

func runRollback(cmd *cobra.Command, streams *IOStreams, o *rolloutOptions, ref string) error {
	service, alias, err := parseAliasRef(ref)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	t, err := connectForAlias(ctx, o)
	if err != nil {
		return err
	}
	defer t.Close()
	fmt.Fprintf(streams.Info(), "Rollback of alias %s on %s\n", ref, t)
	res, err := rollout.Rollback(ctx, t.Client, service, alias, rollout.Options{OnEvent: rolloutEvents(streams, service, alias)})
	if err != nil {
		return err
	}
	if streams.events != nil {
		streams.events.summary(rolloutSummaryEvent{Type: "summary", Command: "rollback", Status: "rolled_back", Resource: "alias." + ref, From: res.To, To: res.From})
		return nil
	}
	fmt.Fprintf(streams.Out, "Alias %s serves version %s again.\n", ref, res.From)
	return nil
}

// runCheck runs the user's health check for one step.
func runCheck(ctx context.Context, streams *IOStreams, command string, s rollout.Step) error {
	c := exec.CommandContext(ctx, "sh", "-c", command)
	c.Env = append(os.Environ(),
		"FCDEPLOY_ROLLOUT_SERVICE="+s.Service, "FCDEPLOY_ROLLOUT_ALIAS="+s.Alias,
		"FCDEPLOY_ROLLOUT_VERSION="+s.To, "FCDEPLOY_ROLLOUT_STEP="+strconv.Itoa(s.Index),
		"FCDEPLOY_ROLLOUT_PERCENT="+strconv.Itoa(s.Percent))
	c.Stdout, c.Stderr = streams.ErrOut, streams.ErrOut
	if err := c.Run(); err != nil {
		return fmt.Errorf("check %q: %w", command, err)
	}
	return nil
}

func printRolloutEvent(streams *IOStreams, e rollout.Event) {
	out := streams.Info()
	switch e.Kind {
	case rollout.EventCheckFailed, rollout.EventConflict, rollout.EventRolledBack, rollout.EventRollbackFail:
		// What went wrong is shown even with --quiet.
		if streams.Quiet {
			out = streams.ErrOut
		}
	}
	at := e.Time.Format("15:04:05")
	step := ""
	if e.Step > 0 {
		step = fmt.Sprintf("step %d/%d ", e.Step, e.Steps)
	}
	switch e.Kind {
	case rollout.EventResumed:
		fmt.Fprintf(out, "%s resuming the rollout %s -> %s at %s\n", at, e.From, e.To, strings.TrimSpace(step))
	case rollout.EventStepStarted:
		fmt.Fprintf(out, "%s %ssending %d%% of traffic to version %s\n", at, step, e.Percent, e.To)
	case rollout.EventWeightSet:
		fmt.Fprintf(out, "%s %salias updated: %d%% on %s, %d%% on %s\n", at, step, e.Percent, e.To, 100-e.Percent, e.From)
	case rollout.EventWaiting:
		fmt.Fprintf(out, "%s %swaiting %s before the check\n", at, step, e.Wait)
	case rollout.EventCheckPassed:
		fmt.Fprintf(out, "%s %scheck passed\n", at, step)
	case rollout.EventCheckFailed:
		fmt.Fprintf(out, "%s %scheck FAILED: %v\n", at, step, e.Err)
	case rollout.EventConflict:
		fmt.Fprintf(out, "%s %sthe alias was changed by someone else: %v\n", at, step, e.Err)
	case rollout.EventRolledBack:
		fmt.Fprintf(out, "%s rolled back: the alias serves version %s only\n", at, e.From)
	case rollout.EventRollbackFail:
		fmt.Fprintf(out, "%s rollback FAILED: %v\n", at, e.Err)
	case rollout.EventInterrupted:
		fmt.Fprintf(out, "%s interrupted at %s: resume with --resume, or undo with fcdeploy rollback %s/%s\n", at, strings.TrimSpace(step), e.Service, e.Alias)
	case rollout.EventDone:
		fmt.Fprintf(out, "%s done: the alias serves version %s only\n", at, e.To)
	}
}

// resumeCommand is the rollout command that continues an interrupted one:
// the same one with --resume.
func resumeCommand(cmd *cobra.Command, ref string) string {
	line := commandLine(cmd, []string{ref})
	if f := cmd.Flags().Lookup("resume"); f == nil || !f.Changed {
		line += " --resume"
	}
	return line
}

// rollbackCommand undoes the rollout on the same target.
func rollbackCommand(cmd *cobra.Command, ref string) string {
	parts := []string{"fcdeploy", "rollback", shellQuote(ref)}
	for _, name := range []string{"file", "env", "endpoint", "account-id", "region"} {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
			parts = append(parts, "--"+name, shellQuote(f.Value.String()))
		}
	}
	return strings.Join(parts, " ")
}
