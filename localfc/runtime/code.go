package runtime

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/fcdeploy/fcdeploy/localfc/internal/ziptree"
)

// MaxZipEntries bounds the number of entries of one code zip.
const MaxZipEntries = 100_000

// ErrCodeTooLarge is wrapped by the CodeError of a zip whose content exceeds
// Config.MaxUnpackedBytes (a zip bomb or simply too much code).
var ErrCodeTooLarge = errors.New("unpacked code is larger than the limit")

// codeDir returns the directory holding the unpacked code of req,
// unpacking it first if needed (see cache.go), and sets req.CodeSHA256.
// Concurrent callers for one digest share one unpack.
func (p *Pool) codeDir(l *launch, req *Request) (string, error) {
	sum := req.CodeChecksum
	if sum != "" && !validChecksum(sum) {
		return "", &CodeError{Checksum: sum, Err: errors.New("checksum must be a decimal CRC-64 string")}
	}
	dir, name, err := p.unpacked(l, "code-", req.CodeSHA256, sum, req.Code)
	if err != nil {
		return "", &CodeError{Checksum: sum, Err: err}
	}
	req.CodeSHA256 = strings.TrimPrefix(name, "code-")
	return dir, nil
}

func validChecksum(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// unpackAtomic unpacks into a temporary directory and renames it into
// place, so a half-written directory is never seen as cached code.
func unpackAtomic(zipBytes []byte, cacheDir, name string, maxBytes int64) error {
	tmp, err := os.MkdirTemp(cacheDir, ".unpack-"+name+"-")
	if err != nil {
		return err
	}
	if err := Unpack(zipBytes, tmp, maxBytes); err != nil {
		_ = os.RemoveAll(tmp)
		return err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		_ = os.RemoveAll(tmp)
		return err
	}
	if err := os.Rename(tmp, filepath.Join(cacheDir, name)); err != nil {
		_ = os.RemoveAll(tmp)
		// Another process may have unpacked the same checksum first.
		if _, statErr := os.Stat(filepath.Join(cacheDir, name)); statErr == nil {
			return nil
		}
		return err
	}
	return nil
}

// Unpack extracts a zip into dir (which must exist and be empty). It refuses
// absolute paths, entries escaping dir, symlinks resolving outside dir, more
// than MaxZipEntries entries and more than maxBytes of content (counted as
// written, not as declared). Regular files keep their executable bit.
func Unpack(zipBytes []byte, dir string, maxBytes int64) error {
	zr, err := zip.NewReader(bytes.NewReader(zipBytes), int64(len(zipBytes)))
	if err != nil {
		return fmt.Errorf("read zip: %w", err)
	}
	if len(zr.File) > MaxZipEntries {
		return fmt.Errorf("zip has %d entries, more than the limit of %d", len(zr.File), MaxZipEntries)
	}
	type link struct{ path, target string }
	var links []link
	virtual := map[string]string{} // clean slash path -> target, for ziptree
	remaining := maxBytes
	for _, f := range zr.File {
		rel, err := entryPath(f.Name)
		if err != nil {
			return err
		}
		if rel == "." {
			continue
		}
		dst := filepath.Join(dir, rel)
		mode := f.Mode()
		switch {
		case mode&fs.ModeSymlink != 0:
			target, err := ziptree.LinkTarget(f)
			if err != nil {
				return fmt.Errorf("entry %q: %w", f.Name, err)
			}
			if filepath.IsAbs(target) {
				return fmt.Errorf("entry %q: symlink to absolute path %q is not allowed", f.Name, target)
			}
			if !inside(filepath.Join(filepath.Dir(rel), target)) {
				return fmt.Errorf("entry %q: symlink to %q points outside the code directory", f.Name, target)
			}
			links = append(links, link{dst, target})
			virtual[filepath.ToSlash(rel)] = target
		case mode.IsDir():
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return err
			}
		case mode.IsRegular():
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			n, err := writeEntry(f, dst, remaining)
			if err != nil {
				return err
			}
			remaining -= n
		default:
			return fmt.Errorf("entry %q: %s files are not allowed", f.Name, mode.Type())
		}
	}
	// Each link is resolved through the archive's own entries before any
	// is created: a chain through a name that does not exist yet (and that
	// the function could create later) must not lead out either.
	for name := range virtual {
		if err := ziptree.ResolveInside(name, virtual); err != nil {
			return fmt.Errorf("entry %q: %w", name, err)
		}
	}
	// Links are created last, so no file above was written through one.
	for _, l := range links {
		if err := os.MkdirAll(filepath.Dir(l.path), 0o755); err != nil {
			return err
		}
		if err := os.Symlink(l.target, l.path); err != nil {
			return fmt.Errorf("entry %q: %w", l.path, err)
		}
	}
	// A chain of links can leave the directory even when each one looks
	// inside on its own (a/.. through another link), so check where they land.
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	for _, l := range links {
		real, err := filepath.EvalSymlinks(l.path)
		if errors.Is(err, fs.ErrNotExist) {
			continue // dangling but lexically inside: harmless
		}
		if err != nil {
			return fmt.Errorf("symlink %q: %w", l.path, err)
		}
		if real != root && !strings.HasPrefix(real, root+string(filepath.Separator)) {
			rel, _ := filepath.Rel(dir, l.path)
			return fmt.Errorf("entry %q: symlink resolves outside the code directory", rel)
		}
	}
	return nil
}

// entryPath turns a zip entry name into a clean relative path, refusing
// absolute names and names climbing out of the root (zip slip).
func entryPath(name string) (string, error) {
	n := strings.ReplaceAll(name, "\\", "/")
	if strings.HasPrefix(n, "/") || filepath.IsAbs(n) || (len(n) > 1 && n[1] == ':') {
		return "", fmt.Errorf("entry %q: absolute paths are not allowed", name)
	}
	rel := filepath.Clean(filepath.FromSlash(n))
	if !inside(rel) {
		return "", fmt.Errorf("entry %q: path escapes the code directory", name)
	}
	return rel, nil
}

func inside(rel string) bool {
	rel = filepath.Clean(rel)
	return rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

func writeEntry(f *zip.File, dst string, remaining int64) (int64, error) {
	rc, err := f.Open()
	if err != nil {
		return 0, fmt.Errorf("entry %q: %w", f.Name, err)
	}
	defer rc.Close()
	perm := os.FileMode(0o644)
	if f.Mode()&0o111 != 0 {
		perm = 0o755
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return 0, fmt.Errorf("entry %q: %w", f.Name, err)
	}
	n, err := io.Copy(out, io.LimitReader(rc, remaining+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, fmt.Errorf("entry %q: %w", f.Name, err)
	}
	if n > remaining {
		return n, fmt.Errorf("entry %q: %w", f.Name, ErrCodeTooLarge)
	}
	return n, nil
}
