package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/fcdeploy/fcdeploy/importer"
	"github.com/fcdeploy/fcdeploy/manifest"
)

type importOptions struct {
	services []string
	force    bool
	target   targetOptions
}

func newImportCmd(streams *IOStreams) *cobra.Command {
	opts := &importOptions{}
	cmd := &cobra.Command{
		Use:   "import [DIR]",
		Short: "Write the fcdeploy project of a live account: fcdeploy.yaml and every function's code",
		Long: `Read the services of the target account (all of them, or those named with --service)
and write DIR/fcdeploy.yaml (default: the current directory) with their tags, functions,
triggers, aliases (pinned to their live versions, with their provisioned instances),
publish: when they have versions, async invoke configs and the custom domains that route
to them, and each function's code unpacked under DIR/functions/SERVICE/FUNCTION. What
fcdeploy.yaml cannot describe (HTTPS domains, say) is named in a note and left as it is.

Environment variables whose names look secret (PASSWORD, SECRET, TOKEN, KEY,
CREDENTIAL...) are not written: they become ${env.NAME}; set those variables before
planning. A plan right after the import finds nothing to change.

--env NAME takes the target from the environments: of an existing DIR/fcdeploy.yaml
(then --force is needed to replace it, and its environments are kept).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			return runImport(cmd, streams, dir, opts)
		},
	}
	cmd.Flags().StringArrayVar(&opts.services, "service", nil, "import only service `NAME` (repeatable)")
	cmd.Flags().BoolVar(&opts.force, "force", false, "overwrite an existing fcdeploy.yaml and the imported functions' code directories")
	addTargetFlags(cmd, &opts.target)
	return cmd
}

func runImport(cmd *cobra.Command, streams *IOStreams, dir string, opts *importOptions) error {
	ctx := cmd.Context()
	manifestPath := filepath.Join(dir, importer.ManifestName)
	if _, err := os.Stat(manifestPath); err == nil && !opts.force {
		return fmt.Errorf("%s exists already; nothing was imported (--force overwrites it)", manifestPath)
	}
	var proj *manifest.Project
	var envs *yaml.Node
	if opts.target.env != "" {
		p, err := loadManifest(streams.In, manifestPath, manifest.LoadOptions{Env: opts.target.env})
		if err != nil {
			return fmt.Errorf("--env %s needs the environments: of %s: %w", opts.target.env, manifestPath, err)
		}
		proj = p
		if envs, err = environmentsOf(manifestPath); err != nil {
			return err
		}
	}
	t, err := opts.target.connect(ctx, proj)
	if err != nil {
		return err
	}
	defer t.Close()
	res, err := importer.Import(ctx, t.Client, importer.Options{Dir: dir, Services: opts.services, Force: opts.force, Environments: envs, Source: t.String(),
		Region: t.Region, AccountID: t.AccountID})
	if err != nil {
		return err
	}
	w := streams.Out
	fmt.Fprintf(w, "Imported %s, %s, %s and %s from %s into %s.\n",
		plural(res.Services, "service"), plural(res.Functions, "function"), plural(res.Triggers, "trigger"),
		aliasCount(res.Aliases), t, displayPath(res.Manifest))
	if res.CustomDomains+res.AsyncConfigs+res.ProvisionConfigs > 0 {
		fmt.Fprintf(w, "With %s, %s and %s.\n", plural(res.CustomDomains, "custom domain"),
			plural(res.AsyncConfigs, "async invoke config"), plural(res.ProvisionConfigs, "provision config"))
	}
	if len(res.Secrets) > 0 {
		fmt.Fprintln(w, "\nSecret-looking environment variables were not written; set these before planning:")
		for _, s := range res.Secrets {
			fmt.Fprintf(w, "  %s (%s)\n", s.Env, strings.Join(s.Functions, ", "))
		}
	}
	for _, n := range res.Notes {
		fmt.Fprintln(w, "Note: "+n)
	}
	if len(res.Claimed) > 0 {
		fmt.Fprintf(w, "Tagged %s %s=%s: the project now owns them.\n", strings.Join(res.Claimed, ", "), importer.ProjectTag, res.Project)
	}
	for _, o := range res.Owned {
		fmt.Fprintf(w, "Note: service %s is claimed by another project's %s tag; plans adopt it from that project, and only apply --force-adopt takes it over.\n", o, importer.ProjectTag)
	}
	return nil
}

// environmentsOf returns the environments: mapping of a manifest as
// written, so that an import keeps it.
func environmentsOf(path string) (*yaml.Node, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: not readable YAML", path)
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "environments" {
			return root.Content[i+1], nil
		}
	}
	return nil, nil
}

func aliasCount(n int) string {
	if n == 1 {
		return "1 alias"
	}
	return fmt.Sprintf("%d aliases", n)
}
