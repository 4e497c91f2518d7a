package deploy

import (
	"path/filepath"
	"strings"
)

// relPath is path relative to base, prefixed with ./ when it stays inside.
func relPath(base, path string) (string, error) {
	rel, err := filepath.Rel(base, path)
	if err != nil {
		return "", err
	}
	if rel == "." || strings.HasPrefix(rel, "..") {
		return rel, nil
	}
	return "./" + filepath.ToSlash(rel), nil
}
