package main

import (
	"github.com/spf13/cobra"
)

type showOptions struct {
	format   string
	markdown markdownOptions
}

func newShowCmd(streams *IOStreams) *cobra.Command {
	o := &showOptions{}
	cmd := &cobra.Command{
		Use:   "show PLANFILE",
		Short: "Show a plan saved with plan --out, as plan showed it",
		Long: `Render a plan file saved by "fcdeploy plan --out" (or promote --out) exactly as
plan rendered it: --format text, json (the plan file itself, secrets as hashes) or
markdown (within --max-bytes). Nothing is read from Function Compute: this is the
plan as it was made, with its target, not the live state now.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(o.format); err != nil {
				return err
			}
			if err := o.markdown.check(); err != nil {
				return err
			}
			plan, err := readPlanFile(args[0])
			if err != nil {
				return err
			}
			return renderPlanWith(streams, plan, o.format, o.markdown)
		},
	}
	cmd.Flags().StringVar(&o.format, "format", "text", "output format: text, json or markdown")
	addMarkdownFlags(cmd, &o.markdown)
	return cmd
}
