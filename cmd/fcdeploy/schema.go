package main

import (
	"github.com/spf13/cobra"

	"github.com/fcdeploy/fcdeploy/schema"
)

func newSchemaCmd(streams *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of fcdeploy.yaml, for editors",
		Long: `Print the JSON Schema of fcdeploy.yaml.

Save it and point your editor at it for completion and inline errors, e.g. with
the YAML language server (VS Code, Neovim, ...):

  fcdeploy schema > fcdeploy.schema.json

and as the first line of fcdeploy.yaml:

  # yaml-language-server: $schema=./fcdeploy.schema.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := streams.Out.Write(schema.ManifestSchema())
			return err
		},
	}
}
