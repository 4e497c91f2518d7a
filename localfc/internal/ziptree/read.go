package ziptree

import (
	"archive/zip"
	"fmt"
	"io"
)

// MaxLinkTarget bounds a symlink's target (PATH_MAX).
const MaxLinkTarget = 4096

// LinkTarget reads the target of a symlink entry, refusing one longer than
// MaxLinkTarget.
func LinkTarget(f *zip.File) (string, error) {
	rc, err := f.Open()
	if err != nil {
		return "", err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, MaxLinkTarget+1))
	if err != nil {
		return "", err
	}
	if len(b) > MaxLinkTarget {
		return "", fmt.Errorf("symlink target longer than %d bytes", MaxLinkTarget)
	}
	return string(b), nil
}
