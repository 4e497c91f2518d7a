package importer

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/fcdeploy/fcdeploy/fc"
)

// maxUnpacked bounds the bytes one function's code may unpack to, so that a
// zip bomb cannot fill the disk (Function Compute's own limit on unpacked
// code is 500 MB).
const maxUnpacked = 1 << 30

// code downloads a function's live code (checksum-verified) and unpacks it
// into dir, which must not exist unless forced.
func (im *importer) code(ctx context.Context, service string, f *fc.Function, dir string) error {
	if _, err := os.Stat(dir); err == nil {
		if !im.force {
			return fmt.Errorf("%s exists already (--force replaces it)", dir)
		}
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
	}
	loc, err := im.api.GetFunctionCode(ctx, service, "", f.FunctionName)
	if err != nil {
		return fmt.Errorf("reading where its code is: %w", err)
	}
	data, err := im.api.DownloadCode(ctx, loc)
	if err != nil {
		return fmt.Errorf("downloading its code: %w", err)
	}
	if err := Unzip(data, dir); err != nil {
		return fmt.Errorf("unpacking its code: %w", err)
	}
	return nil
}

// Unzip unpacks a zip into dir. Entries that would land outside dir
// (absolute paths, "..", symlinks pointing out) are refused, and so is a
// zip that unpacks to more than 1 GiB; regular files keep their executable
// bit.
func Unzip(data []byte, dir string) error { return unzip(data, dir, maxUnpacked) }

// unzip is Unzip with the bound on unpacked bytes as a parameter, so that
// tests can reach it without writing a gigabyte.
func unzip(data []byte, dir string, limit int64) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("not a zip: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var total int64
	for _, f := range zr.File {
		name := strings.ReplaceAll(f.Name, `\`, "/")
		clean := path.Clean("/" + name)
		if strings.HasPrefix(name, "/") || clean == "/" && !strings.HasSuffix(name, "/") || hasDotDot(name) {
			return fmt.Errorf("entry %q would be written outside the code directory", f.Name)
		}
		target := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(clean, "/")))
		mode := f.Mode()
		switch {
		case mode.IsDir() || strings.HasSuffix(name, "/"):
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
			continue
		case mode&os.ModeSymlink != 0:
			rc, err := f.Open()
			if err != nil {
				return err
			}
			link, err := io.ReadAll(io.LimitReader(rc, 4096))
			rc.Close()
			if err != nil {
				return err
			}
			// Joined to a relative path, a link that climbs out keeps its
			// leading "..", which Clean would hide below "/".
			dest := path.Join(path.Dir(strings.TrimPrefix(clean, "/")), string(link))
			if path.IsAbs(string(link)) || dest == ".." || strings.HasPrefix(dest, "../") {
				return fmt.Errorf("entry %q is a symlink to %q, outside the code directory", f.Name, link)
			}
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			if err := os.Symlink(string(link), target); err != nil {
				return err
			}
			continue
		case !mode.IsRegular():
			return fmt.Errorf("entry %q is not a file, directory or symlink", f.Name)
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		perm := os.FileMode(0o644)
		if mode&0o111 != 0 {
			perm = 0o755
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		out, err := os.OpenFile(target, os.O_CREATE|os.O_EXCL|os.O_WRONLY, perm)
		if err != nil {
			rc.Close()
			return err
		}
		n, err := io.Copy(out, io.LimitReader(rc, limit-total+1))
		rc.Close()
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		total += n
		if total > limit {
			return fmt.Errorf("the code unpacks to more than %d bytes", limit)
		}
		if err := os.Chmod(target, perm); err != nil {
			return err
		}
	}
	return nil
}

// hasDotDot reports whether a slash path has a ".." element.
func hasDotDot(p string) bool {
	for _, e := range strings.Split(p, "/") {
		if e == ".." {
			return true
		}
	}
	return false
}
