package packager

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"unicode/utf8"
)

// Bounds that keep hostile trees (symlink fan-outs, absurd nesting) from
// exhausting memory or time.
const (
	maxDepth   = 256
	maxEntries = 500_000
)

// ErrEmpty is wrapped by the error for a code directory with nothing left to
// ship after ignore rules.
var ErrEmpty = errors.New("contains no files after ignore rules")

// PathError is a file the packager refuses: an escaping, dangling or looping
// symlink, a special file, or a name a zip cannot carry safely.
type PathError struct {
	Dir    string // the code directory as given
	Path   string // slash-separated, relative to Dir
	Reason string
}

func (e *PathError) Error() string {
	return fmt.Sprintf("code directory %s: %s: %s", e.Dir, e.Path, e.Reason)
}

// entry is one file to archive.
type entry struct {
	name  string // slash-separated path inside the zip
	real  string // absolute path of the content to read (symlinks resolved)
	size  int64
	mtime int64 // ns, for the cache key only
	mode  fs.FileMode
}

// tree is the result of walking a code directory: what would be shipped.
type tree struct {
	dir     string // as given, for messages
	root    string // absolute, symlinks resolved
	ignore  []byte // .fcignore contents, part of the cache key
	entries []entry
}

func (t *tree) has(name string) bool {
	_, ok := slices.BinarySearchFunc(t.entries, name, func(e entry, n string) int { return strings.Compare(e.name, n) })
	return ok
}

type walker struct {
	t       *tree
	m       *Matcher
	visited int
}

// walkTree lists the files of the code directory dir (root is its resolved
// absolute path), applying ignore rules and refusing what cannot be shipped.
// It only stats; contents are read later.
func walkTree(dir, root string) (*tree, error) {
	t := &tree{dir: dir, root: root}
	ig := filepath.Join(root, IgnoreFile)
	switch fi, err := os.Lstat(ig); {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("code directory %s: %w", dir, err)
	case !fi.Mode().IsRegular():
		return nil, &PathError{Dir: dir, Path: IgnoreFile, Reason: "is not a regular file"}
	default:
		data, err := os.ReadFile(ig)
		if err != nil {
			return nil, fmt.Errorf("code directory %s: %w", dir, err)
		}
		t.ignore = data
	}
	w := &walker{t: t, m: NewMatcher(t.ignore)}
	if err := w.walkDir(root, "", []string{root}); err != nil {
		return nil, err
	}
	slices.SortFunc(t.entries, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	if len(t.entries) == 0 {
		return nil, fmt.Errorf("code directory %s %w; add the code, or check %s and the built-in ignores (VCS folders, .fcdeploy, editor junk)", dir, ErrEmpty, IgnoreFile)
	}
	return t, nil
}

// walkDir lists realDir, whose entries are named prefix+name in the zip;
// stack holds the resolved directories from the root down, to spot loops.
func (w *walker) walkDir(realDir, prefix string, stack []string) error {
	if len(stack) > maxDepth {
		return &PathError{Dir: w.t.dir, Path: strings.TrimSuffix(prefix, "/"), Reason: fmt.Sprintf("is nested more than %d directories deep", maxDepth)}
	}
	des, err := os.ReadDir(realDir)
	if err != nil {
		return fmt.Errorf("code directory %s: %w", w.t.dir, err)
	}
	for _, de := range des {
		name := de.Name()
		rel := prefix + name
		if w.visited++; w.visited > maxEntries {
			return &PathError{Dir: w.t.dir, Path: rel, Reason: fmt.Sprintf("more than %d files and directories; ignore some in %s", maxEntries, IgnoreFile)}
		}
		full := filepath.Join(realDir, name)
		typ := de.Type()
		isDir := typ.IsDir()
		if w.m.Ignored(rel, isDir) {
			continue
		}
		if !utf8.ValidString(name) {
			return &PathError{Dir: w.t.dir, Path: fmt.Sprintf("%q", rel), Reason: "the name is not valid UTF-8; rename it or add it to " + IgnoreFile}
		}
		if strings.ContainsRune(name, '\\') {
			return &PathError{Dir: w.t.dir, Path: rel, Reason: "the name contains a backslash, which unzip tools treat as a directory separator; rename it or add it to " + IgnoreFile}
		}
		switch {
		case isDir:
			if err := w.walkDir(full, rel+"/", append(stack, full)); err != nil {
				return err
			}
		case typ.IsRegular():
			fi, err := de.Info()
			if err != nil {
				return fmt.Errorf("code directory %s: %w", w.t.dir, err)
			}
			w.add(rel, full, fi)
		case typ&fs.ModeSymlink != 0:
			if err := w.symlink(rel, full, stack); err != nil {
				return err
			}
		default:
			return &PathError{Dir: w.t.dir, Path: rel, Reason: fmt.Sprintf("is a special file (%s); only regular files, directories and symlinks can be packaged", kindOf(typ))}
		}
	}
	return nil
}

// symlink keeps a link that resolves inside the root, as the content it
// points to.
func (w *walker) symlink(rel, full string, stack []string) error {
	target, err := filepath.EvalSymlinks(full)
	if err != nil {
		reason := "is a symlink that cannot be resolved: " + err.Error()
		switch {
		case errors.Is(err, syscall.ELOOP) || strings.Contains(err.Error(), "too many links"):
			reason = "is a symlink loop"
		case errors.Is(err, fs.ErrNotExist):
			reason = "is a dangling symlink (its target does not exist)"
		}
		return &PathError{Dir: w.t.dir, Path: rel, Reason: reason}
	}
	if !within(w.t.root, target) {
		link, _ := os.Readlink(full)
		return &PathError{Dir: w.t.dir, Path: rel, Reason: fmt.Sprintf("is a symlink to %s, outside the code directory; copy the file in or package from a common parent", link)}
	}
	fi, err := os.Stat(target)
	if err != nil {
		return &PathError{Dir: w.t.dir, Path: rel, Reason: "is a symlink whose target cannot be read: " + err.Error()}
	}
	switch {
	case fi.IsDir():
		if w.m.Ignored(rel, true) {
			return nil
		}
		if slices.Contains(stack, target) {
			return &PathError{Dir: w.t.dir, Path: rel, Reason: "is a symlink loop (it points to a directory that contains it)"}
		}
		return w.walkDir(target, rel+"/", append(stack, target))
	case fi.Mode().IsRegular():
		w.add(rel, target, fi)
		return nil
	default:
		return &PathError{Dir: w.t.dir, Path: rel, Reason: fmt.Sprintf("is a symlink to a special file (%s); only regular files can be packaged", kindOf(fi.Mode()))}
	}
}

func (w *walker) add(rel, real string, fi fs.FileInfo) {
	w.t.entries = append(w.t.entries, entry{
		name: rel, real: real, size: fi.Size(), mtime: fi.ModTime().UnixNano(), mode: fi.Mode(),
	})
}

// within reports whether path is root or below it (both absolute, cleaned).
func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	if err != nil {
		return false
	}
	return rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "device"
	default:
		return "irregular file"
	}
}
