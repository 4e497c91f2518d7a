package main

import "github.com/spf13/cobra"

func newRolloutCmd(streams *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "rollout",
		Short: "(issue #5) not built yet",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errNotBuilt("fcdeploy rollout (issue #5)")
		},
	}
}
