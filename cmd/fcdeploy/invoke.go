package main

import "github.com/spf13/cobra"

func newInvokeCmd(streams *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "invoke",
		Short: "(issue #6) not built yet",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errNotBuilt("fcdeploy invoke (issue #6)")
		},
	}
}
