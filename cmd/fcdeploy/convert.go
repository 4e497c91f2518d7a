package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fcdeploy/fcdeploy/convert"
	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/schema"
)

type convertOptions struct {
	out   string
	force bool
}

func newConvertCmd(streams *IOStreams) *cobra.Command {
	opts := &convertOptions{}
	cmd := &cobra.Command{
		Use:   "convert FILE",
		Short: "Convert a Funcraft template.yml or a Serverless Devs s.yaml into fcdeploy.yaml",
		Long: `Convert a Funcraft template.yml (Aliyun::Serverless-2018-04-03) or a Serverless Devs
s.yaml of the FC component (with its s-ENV.yaml siblings as environments) into
fcdeploy.yaml, and write the .fcignore of each code directory so that the same files are
packaged. Code directories stay where they are.

Everything that could not be converted is listed with FILE:LINE and what to do. The exit
status is 0 when a manifest was written (even with such a list), 1 when nothing could be
converted or the file is neither kind of project (then nothing is written).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runConvert(streams, args[0], opts)
		},
	}
	cmd.Flags().StringVar(&opts.out, "out", "", "write fcdeploy.yaml into `DIR` (default: the directory of FILE)")
	cmd.Flags().BoolVar(&opts.force, "force", false, "overwrite an existing fcdeploy.yaml")
	return cmd
}

func runConvert(streams *IOStreams, file string, opts *convertOptions) error {
	res, err := convert.Convert(file, convert.Options{OutDir: opts.out})
	if errors.Is(err, convert.ErrNothingConverted) {
		printFindings(streams, res.Report)
		return fmt.Errorf("%s: no service could be converted; nothing was written", file)
	}
	if err != nil {
		return err
	}
	if _, err := os.Stat(res.Manifest); err == nil && !opts.force {
		return fmt.Errorf("%s exists already; nothing was written (--force overwrites it)", displayPath(res.Manifest))
	}
	// Check the manifest before writing anything: variables only the
	// environment holds get placeholders.
	placeholder := func(name string) (string, bool) {
		if v, ok := os.LookupEnv(name); ok {
			return v, true
		}
		return "placeholder", true
	}
	_, verr := schema.LoadBytes(res.Manifest, res.Files[res.Manifest], manifest.LoadOptions{LookupEnv: placeholder})
	paths := slices.Sorted(func(yield func(string) bool) {
		for p := range res.Files {
			if !yield(p) {
				return
			}
		}
	})
	for _, p := range paths {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, res.Files[p], 0o644); err != nil {
			return err
		}
	}
	w := streams.Out
	domains := ""
	if res.CustomDomains > 0 {
		domains = ", " + plural(res.CustomDomains, "custom domain")
	}
	fmt.Fprintf(w, "Converted %s (%s): %s, %s, %s%s.\n", file, res.Kind,
		plural(res.Services, "service"), plural(res.Functions, "function"), plural(res.Triggers, "trigger"), domains)
	if len(res.Environments) > 0 {
		fmt.Fprintf(w, "Environments: %s.\n", strings.Join(res.Environments, ", "))
	}
	var wrote []string
	for _, p := range paths {
		wrote = append(wrote, displayPath(p))
	}
	fmt.Fprintf(w, "Wrote %s.\n", strings.Join(wrote, ", "))
	printFindings(streams, res.Report)
	if verr != nil {
		fmt.Fprintf(w, "\nThe written manifest does not validate yet; fix these before planning:\n%v\n", verr)
	}
	return nil
}

func printFindings(streams *IOStreams, report []convert.Finding) {
	if len(report) == 0 {
		return
	}
	fmt.Fprintf(streams.Out, "\nNot converted (%d), with what to do:\n", len(report))
	for _, f := range report {
		fmt.Fprintf(streams.Out, "  %s\n", f)
	}
}

// displayPath shows a path relative to the working directory when it is
// below it.
func displayPath(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return p
}
