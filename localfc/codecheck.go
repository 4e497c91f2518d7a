package localfc

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/fcdeploy/fcdeploy/localfc/internal/ziptree"
	"github.com/fcdeploy/fcdeploy/localfc/runtime"
)

// Limits of a code archive checked when code is created or updated, so that
// code which could never run is refused with 400 then, not with 500 at every
// invocation.
const (
	maxCodeEntryPath   = 1024 // bytes of an entry's path
	maxCodePathElement = 255  // bytes of one name in it (NAME_MAX)
)

// errCodeBomb marks content beyond the unpacked size limit.
var errCodeBomb = errors.New("code expands beyond the unpacked size limit")

// checkCodeArchive reads every entry of a code zip as the runtime would
// unpack it and refuses what it could not run safely: names that are
// absolute or climb out of the root, duplicate or conflicting entries,
// special files, too many entries, paths too long, content larger than the
// unpacked limit (counted as inflated, not as declared: a bomb lies), and
// links that resolve outside the root through any chain of links, whether
// or not their target exists.
func checkCodeArchive(zr *zip.Reader, maxBytes int64) error {
	if len(zr.File) > runtime.MaxZipEntries {
		return fmt.Errorf("the zip has %d entries, more than the %d allowed", len(zr.File), runtime.MaxZipEntries)
	}
	kinds := map[string]fs.FileMode{} // clean path -> type bits
	links := map[string]string{}      // clean path -> target
	remaining := maxBytes
	for _, f := range zr.File {
		name, err := codeEntryName(f.Name)
		if err != nil {
			return err
		}
		if name == "." {
			continue
		}
		mode := f.Mode()
		kind := mode.Type()
		switch {
		case kind == fs.ModeSymlink:
			target, err := ziptree.LinkTarget(f)
			if err != nil {
				return fmt.Errorf("entry %q: symlink target: %w", f.Name, err)
			}
			if path.IsAbs(target) || strings.HasPrefix(target, "\\") {
				return fmt.Errorf("entry %q: symlink to the absolute path %q; links must stay inside the code", f.Name, target)
			}
			links[name] = target
		case kind == fs.ModeDir:
		case kind == 0:
			n, err := inflatedSize(f, remaining)
			if err != nil {
				return fmt.Errorf("entry %q: %w", f.Name, err)
			}
			remaining -= n
		default:
			return fmt.Errorf("entry %q: a %s cannot be code; only regular files, directories and symlinks can", f.Name, kindName(kind))
		}
		if prev, dup := kinds[name]; dup && !(prev == fs.ModeDir && kind == fs.ModeDir) {
			return fmt.Errorf("entry %q: the zip holds %s twice", f.Name, name)
		}
		kinds[name] = kind
	}
	// A parent that is a file or a link would make the entry unreachable
	// or written through a link.
	for name := range kinds {
		for dir := path.Dir(name); dir != "."; dir = path.Dir(dir) {
			if k, ok := kinds[dir]; ok && k != fs.ModeDir {
				return fmt.Errorf("entry %q: its parent %s is not a directory in the zip", name, dir)
			}
		}
	}
	for name := range links {
		if err := ziptree.ResolveInside(name, links); err != nil {
			return fmt.Errorf("entry %q: %w", name, err)
		}
	}
	return nil
}

// codeEntryName cleans a zip entry name, refusing absolute names, names that
// climb out of the root and paths longer than a file system takes.
func codeEntryName(name string) (string, error) {
	n := strings.ReplaceAll(name, "\\", "/")
	if strings.HasPrefix(n, "/") || (len(n) > 1 && n[1] == ':') {
		return "", fmt.Errorf("entry %q: absolute paths are not allowed", name)
	}
	if len(n) > maxCodeEntryPath {
		return "", fmt.Errorf("entry %q: the path is %d bytes, more than %d", name[:64]+"...", len(n), maxCodeEntryPath)
	}
	clean := path.Clean(n)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", fmt.Errorf("entry %q: the path climbs out of the code directory", name)
	}
	for _, el := range strings.Split(clean, "/") {
		if len(el) > maxCodePathElement {
			return "", fmt.Errorf("entry %q: a name in the path is %d bytes, more than %d", name[:64]+"...", len(el), maxCodePathElement)
		}
	}
	return clean, nil
}

// inflatedSize reads an entry whole (checking its CRC) and returns its size,
// failing once it exceeds remaining.
func inflatedSize(f *zip.File, remaining int64) (int64, error) {
	rc, err := f.Open()
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	n, err := io.Copy(io.Discard, io.LimitReader(rc, remaining+1))
	if err != nil {
		return n, err
	}
	if n > remaining {
		return n, errCodeBomb
	}
	return n, nil
}

func kindName(kind fs.FileMode) string {
	switch {
	case kind&fs.ModeNamedPipe != 0:
		return "named pipe"
	case kind&fs.ModeSocket != 0:
		return "socket"
	case kind&fs.ModeDevice != 0:
		return "device"
	case kind&fs.ModeIrregular != 0:
		return "irregular file"
	}
	return "special file (" + kind.String() + ")"
}
