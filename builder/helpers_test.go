package builder

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// needTools skips a test when a program it needs is missing, except in CI
// where every tool must be there.
func needTools(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is needed by this test and CI=true: install it", n)
			}
			t.Skipf("%s is not installed; skipping (CI=true makes this a failure)", n)
		}
	}
}

// writeTree writes files (name -> content) under dir; names ending in "*"
// are made executable.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		mode := fs.FileMode(0o644)
		if name[len(name)-1] == '*' {
			name, mode = name[:len(name)-1], 0o755
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), mode))
	}
}

// fileState is what a snapshot keeps of each path.
type fileState struct {
	Size  int64
	Mtime time.Time
	Mode  fs.FileMode
	Sum   string
}

// snapshot records every file and directory under dir with its size, mtime,
// mode and content hash, to prove a build changed nothing there.
func snapshot(t *testing.T, dir string) map[string]fileState {
	t.Helper()
	s := map[string]fileState{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		st := fileState{Size: fi.Size(), Mtime: fi.ModTime(), Mode: fi.Mode()}
		if fi.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(data)
			st.Sum = hex.EncodeToString(sum[:])
		}
		if fi.IsDir() {
			st.Size = 0 // a directory's size is the file system's business
		}
		rel, _ := filepath.Rel(dir, p)
		s[rel] = st
		return nil
	}))
	return s
}

// tarball is an npm package tarball (package/ prefix), written with fixed
// times so its integrity hash is stable.
func tarball(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, name := range sortedKeys(files) {
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: "package/" + name, Mode: 0o644, Size: int64(len(files[name])), ModTime: time.Unix(0, 0), Typeflag: tar.TypeReg}))
		_, err := tw.Write([]byte(files[name]))
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	require.NoError(t, gz.Close())
	return buf.Bytes()
}

// nodeProject writes a nodejs function whose only dependency ("tiny") is a
// tarball inside the directory, with the lockfile npm would write, so
// `npm ci` runs without a registry.
func nodeProject(t *testing.T, dir string) {
	t.Helper()
	tgz := tarball(t, map[string]string{
		"package.json": `{"name":"tiny","version":"1.0.0","main":"index.js"}`,
		"index.js":     `module.exports = (s) => "tiny:" + s;` + "\n",
	})
	sum := sha512.Sum512(tgz)
	integrity := "sha512-" + base64.StdEncoding.EncodeToString(sum[:])
	writeTree(t, dir, map[string]string{
		"vendor/tiny-1.0.0.tgz": string(tgz),
		"index.js":              "const tiny = require('tiny');\nexports.handler = (event, context, callback) => callback(null, tiny(String(event)));\n",
		"package.json":          `{"name":"fn","version":"1.0.0","dependencies":{"tiny":"file:vendor/tiny-1.0.0.tgz"}}` + "\n",
		"package-lock.json": fmt.Sprintf(`{
  "name": "fn",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {"name": "fn", "version": "1.0.0", "dependencies": {"tiny": "file:vendor/tiny-1.0.0.tgz"}},
    "node_modules/tiny": {"version": "1.0.0", "resolved": "file:vendor/tiny-1.0.0.tgz", "integrity": %q}
  }
}
`, integrity),
	})
}

// wheel writes a pure-python wheel of package name (one module returning
// its greeting) into dir, as pip would find it with --find-links.
func wheel(t *testing.T, dir, name, version string) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	info := fmt.Sprintf("%s-%s.dist-info", name, version)
	files := map[string]string{
		name + "/__init__.py": "def greet(who):\n    return 'hi ' + who\n",
		info + "/METADATA":    fmt.Sprintf("Metadata-Version: 2.1\nName: %s\nVersion: %s\n", name, version),
		info + "/WHEEL":       "Wheel-Version: 1.0\nGenerator: fcdeploy-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
	}
	var record bytes.Buffer
	for _, n := range sortedKeys(files) {
		w, err := zw.Create(n)
		require.NoError(t, err)
		_, err = w.Write([]byte(files[n]))
		require.NoError(t, err)
		sum := sha256.Sum256([]byte(files[n]))
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", n, base64.RawURLEncoding.EncodeToString(sum[:]), len(files[n]))
	}
	fmt.Fprintf(&record, "%s/RECORD,,\n", info)
	w, err := zw.Create(info + "/RECORD")
	require.NoError(t, err)
	_, err = w.Write(record.Bytes())
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%s-py3-none-any.whl", name, version)), buf.Bytes(), 0o644))
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

func build(t *testing.T, cache string, spec Spec) (*Result, *Builder) {
	t.Helper()
	b := New(Options{CacheDir: cache})
	r, err := b.Build(context.Background(), spec)
	require.NoError(t, err)
	return r, b
}
