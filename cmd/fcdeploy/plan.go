package main

import "github.com/spf13/cobra"

func newPlanCmd(streams *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "plan",
		Short: "(issue #4) not built yet",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errNotBuilt("fcdeploy plan (issue #4)")
		},
	}
}
