package main

import "github.com/spf13/cobra"

func newApplyCmd(streams *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "apply",
		Short: "(issue #4) not built yet",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errNotBuilt("fcdeploy apply (issue #4)")
		},
	}
}
