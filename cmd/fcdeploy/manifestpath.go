package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/schema"
)

// stdinManifest is the -f value that reads the manifest from stdin.
const stdinManifest = "-"

// stdinName names a manifest read from stdin in diagnostics. Its directory
// is the working directory, so relative code paths resolve from there.
const stdinName = "<stdin>"

// resolveManifestPath turns the `[DIR]` argument and `-f FILE` flag shared
// by validate, plan, apply and package into the manifest's path: FILE as
// given (relative to the working directory; "-" for stdin), else
// DIR/fcdeploy.yaml. Without either, the manifest is looked for in the
// working directory and then its parents, as git finds its repository: the
// search stops at the first directory holding fcdeploy.yaml, and does not
// go above a directory holding .git. A DIR that is a .yaml/.yml file is
// taken as the manifest itself.
func resolveManifestPath(dir, file string) (string, error) {
	if file != "" && dir != "" {
		return "", fmt.Errorf("give either a directory or -f FILE, not both")
	}
	if file == stdinManifest {
		return stdinManifest, nil
	}
	path := file
	if path == "" {
		if dir == "" {
			return findManifest()
		}
		if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
			// `fcdeploy validate path/fcdeploy.yaml` means what it says.
			if ext := strings.ToLower(filepath.Ext(dir)); ext == ".yaml" || ext == ".yml" {
				return dir, nil
			}
			return "", fmt.Errorf("%s is a file, not a directory; point at a manifest with -f FILE", dir)
		}
		path = filepath.Join(dir, manifest.DefaultFile)
	}
	fi, err := os.Stat(path)
	switch {
	case os.IsNotExist(err) && file == "":
		return "", fmt.Errorf("no %s in %s; create one (see docs/manifest.md) or point at it with -f FILE", manifest.DefaultFile, dir)
	case os.IsNotExist(err):
		return "", fmt.Errorf("manifest %s does not exist", path)
	case err != nil:
		return "", fmt.Errorf("manifest %s: %w", path, err)
	case fi.IsDir():
		return "", fmt.Errorf("manifest %s is a directory; -f takes a file", path)
	}
	return path, nil
}

// findManifest looks for fcdeploy.yaml in the working directory and its
// parents, up to the root of the git repository when there is one. The
// path returned is relative to the working directory, as a user would type
// it ("../fcdeploy.yaml").
func findManifest() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding %s: %w", manifest.DefaultFile, err)
	}
	rel := "."
	for dir := wd; ; {
		candidate := filepath.Join(dir, manifest.DefaultFile)
		if fi, err := os.Stat(candidate); err == nil && !fi.IsDir() {
			return filepath.Join(rel, manifest.DefaultFile), nil
		}
		parent := filepath.Dir(dir)
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil || parent == dir {
			break
		}
		dir, rel = parent, filepath.Join(rel, "..")
	}
	return "", fmt.Errorf("no %s in %s or any parent directory; create one (see docs/manifest.md) or point at it with -f FILE", manifest.DefaultFile, wd)
}

// loadManifest validates and loads the manifest at path, reading it from
// in when path is "-".
func loadManifest(in io.Reader, path string, opt manifest.LoadOptions) (*manifest.Project, error) {
	if path != stdinManifest {
		return schema.Load(path, opt)
	}
	data, err := io.ReadAll(io.LimitReader(in, manifest.MaxDocumentSize+1))
	if err != nil {
		return nil, fmt.Errorf("manifest from stdin: %w", err)
	}
	return schema.LoadBytes(stdinName, data, opt)
}
