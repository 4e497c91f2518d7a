package builder

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/fcdeploy/fcdeploy/packager"
)

// maxFiles bounds a staged tree, as the packager bounds a zipped one (a
// variable so that a test can reach it with a few files).
var maxFiles = 500_000

// srcFile is one file of a code directory that a build reads.
type srcFile struct {
	name string // slash-separated, relative to the code directory
	real string // absolute path of the content (symlinks resolved)
	exec bool
}

// listSources lists the files of spec.Dir a build reads: everything after
// .fcignore (and the packager's built-in ignores), minus what the recipe
// produces itself (node_modules for nodejs), restricted to the declared
// inputs for the command recipe. Symlinks inside the directory count as
// the content they point to; others are refused, naming the path.
func listSources(spec Spec) ([]srcFile, error) {
	root, err := filepath.EvalSymlinks(spec.Dir)
	if err != nil {
		return nil, fmt.Errorf("code directory %s: %w", spec.Dir, err)
	}
	ignore, err := os.ReadFile(filepath.Join(root, packager.IgnoreFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("code directory %s: %w", spec.Dir, err)
	}
	l := &lister{spec: spec, root: root, m: packager.NewMatcher(ignore)}
	if err := l.walk(root, "", []string{root}); err != nil {
		return nil, err
	}
	slices.SortFunc(l.files, func(a, b srcFile) int { return strings.Compare(a.name, b.name) })
	if len(l.files) == 0 {
		return nil, fmt.Errorf("code directory %s: no input files to build (after %s and build.inputs)", spec.Dir, packager.IgnoreFile)
	}
	return l.files, nil
}

type lister struct {
	spec  Spec
	root  string
	m     *packager.Matcher
	files []srcFile
	seen  int
}

func (l *lister) walk(dir, prefix string, stack []string) error {
	des, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("code directory %s: %w", l.spec.Dir, err)
	}
	for _, de := range des {
		rel := prefix + de.Name()
		if l.seen++; l.seen > maxFiles {
			return fmt.Errorf("code directory %s: more than %d files; ignore some in %s", l.spec.Dir, maxFiles, packager.IgnoreFile)
		}
		full := filepath.Join(dir, de.Name())
		typ := de.Type()
		if typ&fs.ModeSymlink != 0 {
			target, err := filepath.EvalSymlinks(full)
			if err != nil {
				return fmt.Errorf("code directory %s: %s is a symlink that cannot be resolved: %w", l.spec.Dir, rel, err)
			}
			if !within(l.root, target) {
				return fmt.Errorf("code directory %s: %s is a symlink to outside the code directory; copy the file in", l.spec.Dir, rel)
			}
			fi, err := os.Stat(target)
			if err != nil {
				return fmt.Errorf("code directory %s: %s: %w", l.spec.Dir, rel, err)
			}
			if fi.IsDir() && slices.Contains(stack, target) {
				return fmt.Errorf("code directory %s: %s is a symlink loop", l.spec.Dir, rel)
			}
			full, typ = target, fi.Mode().Type()
		}
		if l.m.Ignored(rel, typ.IsDir()) || l.skip(rel, typ.IsDir()) {
			continue
		}
		switch {
		case typ.IsDir():
			if err := l.walk(full, rel+"/", append(stack, full)); err != nil {
				return err
			}
		case typ.IsRegular():
			if !matchInputs(l.spec.Inputs, rel) {
				continue
			}
			fi, err := os.Stat(full)
			if err != nil {
				return fmt.Errorf("code directory %s: %w", l.spec.Dir, err)
			}
			l.files = append(l.files, srcFile{name: rel, real: full, exec: fi.Mode()&0o111 != 0})
		default:
			return fmt.Errorf("code directory %s: %s is a special file; only regular files, directories and symlinks can be built", l.spec.Dir, rel)
		}
	}
	return nil
}

// skip drops what the recipe makes itself: node_modules at the root is
// replaced by `npm ci`, so a developer's local copy is neither staged nor
// hashed.
func (l *lister) skip(rel string, isDir bool) bool {
	return l.spec.Recipe == RecipeNodejs && isDir && rel == "node_modules"
}

func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// hashFile is the hex SHA-256 of a file's content.
func hashFile(p string) (string, int64, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// stage copies files into dir, creating parent directories; modes are 0755
// for executables and 0644 otherwise, as the packager would ship them.
func stage(files []srcFile, dir string) error {
	for _, f := range files {
		dst := filepath.Join(dir, filepath.FromSlash(f.name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		mode := fs.FileMode(0o644)
		if f.exec {
			mode = 0o755
		}
		if err := copyFile(f.real, dst, mode); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(src, dst string, mode fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}
