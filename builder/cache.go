package builder

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// A cache entry is <CacheDir>/<key>/ holding out/ (the build output) and
// record.json (what built it and every output file's SHA-256). Entries are
// assembled in a temporary directory and renamed into place whole, so a
// reader sees a complete entry or none.

const recordFile = "record.json"

type record struct {
	Format    string            `json:"format"`
	Key       string            `json:"key"`
	Recipe    Recipe            `json:"recipe"`
	Command   string            `json:"command"`
	Toolchain map[string]string `json:"toolchain"`
	Files     []outFile         `json:"files"`
}

// outFile is one entry of the output tree.
type outFile struct {
	Path   string `json:"path"`
	Exec   bool   `json:"exec,omitempty"`
	Size   int64  `json:"size,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
	Link   string `json:"link,omitempty"` // symlink target, for symlinks
}

// listOutput describes every file and symlink under dir, sorted.
func listOutput(dir string) ([]outFile, error) {
	var files []outFile
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		f := outFile{Path: filepath.ToSlash(rel)}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			f.Link, err = os.Readlink(p)
		case d.Type().IsRegular():
			var fi fs.FileInfo
			if fi, err = d.Info(); err == nil {
				f.Exec = fi.Mode()&0o111 != 0
				f.SHA256, f.Size, err = hashFile(p)
			}
		default:
			err = fmt.Errorf("%s is a special file", f.Path)
		}
		files = append(files, f)
		return err
	})
	slices.SortFunc(files, func(a, b outFile) int { return strings.Compare(a.Path, b.Path) })
	return files, err
}

func writeRecord(entry string, r record) error {
	files, err := listOutput(filepath.Join(entry, "out"))
	if err != nil {
		return err
	}
	r.Format, r.Files = FormatVersion, files
	data, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(entry, recordFile), data, 0o644)
}

// verifyEntry checks that entry's output is exactly what its record lists.
func verifyEntry(entry string) error {
	data, err := os.ReadFile(filepath.Join(entry, recordFile))
	if err != nil {
		return err
	}
	var r record
	if err := json.Unmarshal(data, &r); err != nil {
		return fmt.Errorf("%s: %w", recordFile, err)
	}
	if r.Format != FormatVersion || r.Key != filepath.Base(entry) {
		return errors.New("record of another format or key")
	}
	got, err := listOutput(filepath.Join(entry, "out"))
	if err != nil {
		return err
	}
	if !slices.Equal(got, r.Files) {
		return errors.New("the output does not match its record")
	}
	return nil
}

// afterFailedRename, set only by tests, runs where another run could act
// between a failed rename and the look at dst that follows it.
var afterFailedRename func(attempt int)

// commit renames the finished entry to dst. If another run committed the
// same key first, its entry is kept when it verifies; a damaged one is
// moved aside and replaced.
func commit(entry, dst string) error {
	for attempt := 0; ; attempt++ {
		err := os.Rename(entry, dst)
		if err == nil {
			return nil
		}
		if afterFailedRename != nil {
			afterFailedRename(attempt)
		}
		if _, serr := os.Stat(dst); serr != nil {
			if attempt < 3 && errors.Is(serr, fs.ErrNotExist) {
				continue // moved aside by another run meanwhile
			}
			return fmt.Errorf("build cache: %w", err)
		}
		if verifyEntry(dst) == nil {
			return nil // an equal build won the race
		}
		if attempt >= 3 {
			return fmt.Errorf("build cache: %s keeps being replaced: %w", dst, err)
		}
		aside := dst + ".old-" + randomSuffix()
		if os.Rename(dst, aside) == nil {
			defer os.RemoveAll(aside)
		}
	}
}

func randomSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// touch marks an entry as used now, so pruning keeps it.
func touch(entry string) {
	now := time.Now()
	_ = os.Chtimes(filepath.Join(entry, recordFile), now, now)
}

// Prune removes cache entries not used for longer than maxAge, and
// staging directories left by interrupted runs older than that. It
// returns how many it removed.
func Prune(cacheDir string, maxAge time.Duration) (int, error) {
	des, err := os.ReadDir(cacheDir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("build cache %s: %w", cacheDir, err)
	}
	cutoff := time.Now().Add(-maxAge)
	n := 0
	for _, de := range des {
		p := filepath.Join(cacheDir, de.Name())
		fi, err := os.Stat(filepath.Join(p, recordFile))
		if err != nil {
			fi, err = os.Stat(p)
		}
		if err != nil || fi.ModTime().After(cutoff) {
			continue
		}
		if os.RemoveAll(p) == nil {
			n++
		}
	}
	return n, nil
}
