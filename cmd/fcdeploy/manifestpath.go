package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/fcdeploy/fcdeploy/manifest"
)

// resolveManifestPath turns the `[DIR]` argument and `-f FILE` flag shared
// by validate, plan, apply and package into the manifest's path: FILE as
// given (relative to the working directory), else DIR/fcdeploy.yaml, where
// DIR defaults to the working directory. A DIR that is a .yaml/.yml file is
// taken as the manifest itself.
func resolveManifestPath(dir, file string) (string, error) {
	if file != "" && dir != "" {
		return "", fmt.Errorf("give either a directory or -f FILE, not both")
	}
	path := file
	if path == "" {
		if dir == "" {
			dir = "."
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
