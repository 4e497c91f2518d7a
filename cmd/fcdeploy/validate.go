package main

import "github.com/spf13/cobra"

func newValidateCmd(streams *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "validate",
		Short: "(issue #3) not built yet",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errNotBuilt("fcdeploy validate (issue #3)")
		},
	}
}
