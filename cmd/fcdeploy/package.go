package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/fcdeploy/fcdeploy/builder"
	"github.com/fcdeploy/fcdeploy/deploy"
	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/packager"
	"github.com/fcdeploy/fcdeploy/schema"
)

type packageOptions struct {
	dir     string
	file    string
	env     string
	out     string
	noCache bool
	build   buildFlags
}

func newPackageCmd(streams *IOStreams) *cobra.Command {
	opts := &packageOptions{}
	cmd := &cobra.Command{
		Use:   "package [DIR] --out OUTDIR",
		Short: "Zip every function's code and record the artifacts",
		Long: `Package the code of every function in fcdeploy.yaml (in DIR, default the
current directory) into deterministic zips: OUTDIR/SERVICE/FUNCTION.zip, plus
OUTDIR/artifacts.json recording each zip's checksum and size, which promotion
reads to deploy the very same bytes elsewhere. A directory used by several
functions is zipped once; unchanged trees come from the cache in
.fcdeploy/cache next to the manifest. Pre-built .zip/.jar files are checked and
copied as they are; oss:// code is recorded but not downloaded. Functions with
a build: block are built first (docs/building.md) and their build output is
zipped; artifacts.json records each build's inputs hash and toolchain.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.dir = args[0]
			}
			return runPackage(cmd.Context(), streams, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.file, "file", "f", "", "manifest `FILE` (instead of DIR/fcdeploy.yaml)")
	cmd.Flags().StringVar(&opts.env, "env", "", "environment `NAME` from environments: to package for")
	cmd.Flags().StringVar(&opts.out, "out", "", "`OUTDIR` to write the zips and artifacts.json to (required)")
	cmd.Flags().BoolVar(&opts.noCache, "no-cache", false, "ignore and do not update the packaging cache")
	addBuildFlags(cmd, &opts.build, streams, true)
	return cmd
}

// packaged is one function's outcome.
type packaged struct {
	service, function string
	fn                *manifest.Function
	arch              *packager.Archive // nil for OSS code
	err               error
}

func runPackage(ctx context.Context, streams *IOStreams, opts *packageOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if opts.out == "" {
		return errors.New("--out OUTDIR is required: where to write the zips and artifacts.json")
	}
	path, err := resolveManifestPath(opts.dir, opts.file)
	if err != nil {
		return err
	}
	project, err := packageLoadProject(path, opts.env)
	if err != nil {
		return err
	}

	var cacheDir string
	if !opts.noCache {
		cacheDir = filepath.Join(project.Dir, ".fcdeploy", "cache")
	}
	pk := packager.New(packager.Options{CacheDir: cacheDir})
	builds, err := buildFirst(ctx, project, opts.build)
	if err != nil {
		return err
	}

	var results []*packaged
	for i := range project.Services {
		s := &project.Services[i]
		for j := range s.Functions {
			results = append(results, &packaged{service: s.Name, function: s.Functions[j].Name, fn: &s.Functions[j]})
		}
	}
	// Functions are packaged concurrently so those sharing a directory wait
	// on one packaging; each packaging already uses every core, so two at a
	// time is enough to overlap one's stats with another's compression.
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for _, r := range results {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			r.arch, r.err = packageCode(ctx, pk, r.fn, builds.Result(r.service, r.function))
		})
	}
	wg.Wait()
	var errs []error
	for _, r := range results {
		if r.err != nil {
			errs = append(errs, fmt.Errorf("function %s/%s: %w", r.service, r.function, r.err))
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}

	record := packager.Artifacts{Project: project.Name}
	for _, r := range results {
		rec := packager.ArtifactRecord{Service: r.service, Function: r.function, Source: packageCodeSource(project, r.fn),
			Build: buildRecord(builds.Result(r.service, r.function))}
		if r.arch != nil {
			rec.File = r.service + "/" + r.function + ".zip"
			rec.Checksum, rec.Size = r.arch.Checksum, r.arch.Size
			if err := r.arch.SaveAs(filepath.Join(opts.out, r.service, r.function+".zip")); err != nil {
				return fmt.Errorf("function %s/%s: writing its zip: %w", r.service, r.function, err)
			}
		}
		record.Artifacts = append(record.Artifacts, rec)
	}
	artifactsPath := filepath.Join(opts.out, packager.ArtifactsFile)
	if err := packager.WriteArtifacts(artifactsPath, record); err != nil {
		return err
	}
	packagePrintTable(streams.Out, results, project)
	if st := pk.Stats(); st.CacheWriteErrors > 0 {
		fmt.Fprintf(streams.ErrOut, "warning: the packaging cache could not be updated (%s); the next run will zip again\n", st.LastCacheError)
	}
	fmt.Fprintf(streams.Out, "wrote %s\n", artifactsPath)
	return nil
}

// packageLoadProject validates the manifest with every diagnostic at once
// (as `fcdeploy validate` does) and loads it.
func packageLoadProject(path, env string) (*manifest.Project, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("manifest %s: %w", path, err)
	}
	data, err := io.ReadAll(io.LimitReader(f, manifest.MaxDocumentSize+1))
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("manifest %s: %w", path, err)
	}
	if diags := schema.Validate(path, data, manifest.LoadOptions{Env: env}); len(diags) > 0 {
		lines := make([]string, 0, len(diags)+1)
		for _, d := range diags {
			lines = append(lines, d.String())
		}
		lines = append(lines, fmt.Sprintf("%s in %s; run `fcdeploy validate` for details", plural(len(diags), "error"), path))
		return nil, errors.New(strings.Join(lines, "\n"))
	}
	return manifest.LoadBytes(path, data, manifest.LoadOptions{Env: env})
}

func packageCode(ctx context.Context, pk *packager.Packager, fn *manifest.Function, built *builder.Result) (*packager.Archive, error) {
	if fn.Build != nil {
		return deploy.PackageFunction(ctx, pk, fn, built)
	}
	switch fn.Code.Kind {
	case manifest.CodeDir:
		return pk.PackageDir(ctx, packageShortPath(fn.Code.Path), packager.DirOptions{Runtime: fn.Runtime, Handler: fn.Handler})
	case manifest.CodeZipFile:
		return pk.PackageFile(ctx, packageShortPath(fn.Code.Path))
	case manifest.CodeOSS, manifest.CodeImage:
		return nil, nil
	}
	return nil, fmt.Errorf("code kind %q is not supported", fn.Code.Kind)
}

// packageShortPath is path relative to the working directory when it lies
// below it, so messages name paths the way the user would type them.
func packageShortPath(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	rel, err := filepath.Rel(wd, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return path
	}
	return rel
}

// packageCodeSource is where a function's code comes from, relative to the
// manifest so artifacts.json does not depend on the checkout's location.
func packageCodeSource(p *manifest.Project, fn *manifest.Function) string {
	if fn.Code.Kind == manifest.CodeOSS {
		return "oss://" + fn.Code.Bucket + "/" + fn.Code.Object
	}
	if fn.Code.Kind == manifest.CodeImage {
		return "image " + fn.Spec.CustomContainerConfig.Image
	}
	if rel, err := filepath.Rel(p.Dir, fn.Code.Path); err == nil {
		return filepath.ToSlash(rel)
	}
	return fn.Code.Path
}

func packagePrintTable(w io.Writer, results []*packaged, p *manifest.Project) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FUNCTION\tSIZE\tCHECKSUM\tCACHED\tSOURCE")
	for _, r := range results {
		size, sum, cached := "-", "-", "-"
		if r.arch != nil {
			size, sum, cached = packager.HumanSize(r.arch.Size), r.arch.Checksum, "no"
			if r.arch.Cached {
				cached = "yes"
			}
		}
		fmt.Fprintf(tw, "%s/%s\t%s\t%s\t%s\t%s\n", r.service, r.function, size, sum, cached, packageCodeSource(p, r.fn))
	}
	tw.Flush()
}
