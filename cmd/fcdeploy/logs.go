package main

import "github.com/spf13/cobra"

func newLogsCmd(streams *IOStreams) *cobra.Command {
	return &cobra.Command{Use: "logs", Hidden: true, RunE: func(*cobra.Command, []string) error { return errNotBuilt("logs") }}
}
