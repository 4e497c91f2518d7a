package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fcdeploy/fcdeploy/deploy"
	"github.com/fcdeploy/fcdeploy/planner"
	"github.com/fcdeploy/fcdeploy/render"
)

type destroyOptions struct {
	project     projectOptions
	yes         bool
	parallelism int
	format      string
}

func newDestroyCmd(streams *IOStreams) *cobra.Command {
	o := &destroyOptions{}
	cmd := &cobra.Command{
		Use:   "destroy [DIR]",
		Short: "Delete every declared service with its functions, triggers, versions and aliases",
		Long: `Delete the services fcdeploy.yaml declares, in reverse dependency order: aliases,
versions, triggers, functions, then the service. Every delete carries If-Match with
the ETag read just before, so a resource changed meanwhile is not deleted (exit 3).
Services the manifest does not declare are never touched, nor are those that
another project's fcdeploy:project tag claims (exit 1, naming the project).`,
		Args: cobra.MaximumNArgs(1),
		RunE: interruptible(streams, func(cmd *cobra.Command, args []string) error {
			if err := startEvents(streams, "destroy", o.format); err != nil {
				return err
			}
			if err := checkParallelism(o.parallelism); err != nil {
				return err
			}
			if len(args) == 1 {
				o.project.dir = args[0]
			}
			return runDestroy(cmd, streams, o)
		}),
	}
	addProjectFlags(cmd, &o.project)
	addOnlyFlag(cmd, &o.project)
	cmd.Flags().BoolVarP(&o.yes, "yes", "y", false, "destroy without asking for confirmation")
	cmd.Flags().IntVar(&o.parallelism, "parallelism", 8, "independent steps run at once")
	addEventFormatFlag(cmd, &o.format)
	return cmd
}

func runDestroy(cmd *cobra.Command, streams *IOStreams, o *destroyOptions) error {
	ctx := cmd.Context()
	lp, t, err := loadAndConnect(ctx, &o.project, false)
	if err != nil {
		return err
	}
	defer t.Close()
	services := deploy.ServiceNames(lp.Project)
	live, err := planner.ReadLive(ctx, t.Client, services, planner.ReadOptions{Target: t.planTarget()})
	if err != nil {
		return fmt.Errorf("reading the live state from %s: %w", t, err)
	}
	plan, err := planner.DestroyPlan(live, services)
	if err != nil {
		return err
	}
	// --target: the function with its triggers (they go first), or a service.
	if err := plan.Limit(o.project.only); err != nil {
		return err
	}
	// Declaring a service is no claim on it when another project's tag
	// does: destroy refuses before deleting anything.
	if err := planner.CheckOwners(plan, live, lp.Project.Name); err != nil {
		return err
	}
	if err := planner.ResolveETags(ctx, t.Client, plan, live, planner.ReadOptions{}); err != nil {
		return fmt.Errorf("reading the live state from %s: %w", t, err)
	}
	plan.Project = lp.Project.Name
	plan.Target = t.planTarget()
	opt := render.TextOptions{Verb: "destroy", Replan: "fcdeploy destroy"}
	if err := showPlan(streams, plan, opt); err != nil {
		return err
	}
	if !plan.HasChanges() {
		noChanges(streams)
		return nil
	}
	if err := confirm(cmd.Context(), streams, o.yes, "Destroy these resources in "+t.String()+"? This cannot be undone."); err != nil {
		return err
	}
	return applyPlan(cmd, streams, t, plan, nil, o.parallelism, opt, adoptFlags{})
}
