package main

import "github.com/spf13/cobra"

func newSchemaCmd(streams *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "(issue #3) not built yet",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errNotBuilt("fcdeploy schema (issue #3)")
		},
	}
}
