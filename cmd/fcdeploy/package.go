package main

import "github.com/spf13/cobra"

func newPackageCmd(streams *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "package",
		Short: "(issue #3) not built yet",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errNotBuilt("fcdeploy package (issue #3)")
		},
	}
}
