package main

import "github.com/spf13/cobra"

func newServeCmd(streams *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "(issue #2) not built yet",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errNotBuilt("fcdeploy serve (issue #2)")
		},
	}
}
