package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/fcdeploy/fcdeploy/planner"
	"github.com/fcdeploy/fcdeploy/render"
)

type planOptions struct {
	project          projectOptions
	format           string
	out              string
	detailedExitcode bool
	prune            bool
	markdown         markdownOptions
}

// markdownOptions are the flags of the Markdown rendering, shared by plan
// and show.
type markdownOptions struct {
	maxBytes int
	fullPlan string
}

func addMarkdownFlags(cmd *cobra.Command, o *markdownOptions) {
	cmd.Flags().IntVar(&o.maxBytes, "max-bytes", render.DefaultMarkdownMaxBytes, "with --format markdown, the most bytes to write: past it, details are counted instead of shown")
	cmd.Flags().StringVar(&o.fullPlan, "full-plan", "", "with --format markdown, where readers find the full plan when details are left out (Markdown `TEXT`)")
}

func (o markdownOptions) check() error {
	if o.maxBytes < render.MinMarkdownMaxBytes {
		return fmt.Errorf("--max-bytes %d is too small: the heading, summary and note need at least %d", o.maxBytes, render.MinMarkdownMaxBytes)
	}
	return nil
}

func newPlanCmd(streams *IOStreams) *cobra.Command {
	o := &planOptions{}
	cmd := &cobra.Command{
		Use:   "plan [DIR]",
		Short: "Show what apply would change, without changing anything",
		Long: `Validate fcdeploy.yaml, package the code, read the live state of the declared
services and show every change apply would make: creates, updates with field
diffs, deletes, code uploads (only when the checksum differs), versions to publish
and aliases to move. Nothing is written to Function Compute.

The manifest is DIR/fcdeploy.yaml, or -f FILE ("-f -" reads it from stdin;
relative code paths then resolve from the current directory); without either it
is looked for in the current directory and its parents, up to the repository
root. --target SERVICE[/FUNCTION] limits the plan to those resources and what
they depend on.

--out saves the plan (format_version 1 JSON, secrets only as hashes) with its
target for "fcdeploy apply PLANFILE"; "fcdeploy show PLANFILE" renders it again.
--format markdown fits a pull-request comment: at most --max-bytes, with what
does not fit counted in a closing note. --detailed-exitcode exits 2 when there
are changes.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.project.dir = args[0]
			}
			return runPlan(cmd, streams, o)
		},
	}
	addProjectFlags(cmd, &o.project)
	addOnlyFlag(cmd, &o.project)
	addMarkdownFlags(cmd, &o.markdown)
	addBuildFlags(cmd, &o.project.build, streams, true)
	cmd.Flags().StringVar(&o.format, "format", "text", "output format: text, json or markdown")
	cmd.Flags().StringVar(&o.out, "out", "", "save the plan to `FILE` for apply")
	cmd.Flags().BoolVar(&o.detailedExitcode, "detailed-exitcode", false, "exit 0 with no changes, 2 with changes, 1 on error")
	cmd.Flags().BoolVar(&o.prune, "prune", false, "delete functions, triggers and aliases of declared services that the manifest does not declare")
	return cmd
}

func runPlan(cmd *cobra.Command, streams *IOStreams, o *planOptions) error {
	if err := checkFormat(o.format); err != nil {
		return err
	}
	if err := o.markdown.check(); err != nil {
		return err
	}
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
	if o.out != "" {
		if err := savePlan(o.out, plan); err != nil {
			return err
		}
	}
	if err := renderPlanWith(streams, plan, o.format, o.markdown); err != nil {
		return err
	}
	if o.out != "" {
		// On stderr, so that stdout is the plan alone: "fcdeploy show"
		// renders the saved plan to the same bytes.
		fmt.Fprintf(streams.ErrOut, "Saved the plan to %s. Apply exactly this plan with:\n  fcdeploy apply %s\n", o.out, o.out)
	}
	if o.detailedExitcode && plan.HasChanges() {
		return withExitCode(exitChanges, nil)
	}
	return nil
}

func checkFormat(format string) error {
	switch format {
	case "text", "json", "markdown":
		return nil
	}
	return fmt.Errorf("--format %q is not supported; use text, json or markdown", format)
}

func renderPlan(streams *IOStreams, plan *planner.Plan, format string) error {
	return renderPlanWith(streams, plan, format, markdownOptions{})
}

func renderPlanWith(streams *IOStreams, plan *planner.Plan, format string, md markdownOptions) error {
	switch format {
	case "json":
		return render.JSON(streams.Out, plan)
	case "markdown":
		return render.MarkdownWith(streams.Out, plan, render.MarkdownOptions{MaxBytes: md.maxBytes, FullPlan: md.fullPlan})
	}
	return render.Text(streams.Out, plan, render.TextOptions{Color: streams.ColorEnabled(), SummaryOnly: streams.Quiet})
}

// savePlan writes the plan file atomically, so a failed write never leaves
// half a plan that apply could pick up.
func savePlan(path string, plan *planner.Plan) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("plan file %s: %w", path, err)
	}
	werr := planner.WritePlan(f, plan)
	cerr := f.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp)
		return fmt.Errorf("plan file %s: %w", path, firstErr(werr, cerr))
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("plan file %s: %w", path, err)
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
