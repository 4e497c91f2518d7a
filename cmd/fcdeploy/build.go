package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/fcdeploy/fcdeploy/builder"
	"github.com/fcdeploy/fcdeploy/deploy"
	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/packager"
)

// buildFlags are the build settings of every verb that builds first.
type buildFlags struct {
	noCache     bool
	parallelism int
	log         io.Writer // where plan, apply and package say what they built
}

// defaultBuildParallelism is how many builds run at once when the verb has
// no --parallelism of its own meaning.
const defaultBuildParallelism = 4

// addBuildFlags registers --no-build-cache, and --parallelism when the verb
// does not already have one.
func addBuildFlags(cmd *cobra.Command, f *buildFlags, streams *IOStreams, withParallelism bool) {
	f.log = streams.ErrOut
	cmd.Flags().BoolVar(&f.noCache, "no-build-cache", false, "build every function with a build: block even when its inputs are unchanged")
	if withParallelism {
		cmd.Flags().IntVar(&f.parallelism, "parallelism", defaultBuildParallelism, "builds run at once")
	}
}

// buildProject builds the functions of p that declare a build, pruning
// cache entries unused for a week. A failure names each failing function,
// its command, exit code and output tail.
func buildProject(ctx context.Context, p *manifest.Project, f buildFlags) (*deploy.Builds, builder.Stats, error) {
	if f.parallelism <= 0 {
		f.parallelism = defaultBuildParallelism
	}
	dir := deploy.BuildCacheDir(p)
	b := builder.New(builder.Options{CacheDir: dir, NoCache: f.noCache})
	builds, err := deploy.Build(ctx, p, b, f.parallelism)
	if err != nil {
		return nil, b.Stats(), err
	}
	_, _ = builder.Prune(dir, deploy.BuildCacheMaxAge)
	return builds, b.Stats(), nil
}

// buildFirst builds what p declares before packaging, saying so on f.log.
func buildFirst(ctx context.Context, p *manifest.Project, f buildFlags) (*deploy.Builds, error) {
	start := time.Now()
	builds, st, err := buildProject(ctx, p, f)
	if err != nil {
		return nil, err
	}
	if f.log != nil {
		printBuildSummary(f.log, builds, st, time.Since(start))
	}
	return builds, nil
}

// buildRecord is what artifacts.json keeps of a build.
func buildRecord(r *builder.Result) *packager.BuildRecord {
	if r == nil {
		return nil
	}
	return &packager.BuildRecord{Recipe: string(r.Recipe), InputsHash: r.Key, Toolchain: r.Toolchain}
}

// printBuildSummary writes one line about the builds of a plan, apply or
// package run to w (stderr: stdout may be a JSON plan).
func printBuildSummary(w io.Writer, builds *deploy.Builds, st builder.Stats, took time.Duration) {
	if builds == nil || len(builds.Order) == 0 {
		return
	}
	fmt.Fprintf(w, "Built %s in %s: %d built, %d cached, %d shared\n", plural(len(builds.Order), "function"), roundDuration(took), st.Built, st.Cached, st.Shared)
}

func roundDuration(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(10 * time.Millisecond)
}

type buildOptions struct {
	dir, file, env string
	build          buildFlags
}

func newBuildCmd(streams *IOStreams) *cobra.Command {
	o := &buildOptions{}
	cmd := &cobra.Command{
		Use:   "build [DIR]",
		Short: "Build the functions that declare build:, using the build cache",
		Long: `Build every function of fcdeploy.yaml (in DIR, default the current directory)
that has a build: block: pip for python, npm ci for nodejs, go build for go,
or a declared command. Builds run on a staged copy under .fcdeploy/build next
to the manifest, never in the code directory, and are cached by a hash of their
inputs (the code after .fcignore, lockfiles, recipe and options, toolchain
versions): an unchanged function is not rebuilt. plan, apply and package build
first by themselves; this verb only builds. See docs/building.md.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.dir = args[0]
			}
			return runBuild(cmd.Context(), streams, o)
		},
	}
	cmd.Flags().StringVarP(&o.file, "file", "f", "", "manifest `FILE` (instead of DIR/fcdeploy.yaml)")
	cmd.Flags().StringVar(&o.env, "env", "", "environment `NAME` from environments: to build for")
	addBuildFlags(cmd, &o.build, streams, true)
	return cmd
}

func runBuild(ctx context.Context, streams *IOStreams, o *buildOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	path, err := resolveManifestPath(o.dir, o.file)
	if err != nil {
		return err
	}
	p, err := packageLoadProject(path, o.env)
	if err != nil {
		return err
	}
	start := time.Now()
	builds, st, err := buildProject(ctx, p, o.build)
	if err != nil {
		return err
	}
	took := time.Since(start)
	if len(builds.Order) == 0 {
		fmt.Fprintln(streams.Out, "No function declares build:; nothing to build (see docs/building.md).")
		return nil
	}
	tw := tabwriter.NewWriter(streams.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FUNCTION\tRECIPE\tRESULT\tTIME\tINPUTS")
	for _, ref := range builds.Order {
		r := builds.Result(ref.Service, ref.Function)
		result := "built"
		switch {
		case r.Shared:
			result = "shared"
		case r.Cached:
			result = "cached"
		}
		fmt.Fprintf(tw, "%s/%s\t%s\t%s\t%s\t%s\n", ref.Service, ref.Function, r.Recipe, result, roundDuration(r.Duration), r.Key[:12])
	}
	tw.Flush()
	fmt.Fprintf(streams.Out, "%s in %s: %d built, %d cached, %d shared\n", plural(len(builds.Order), "function"), roundDuration(took), st.Built, st.Cached, st.Shared)
	return nil
}
