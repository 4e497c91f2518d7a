package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/fcdeploy/fcdeploy/deploy"
	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/packager"
)

type validateOptions struct {
	dir    string
	file   string
	env    string
	format string
}

func newValidateCmd(streams *IOStreams) *cobra.Command {
	opts := &validateOptions{}
	cmd := &cobra.Command{
		Use:   "validate [DIR]",
		Short: "Check fcdeploy.yaml and report every problem with file:line:col",
		Long: `Check fcdeploy.yaml in DIR (default: the current directory) against its schema
and the limits of Function Compute, resolve ${vars.*} and ${env.*}, check that code
paths exist and that triggers name declared aliases, and package the code as plan
does (the handler file of each runtime, ignore rules, sizes) without writing
anything. Every problem is reported at once; the exit status is 1 if there is any.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.dir = args[0]
			}
			return runValidate(cmd.Context(), streams, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.file, "file", "f", "", "manifest `FILE` (instead of DIR/fcdeploy.yaml)")
	cmd.Flags().StringVar(&opts.env, "env", "", "environment `NAME` from environments: to validate for")
	cmd.Flags().StringVar(&opts.format, "format", "text", "output format: text or json")
	return cmd
}

type jsonDiagnostic struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Path    string `json:"path"`
	Message string `json:"message"`
}

type jsonValidation struct {
	Valid       bool             `json:"valid"`
	Diagnostics []jsonDiagnostic `json:"diagnostics"`
}

func runValidate(ctx context.Context, streams *IOStreams, opts *validateOptions) error {
	if opts.format != "text" && opts.format != "json" {
		return fmt.Errorf("--format %q is not supported; use text or json", opts.format)
	}
	path, err := resolveManifestPath(opts.dir, opts.file)
	if err != nil {
		return err
	}
	p, err := loadManifest(streams.In, path, manifest.LoadOptions{Env: opts.env})
	var diags []manifest.Diagnostic
	if merr := (*manifest.Error)(nil); errors.As(err, &merr) {
		diags = merr.Diagnostics
	} else if err != nil {
		return err
	}
	if len(diags) == 0 {
		// What plan checks before it reads any live state, validate checks
		// too: a manifest that validates must not then fail to plan.
		diags = codeDiagnostics(ctx, p)
	}

	if opts.format == "json" {
		out := jsonValidation{Valid: len(diags) == 0, Diagnostics: []jsonDiagnostic{}}
		for _, d := range diags {
			out.Diagnostics = append(out.Diagnostics, jsonDiagnostic{d.File, d.Line, d.Col, d.Path, d.Message})
		}
		enc := json.NewEncoder(streams.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
		if len(diags) > 0 {
			return withExitCode(exitError, nil)
		}
		return nil
	}

	if len(diags) > 0 {
		for _, d := range diags {
			fmt.Fprintln(streams.ErrOut, d.String())
		}
		noun := "errors"
		if len(diags) == 1 {
			noun = "error"
		}
		fmt.Fprintf(streams.ErrOut, "%d %s in %s\n", len(diags), noun, path)
		return withExitCode(exitError, nil)
	}
	var functions, triggers int
	for _, s := range p.Services {
		functions += len(s.Functions)
		for _, fn := range s.Functions {
			triggers += len(fn.Triggers)
		}
	}
	fmt.Fprintf(streams.Out, "%s is valid: %s, %s, %s\n", path,
		plural(len(p.Services), "service"), plural(functions, "function"), plural(triggers, "trigger"))
	return nil
}

func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// codeDiagnostics runs the checks plan runs before it reads the live state
// (packaging each function's code, then building the desired state), with
// the same functions, and reports each problem at the function it is
// about. Nothing is written: no cache directory.
func codeDiagnostics(ctx context.Context, p *manifest.Project) []manifest.Diagnostic {
	p = withoutBuilds(p)
	pk := packager.New(packager.Options{})
	code, err := deploy.Package(ctx, p, pk)
	if err == nil {
		if _, err = deploy.DesiredWithLayers(ctx, p, code.FromPackage, code.LayerFromPackage); err == nil {
			return nil
		}
		return []manifest.Diagnostic{{File: p.File, Message: p.Redact(err.Error())}}
	}
	// Package stops at the first problem: look at each function alone so
	// that every problem is listed at once.
	var diags []manifest.Diagnostic
	for _, s := range p.Services {
		for _, f := range s.Functions {
			one := *p
			one.Services = []manifest.Service{s}
			one.Services[0].Functions = []manifest.Function{f}
			if _, err := deploy.Package(ctx, &one, pk); err != nil {
				diags = append(diags, manifest.Diagnostic{File: f.Pos.File, Line: f.Pos.Line, Col: f.Pos.Col,
					Path: "services." + s.Name + ".functions." + f.Name + ".code", Message: p.Redact(err.Error())})
			}
		}
	}
	if len(diags) == 0 {
		diags = append(diags, manifest.Diagnostic{File: p.File, Message: p.Redact(err.Error())})
	}
	return manifest.SortDiagnostics(diags)
}

// withoutBuilds is p less the functions with a build: block: their code
// exists only once built, which validate does not do (fcdeploy build and
// plan check it).
func withoutBuilds(p *manifest.Project) *manifest.Project {
	out := *p
	out.Services = nil
	for _, s := range p.Services {
		s.Functions = slices.DeleteFunc(slices.Clone(s.Functions), func(f manifest.Function) bool { return f.Build != nil })
		out.Services = append(out.Services, s)
	}
	return &out
}
