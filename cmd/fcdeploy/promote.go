package main

import "github.com/spf13/cobra"

func newPromoteCmd(streams *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "promote",
		Short: "(issue #5) not built yet",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errNotBuilt("fcdeploy promote (issue #5)")
		},
	}
}
