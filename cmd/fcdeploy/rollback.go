package main

import "github.com/spf13/cobra"

func newRollbackCmd(streams *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "rollback",
		Short: "(issue #5) not built yet",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errNotBuilt("fcdeploy rollback (issue #5)")
		},
	}
}
