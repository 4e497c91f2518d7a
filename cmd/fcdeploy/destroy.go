package main

import "github.com/spf13/cobra"

func newDestroyCmd(streams *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "destroy",
		Short: "(issue #4) not built yet",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errNotBuilt("fcdeploy destroy (issue #4)")
		},
	}
}
