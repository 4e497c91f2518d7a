package packager

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

// file is one file of a test tree.
type file struct {
	body string
	mode os.FileMode // 0 means 0644
}

func writeTree(t testing.TB, dir string, files map[string]file) {
	t.Helper()
	for name, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		mode := f.mode
		if mode == 0 {
			mode = 0o644
		}
		require.NoError(t, os.WriteFile(p, []byte(f.body), mode))
		require.NoError(t, os.Chmod(p, mode))
	}
}

func pkgDir(t testing.TB, dir string) *Archive {
	t.Helper()
	a, err := New(Options{}).PackageDir(context.Background(), dir, DirOptions{})
	require.NoError(t, err)
	return a
}

// zipNames lists the names and modes of a zip's entries in stored order.
func zipEntries(t testing.TB, data []byte) map[string]os.FileMode {
	t.Helper()
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	out := map[string]os.FileMode{}
	for _, f := range r.File {
		out[f.Name] = f.Mode()
	}
	return out
}

func zipNames(t testing.TB, data []byte) []string {
	t.Helper()
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	var names []string
	for _, f := range r.File {
		names = append(names, f.Name)
	}
	return names
}

func zipContent(t testing.TB, data []byte, name string) string {
	t.Helper()
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	rc, err := r.Open(name)
	require.NoError(t, err)
	defer rc.Close()
	b, err := io.ReadAll(rc)
	require.NoError(t, err)
	return string(b)
}

var sampleTree = map[string]file{
	"index.py":          {body: "def handler(event, context):\n    return 'hello'\n"},
	"lib/util.py":       {body: strings.Repeat("x = 1\n", 200)},
	"bin/tool":          {body: "#!/bin/sh\necho tool\n", mode: 0o755},
	"data/empty.txt":    {body: ""},
	"data/a b/ünï.json": {body: `{"k": "v"}`},
	"group-exec.sh":     {body: "echo g\n", mode: 0o710},
	"lib/words.txt":     {body: wordsBody()},
}

// wordsBody is 60 KB of varied text: big enough that the deflate level and
// the compressor's choices show in the pinned hash.
func wordsBody() string {
	var sb strings.Builder
	words := strings.Fields("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu")
	for i := 0; sb.Len() < 60_000; i++ {
		fmt.Fprintf(&sb, "%d %s %s %d\n", i, words[i%len(words)], words[(i*7)%len(words)], i*i%977)
	}
	return sb.String()
}

func TestSameTreeGivesByteIdenticalZip(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(t *testing.T, dir string) string // returns the dir to package
	}{
		{"after touching every file", func(t *testing.T, dir string) string {
			later := time.Now().Add(48 * time.Hour)
			require.NoError(t, filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
				require.NoError(t, err)
				return os.Chtimes(p, later, later)
			}))
			return dir
		}},
		{"after chmod of non-executable bits", func(t *testing.T, dir string) string {
			require.NoError(t, os.Chmod(filepath.Join(dir, "index.py"), 0o600))
			require.NoError(t, os.Chmod(filepath.Join(dir, "lib/util.py"), 0o664))
			require.NoError(t, os.Chmod(filepath.Join(dir, "bin/tool"), 0o700))
			return dir
		}},
		{"in a fresh copy elsewhere", func(t *testing.T, dir string) string {
			fresh := filepath.Join(t.TempDir(), "elsewhere", "copy")
			writeTree(t, fresh, sampleTree)
			return fresh
		}},
		{"when written under another umask", func(t *testing.T, dir string) string {
			fresh := t.TempDir()
			cmd := exec.Command("sh", "-c", `umask 077 && cp -R "$1"/. "$2"/`, "sh", dir, fresh)
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, string(out))
			return fresh
		}},
		{"with files created in another order", func(t *testing.T, dir string) string {
			fresh := t.TempDir()
			names := make([]string, 0, len(sampleTree))
			for n := range sampleTree {
				names = append(names, n)
			}
			sort.Sort(sort.Reverse(sort.StringSlice(names)))
			for _, n := range names {
				writeTree(t, fresh, map[string]file{n: sampleTree[n]})
			}
			return fresh
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeTree(t, dir, sampleTree)
			before := pkgDir(t, dir)
			after := pkgDir(t, tc.change(t, dir))
			assert.Equal(t, before.Checksum, after.Checksum)
			assert.True(t, bytes.Equal(before.Zip, after.Zip), "zips differ")
		})
	}
}

// TestArchiveHashIsPinned fails when the bytes produced for a fixed tree
// change: that breaks every user's "unchanged" detection, so it must come
// with a FormatVersion bump. (Format 2, klauspost/compress v1.20.4 at level
// 6, changed it deliberately.)
func TestArchiveHashIsPinned(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeTree(t, dir, sampleTree)
	a := pkgDir(t, dir)
	sum := sha256.Sum256(a.Zip)
	assert.Equal(t, "60cdc023c6056c81dd76c406fef94f96c07b6f5b8b965c3bd606ed3c5d8a5adc", hex.EncodeToString(sum[:]))
	assert.Equal(t, fc.CodeChecksum(a.Zip), a.Checksum)
	assert.Equal(t, int64(len(a.Zip)), a.Size)
	assert.Equal(t, len(sampleTree), a.Files)
}

// TestZipHeadersCarryNoTimestampsOrExtras reads the raw bytes of every local
// and central header, as a hexdump would show them.
func TestZipHeadersCarryNoTimestampsOrExtras(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeTree(t, dir, sampleTree)
	z := pkgDir(t, dir).Zip

	le := binary.LittleEndian
	// The first bytes of the archive are a local header for "bin/tool".
	require.Equal(t, []byte{'P', 'K', 3, 4}, z[:4], "hexdump: % x", z[:32])
	assert.Equal(t, uint16(20), le.Uint16(z[4:]), "version needed")
	assert.Equal(t, uint16(0), le.Uint16(z[6:]), "flags: no data descriptor")
	assert.Equal(t, uint16(0), le.Uint16(z[10:]), "DOS time 00:00:00")
	assert.Equal(t, uint16(0x21), le.Uint16(z[12:]), "DOS date 1980-01-01")
	assert.Equal(t, uint16(len("bin/tool")), le.Uint16(z[26:]))
	assert.Equal(t, uint16(0), le.Uint16(z[28:]), "extra field length")
	assert.Equal(t, "bin/tool", string(z[30:38]))

	locals, centrals := 0, 0
	for i := 0; i+46 <= len(z); i++ {
		switch {
		case bytes.Equal(z[i:i+4], []byte{'P', 'K', 3, 4}):
			locals++
			assert.Equal(t, uint16(0), le.Uint16(z[i+28:]), "local extra at %d", i)
			assert.Equal(t, uint16(0x21), le.Uint16(z[i+12:]))
		case bytes.Equal(z[i:i+4], []byte{'P', 'K', 1, 2}):
			centrals++
			assert.Equal(t, uint16(3<<8|20), le.Uint16(z[i+4:]), "made by Unix 2.0")
			assert.Equal(t, uint16(0), le.Uint16(z[i+12:]), "central DOS time")
			assert.Equal(t, uint16(0x21), le.Uint16(z[i+14:]), "central DOS date")
			assert.Equal(t, uint16(0), le.Uint16(z[i+30:]), "central extra length")
			assert.Equal(t, uint16(0), le.Uint16(z[i+32:]), "file comment length")
		}
	}
	assert.Equal(t, len(sampleTree), locals)
	assert.Equal(t, len(sampleTree), centrals)
	// End of central directory: no archive comment.
	assert.Equal(t, []byte{'P', 'K', 5, 6}, z[len(z)-22:len(z)-18])
	assert.Equal(t, uint16(0), le.Uint16(z[len(z)-2:]), "archive comment length")
}

func TestEntriesAreSortedWithNormalisedModesAndNoDirectories(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeTree(t, dir, sampleTree)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "empty/nested"), 0o755))
	a := pkgDir(t, dir)
	assert.Equal(t, []string{"bin/tool", "data/a b/ünï.json", "data/empty.txt", "group-exec.sh", "index.py", "lib/util.py", "lib/words.txt"}, zipNames(t, a.Zip))
	assert.Equal(t, map[string]os.FileMode{
		"bin/tool": 0o755, "data/a b/ünï.json": 0o644, "data/empty.txt": 0o644,
		"group-exec.sh": 0o755, "index.py": 0o644, "lib/util.py": 0o644, "lib/words.txt": 0o644,
	}, zipEntries(t, a.Zip))
	assert.Equal(t, sampleTree["lib/util.py"].body, zipContent(t, a.Zip, "lib/util.py"))
	assert.Equal(t, sampleTree["data/a b/ünï.json"].body, zipContent(t, a.Zip, "data/a b/ünï.json"))
}

func TestIncompressibleFilesAreStoredAndTextIsDeflated(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	random := make([]byte, 1<<20)
	rng := rand.NewChaCha8([32]byte{1})
	_, _ = rng.Read(random)
	writeTree(t, dir, map[string]file{
		"random.bin": {body: string(random)},
		"small.bin":  {body: string(random[:1000])},
		"text.txt":   {body: strings.Repeat("hello world ", 100000)},
	})
	a := pkgDir(t, dir)
	r, err := zip.NewReader(bytes.NewReader(a.Zip), a.Size)
	require.NoError(t, err)
	methods := map[string]uint16{}
	for _, f := range r.File {
		methods[f.Name] = f.Method
	}
	assert.Equal(t, zip.Store, methods["random.bin"])
	assert.Equal(t, zip.Store, methods["small.bin"])
	assert.Equal(t, zip.Deflate, methods["text.txt"])
	assert.Equal(t, string(random), zipContent(t, a.Zip, "random.bin"))
}

func TestIgnoredFilesAreNotShipped(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeTree(t, dir, map[string]file{
		".fcignore":             {body: "*.log\ntests/\n!important.log\n"},
		"index.js":              {body: "exports.handler = () => {}"},
		"debug.log":             {body: "x"},
		"important.log":         {body: "x"},
		"tests/a_test.js":       {body: "x"},
		".git/config":           {body: "x"},
		".fcdeploy/cache/x":     {body: "x"},
		"node_modules/m/.git/x": {body: "x"},
		"node_modules/m/i.js":   {body: "x"},
		".DS_Store":             {body: "x"},
	})
	a := pkgDir(t, dir)
	assert.Equal(t, []string{"important.log", "index.js", "node_modules/m/i.js"}, zipNames(t, a.Zip))
}

func TestSymlinks(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		setup   func(t *testing.T, root, outside string)
		wantErr string // "" means success
		want    map[string]string
	}{
		{"a relative link to a file inside is shipped as that file's content", func(t *testing.T, root, _ string) {
			require.NoError(t, os.Symlink("real.txt", filepath.Join(root, "link.txt")))
		}, "", map[string]string{"link.txt": "real", "real.txt": "real"}},
		{"an absolute link to a file inside is kept too", func(t *testing.T, root, _ string) {
			require.NoError(t, os.Symlink(filepath.Join(root, "real.txt"), filepath.Join(root, "abs.txt")))
		}, "", map[string]string{"abs.txt": "real", "real.txt": "real"}},
		{"a link to a directory inside is shipped as its files", func(t *testing.T, root, _ string) {
			writeTree(t, root, map[string]file{"shared/x.py": {body: "x"}})
			require.NoError(t, os.Symlink("shared", filepath.Join(root, "alias")))
		}, "", map[string]string{"alias/x.py": "x", "real.txt": "real", "shared/x.py": "x"}},
		{"a link escaping the directory is refused naming it", func(t *testing.T, root, outside string) {
			require.NoError(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "leak")))
		}, "leak: is a symlink to", nil},
		{"a relative link climbing out is refused", func(t *testing.T, root, _ string) {
			require.NoError(t, os.Symlink("../../etc/passwd", filepath.Join(root, "passwd")))
		}, "passwd: is a", nil},
		{"a dangling link is refused", func(t *testing.T, root, _ string) {
			require.NoError(t, os.Symlink("missing.txt", filepath.Join(root, "dangling")))
		}, "dangling: is a dangling symlink", nil},
		{"a link loop is refused", func(t *testing.T, root, _ string) {
			require.NoError(t, os.Symlink("b", filepath.Join(root, "a")))
			require.NoError(t, os.Symlink("a", filepath.Join(root, "b")))
		}, "a: is a symlink loop", nil},
		{"a link to an ancestor directory is refused as a loop", func(t *testing.T, root, _ string) {
			require.NoError(t, os.MkdirAll(filepath.Join(root, "d"), 0o755))
			require.NoError(t, os.Symlink("..", filepath.Join(root, "d", "up")))
		}, "d/up: is a symlink loop", nil},
		{"an ignored escaping link is simply skipped", func(t *testing.T, root, outside string) {
			require.NoError(t, os.Symlink(outside, filepath.Join(root, "out")))
			require.NoError(t, os.WriteFile(filepath.Join(root, ".fcignore"), []byte("out\n"), 0o644))
		}, "", map[string]string{"real.txt": "real"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			base := t.TempDir()
			root, outside := filepath.Join(base, "root"), filepath.Join(base, "outside")
			writeTree(t, root, map[string]file{"real.txt": {body: "real"}})
			writeTree(t, outside, map[string]file{"secret": {body: "top secret"}})
			tc.setup(t, root, outside)
			a, err := New(Options{}).PackageDir(context.Background(), root, DirOptions{})
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				var pe *PathError
				assert.True(t, errors.As(err, &pe), "a *PathError")
				return
			}
			require.NoError(t, err)
			got := map[string]string{}
			for _, n := range zipNames(t, a.Zip) {
				got[n] = zipContent(t, a.Zip, n)
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestUnsafeNamesAreRefused(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		`a\b.txt`:     "contains a backslash",
		"bad\xff.txt": "not valid UTF-8",
	} {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644))
		_, err := New(Options{}).PackageDir(context.Background(), dir, DirOptions{})
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), want)
	}
}

func TestEmptyCodeDirectoryIsAnError(t *testing.T) {
	t.Parallel()
	cases := map[string]map[string]file{
		"a directory with nothing in it": {},
		"a directory with only ignored files": {
			".fcignore": {body: "*\n"}, "a.txt": {body: "x"}, ".git/HEAD": {body: "x"},
		},
		"a directory with only empty directories": {},
	}
	for name, files := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeTree(t, dir, files)
			if strings.Contains(name, "empty directories") {
				require.NoError(t, os.MkdirAll(filepath.Join(dir, "a/b"), 0o755))
			}
			_, err := New(Options{}).PackageDir(context.Background(), dir, DirOptions{})
			require.ErrorIs(t, err, ErrEmpty)
			assert.Contains(t, err.Error(), "contains no files after ignore rules")
			assert.Contains(t, err.Error(), dir)
		})
	}
}

func TestMissingHandlerFileIsAnError(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, runtime, handler string
		files                  []string
		want                   string // "" means fine
	}{
		{"python with index.py", "python3", "index.handler", []string{"index.py"}, ""},
		{"python without index.py", "python3", "index.handler", []string{"main.py"}, "has no index.py for handler \"index.handler\" (runtime python3)"},
		{"python with a package path", "python3.9", "app.main.handler", []string{"app/main.py"}, ""},
		{"python with a package directory", "python2.7", "app.handler", []string{"app/__init__.py"}, ""},
		{"nodejs with index.js", "nodejs14", "index.handler", []string{"index.js"}, ""},
		{"nodejs in a subdirectory", "nodejs12", "src/index.handler", []string{"src/index.js"}, ""},
		{"nodejs without index.js", "nodejs12", "index.handler", []string{"index.py"}, "has no index.js for handler"},
		{"java handlers are not files and are not checked", "java11", "example.App::handleRequest", []string{"app.jar"}, ""},
		{"custom runtimes are not checked", "custom", "index.handler", []string{"bootstrap"}, ""},
		{"a handler without a module is the schema's to report", "python3", ".handler", []string{"index.py"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			files := map[string]file{}
			for _, f := range tc.files {
				files[f] = file{body: "x"}
			}
			writeTree(t, dir, files)
			_, err := New(Options{}).PackageDir(context.Background(), dir, DirOptions{Runtime: tc.runtime, Handler: tc.handler})
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			var he *HandlerError
			require.ErrorAs(t, err, &he)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestZipOverTheLimitSuggestsOSS(t *testing.T) {
	t.Parallel()
	random := make([]byte, 64<<10)
	_, _ = rand.NewChaCha8([32]byte{2}).Read(random)
	cases := []struct {
		name  string
		files map[string]file
		want  []string
	}{
		{"files that together exceed the limit", map[string]file{
			"a.bin": {body: string(random[:20000])}, "b.bin": {body: string(random[20000:40000])}, "c.bin": {body: string(random[40000:60000])},
		}, []string{"the zip is at least", "over the 32.0 KiB Function Compute accepts inline", "code: oss://bucket/object"}},
		{"one file alone over the limit", map[string]file{"big.bin": {body: string(random)}, "small.txt": {body: "x"}},
			[]string{"big.bin (64.0 KiB) alone compresses to more than the 32.0 KiB", "code: oss://bucket/object"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeTree(t, dir, tc.files)
			_, err := New(Options{MaxSize: 32 << 10}).PackageDir(context.Background(), dir, DirOptions{})
			var tl *TooLargeError
			require.ErrorAs(t, err, &tl)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
	assert.Equal(t, int64(fc.MaxZipSize), New(Options{}).opt.MaxSize, "the default limit is Function Compute's")
}

// TestFilesOverTheLimitAreStreamedToTheSameBytes: a file bigger than the
// limit is compressed without loading it whole, and must give the bytes the
// in-memory path gives, or the limit would change checksums.
func TestFilesOverTheLimitAreStreamedToTheSameBytes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeTree(t, dir, map[string]file{"big.txt": {body: strings.Repeat(wordsBody(), 50)}, "index.py": {body: "x"}})
	streamed, err := New(Options{MaxSize: 1 << 20}).PackageDir(context.Background(), dir, DirOptions{})
	require.NoError(t, err)
	inMemory, err := New(Options{MaxSize: 1 << 30}).PackageDir(context.Background(), dir, DirOptions{})
	require.NoError(t, err)
	assert.Equal(t, inMemory.Checksum, streamed.Checksum)
	assert.Equal(t, strings.Repeat(wordsBody(), 50), zipContent(t, streamed.Zip, "big.txt"))
}

func TestPrebuiltZipIsUsedByteForByte(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("index.py") // with timestamps and extras: not ours to change
	require.NoError(t, err)
	_, _ = w.Write([]byte("def handler(e, c): pass\n"))
	_, err = zw.Create("lib/")
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	path := filepath.Join(dir, "app.jar")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))

	a, err := New(Options{}).PackageFile(context.Background(), path)
	require.NoError(t, err)
	assert.Equal(t, buf.Bytes(), a.Zip)
	assert.Equal(t, fc.CodeChecksum(buf.Bytes()), a.Checksum)
	assert.Equal(t, 1, a.Files)
	b64, err := a.Base64()
	require.NoError(t, err)
	assert.Equal(t, base64.StdEncoding.EncodeToString(buf.Bytes()), b64)
}

func TestInvalidPrebuiltZipIsRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := pkgDir(t, func() string { d := t.TempDir(); writeTree(t, d, sampleTree); return d }()).Zip
	corrupt := bytes.Clone(good)
	corrupt[40] ^= 0xff // inside the first member's data: CRC mismatch
	cases := map[string][]byte{
		"not a zip at all":     []byte("hello"),
		"a truncated zip":      good[:len(good)/2],
		"a zip with a bad CRC": corrupt,
	}
	for name, data := range cases {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".zip")
		require.NoError(t, os.WriteFile(p, data, 0o644))
		_, err := New(Options{}).PackageFile(context.Background(), p)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "is not a valid zip archive", name)
	}
	big := filepath.Join(dir, "big.zip")
	require.NoError(t, os.WriteFile(big, good, 0o644))
	_, err := New(Options{MaxSize: 100}).PackageFile(context.Background(), big)
	var tl *TooLargeError
	assert.ErrorAs(t, err, &tl)
}

func TestSharedDirectoryIsPackagedOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeTree(t, dir, sampleTree)
	p := New(Options{})
	const callers = 8
	archives := make([]*Archive, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			// Different spellings of the same directory share one packaging.
			d := dir
			if i%2 == 1 {
				d = filepath.Join(dir, "lib", "..")
			}
			a, err := p.PackageDir(context.Background(), d, DirOptions{Runtime: "python3", Handler: "index.handler"})
			assert.NoError(t, err)
			archives[i] = a
		})
	}
	wg.Wait()
	assert.Equal(t, int64(1), p.Stats().Built)
	assert.Equal(t, int64(callers-1), p.Stats().Shared)
	for _, a := range archives {
		assert.Same(t, archives[0], a)
	}
	// The handler is still checked per function.
	_, err := p.PackageDir(context.Background(), dir, DirOptions{Runtime: "nodejs14", Handler: "index.handler"})
	var he *HandlerError
	assert.ErrorAs(t, err, &he)
}

func TestCache(t *testing.T) {
	t.Parallel()
	setup := func(t *testing.T) (dir, cache string) {
		dir, cache = t.TempDir(), t.TempDir()
		writeTree(t, dir, sampleTree)
		return dir, cache
	}
	run := func(t *testing.T, dir, cache string) (*Archive, Stats) {
		p := New(Options{CacheDir: cache})
		a, err := p.PackageDir(context.Background(), dir, DirOptions{})
		require.NoError(t, err)
		return a, p.Stats()
	}
	t.Run("an unchanged tree is a hit with the same bytes", func(t *testing.T) {
		t.Parallel()
		dir, cache := setup(t)
		cold, s := run(t, dir, cache)
		assert.Equal(t, int64(1), s.Built)
		warm, s := run(t, dir, cache)
		assert.Equal(t, Stats{CacheHits: 1}, s)
		assert.True(t, warm.Cached)
		assert.Nil(t, warm.Zip, "a hit keeps the zip on disk, not in memory")
		assert.Equal(t, cold.Zip, zipBytes(t, warm))
		assert.Equal(t, cold.Files, warm.Files)
	})
	t.Run("a hit whose zip changed keeping its size and time is refused when its bytes are used", func(t *testing.T) {
		t.Parallel()
		dir, cache := setup(t)
		cold, _ := run(t, dir, cache)
		fi, err := os.Stat(cold.Path)
		require.NoError(t, err)
		data, err := os.ReadFile(cold.Path)
		require.NoError(t, err)
		data[len(data)/2] ^= 1
		require.NoError(t, os.WriteFile(cold.Path, data, 0o644))
		require.NoError(t, os.Chtimes(cold.Path, fi.ModTime(), fi.ModTime()))
		warm, s := run(t, dir, cache)
		require.Equal(t, Stats{CacheHits: 1}, s, "size and time match: the lookup does not read the zip")
		_, err = warm.Bytes()
		assert.ErrorContains(t, err, "changed since it was packaged")
		require.NoError(t, os.Remove(warm.Path))
		_, err = warm.Bytes()
		assert.ErrorContains(t, err, dir)
	})
	t.Run("a changed file is a miss and replaces the old entry", func(t *testing.T) {
		t.Parallel()
		dir, cache := setup(t)
		cold, _ := run(t, dir, cache)
		writeTree(t, dir, map[string]file{"index.py": {body: "changed"}})
		warm, s := run(t, dir, cache)
		assert.Equal(t, int64(1), s.Built)
		assert.NotEqual(t, cold.Checksum, warm.Checksum)
		entries, _ := filepath.Glob(filepath.Join(cache, "*", "*.zip"))
		assert.Len(t, entries, 1, "the stale entry is dropped")
	})
	t.Run("a changed .fcignore is a miss", func(t *testing.T) {
		t.Parallel()
		dir, cache := setup(t)
		run(t, dir, cache)
		writeTree(t, dir, map[string]file{".fcignore": {body: "# nothing\n"}})
		_, s := run(t, dir, cache)
		assert.Equal(t, int64(1), s.Built)
	})
	t.Run("a corrupt entry is detected and rebuilt", func(t *testing.T) {
		t.Parallel()
		dir, cache := setup(t)
		cold, _ := run(t, dir, cache)
		entries, _ := filepath.Glob(filepath.Join(cache, "*", "*.zip"))
		require.Len(t, entries, 1)
		data, _ := os.ReadFile(entries[0])
		data[len(data)/2] ^= 1
		require.NoError(t, os.WriteFile(entries[0], data, 0o644))
		// A later write moves the modification time (here explicitly, as a
		// coarse file system clock might not have ticked yet).
		later := time.Now().Add(time.Hour)
		require.NoError(t, os.Chtimes(entries[0], later, later))
		warm, s := run(t, dir, cache)
		assert.Equal(t, int64(1), s.Built)
		assert.Equal(t, cold.Zip, zipBytes(t, warm))
		fixed, _ := os.ReadFile(entries[0])
		assert.Equal(t, cold.Zip, fixed, "the entry is rewritten")
	})
	t.Run("a zip touched since it was written is checksummed and still a hit", func(t *testing.T) {
		t.Parallel()
		dir, cache := setup(t)
		// Stored, so the zip is read in several chunks.
		writeTree(t, dir, map[string]file{"random.bin": {body: string(randomBytes(2*chunkSize, 8))}})
		cold, _ := run(t, dir, cache)
		later := time.Now().Add(time.Hour)
		require.NoError(t, os.Chtimes(cold.Path, later, later))
		warm, s := run(t, dir, cache)
		assert.Equal(t, Stats{CacheHits: 1}, s)
		assert.Equal(t, cold.Zip, zipBytes(t, warm))
	})
	t.Run("a zip that lost bytes keeping its time is a miss", func(t *testing.T) {
		t.Parallel()
		dir, cache := setup(t)
		cold, _ := run(t, dir, cache)
		fi, err := os.Stat(cold.Path)
		require.NoError(t, err)
		require.NoError(t, os.Truncate(cold.Path, fi.Size()-1))
		require.NoError(t, os.Chtimes(cold.Path, fi.ModTime(), fi.ModTime()))
		warm, s := run(t, dir, cache)
		assert.Equal(t, int64(1), s.Built)
		assert.Equal(t, cold.Zip, zipBytes(t, warm))
	})
	t.Run("a zip removed from the cache is a miss", func(t *testing.T) {
		t.Parallel()
		dir, cache := setup(t)
		cold, _ := run(t, dir, cache)
		require.NoError(t, os.Remove(cold.Path))
		_, s := run(t, dir, cache)
		assert.Equal(t, int64(1), s.Built)
	})
	t.Run("a hit whose zip grew is refused when its bytes are used", func(t *testing.T) {
		t.Parallel()
		dir, cache := setup(t)
		run(t, dir, cache)
		warm, _ := run(t, dir, cache)
		f, err := os.OpenFile(warm.Path, os.O_APPEND|os.O_WRONLY, 0)
		require.NoError(t, err)
		_, err = f.Write([]byte{0})
		require.NoError(t, err)
		require.NoError(t, f.Close())
		_, err = warm.Bytes()
		assert.ErrorContains(t, err, fmt.Sprintf("is %d bytes, %d were packaged", warm.Size+1, warm.Size))
	})
	t.Run("an entry over a smaller limit is not used", func(t *testing.T) {
		t.Parallel()
		dir, cache := setup(t)
		cold, _ := run(t, dir, cache)
		p := New(Options{CacheDir: cache, MaxSize: cold.Size})
		_, err := p.PackageDir(context.Background(), dir, DirOptions{})
		require.NoError(t, err)
		assert.Equal(t, Stats{CacheHits: 1}, p.Stats(), "exactly the limit")
		p = New(Options{CacheDir: cache, MaxSize: cold.Size - 1})
		_, err = p.PackageDir(context.Background(), dir, DirOptions{})
		var tl *TooLargeError
		require.ErrorAs(t, err, &tl)
		assert.Equal(t, int64(0), p.Stats().CacheHits)
	})
	t.Run("an unwritable cache does not fail packaging", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		writeTree(t, dir, sampleTree)
		blocker := filepath.Join(t.TempDir(), "file")
		require.NoError(t, os.WriteFile(blocker, nil, 0o644))
		_, s := run(t, dir, filepath.Join(blocker, "cache"))
		assert.Equal(t, int64(1), s.Built)
		assert.Equal(t, int64(1), s.CacheWriteErrors)
		assert.Contains(t, s.LastCacheError, "packager cache")
	})
}

func TestSaveAsWritesTheZip(t *testing.T) {
	t.Parallel()
	dir, cache, out := t.TempDir(), t.TempDir(), t.TempDir()
	writeTree(t, dir, sampleTree)
	a, err := New(Options{CacheDir: cache}).PackageDir(context.Background(), dir, DirOptions{})
	require.NoError(t, err)
	require.NotEmpty(t, a.Path)
	dst := filepath.Join(out, "svc", "fn.zip")
	require.NoError(t, a.SaveAs(dst))
	require.NoError(t, a.SaveAs(dst), "overwriting is fine")
	got, err := os.ReadFile(dst)
	require.NoError(t, err)
	assert.Equal(t, a.Zip, got)
	linked, err := os.Stat(dst)
	require.NoError(t, err)
	cached, err := os.Stat(a.Path)
	require.NoError(t, err)
	assert.True(t, os.SameFile(cached, linked), "a hard link to the cache entry")

	mem := &Archive{Zip: []byte("PK"), Checksum: "1"}
	require.NoError(t, mem.SaveAs(filepath.Join(out, "mem.zip")))
	got, err = os.ReadFile(filepath.Join(out, "mem.zip"))
	require.NoError(t, err)
	assert.Equal(t, "PK", string(got))
}

func TestAFreshArchiveKeepsItsBytesWhenItsCacheEntryIsGone(t *testing.T) {
	t.Parallel()
	dir, cache, out := t.TempDir(), t.TempDir(), t.TempDir()
	writeTree(t, dir, sampleTree)
	a, err := New(Options{CacheDir: cache}).PackageDir(context.Background(), dir, DirOptions{})
	require.NoError(t, err)
	require.NoError(t, os.RemoveAll(cache))
	assert.Equal(t, a.Zip, zipBytes(t, a))
	dst := filepath.Join(out, "fn.zip")
	require.NoError(t, a.SaveAs(dst), "the link fails: the bytes in memory are copied")
	got, err := os.ReadFile(dst)
	require.NoError(t, err)
	assert.Equal(t, a.Zip, got)
}

func TestSaveAsOntoADirectoryFailsLeavingNoTemporaryFile(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	dst := filepath.Join(out, "fn.zip")
	require.NoError(t, os.MkdirAll(filepath.Join(dst, "inside"), 0o755))
	mem := &Archive{Zip: []byte("PK"), Checksum: "1"}
	require.Error(t, mem.SaveAs(dst))
	left, err := os.ReadDir(out)
	require.NoError(t, err)
	assert.Len(t, left, 1, "only the directory: %v", left)
}

func TestArtifactsRoundTrip(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "out", ArtifactsFile)
	in := Artifacts{Project: "shop", Artifacts: []ArtifactRecord{
		{Service: "shop", Function: "checkout", File: "shop/checkout.zip", Checksum: "123", Size: 10, Source: "functions/checkout"},
		{Service: "api", Function: "b", Source: "oss://bucket/b.zip"},
		{Service: "api", Function: "a", File: "api/a.zip", Checksum: "9", Size: 1, Source: "functions/a"},
	}}
	require.NoError(t, WriteArtifacts(path, in))
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"format_version": "1"`)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm(), "readable by all, like any file written")
	assert.Less(t, strings.Index(string(raw), `"function": "a"`), strings.Index(string(raw), `"function": "checkout"`), "sorted")

	out, err := ReadArtifacts(path)
	require.NoError(t, err)
	assert.Equal(t, "shop", out.Project)
	assert.Equal(t, []string{"api/a", "api/b", "shop/checkout"}, []string{
		out.Artifacts[0].Service + "/" + out.Artifacts[0].Function,
		out.Artifacts[1].Service + "/" + out.Artifacts[1].Function,
		out.Artifacts[2].Service + "/" + out.Artifacts[2].Function,
	})
	assert.Equal(t, in.Artifacts[0], *out.Find("shop", "checkout"))
	assert.Nil(t, out.Find("shop", "nope"))

	require.NoError(t, os.WriteFile(path, []byte(`{"format_version":"9","artifacts":[]}`), 0o644))
	_, err = ReadArtifacts(path)
	assert.ErrorContains(t, err, `format_version "9" is not supported`)
}

func TestCancelledContextStopsPackaging(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeTree(t, dir, sampleTree)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := New(Options{})
	_, err := p.PackageDir(ctx, dir, DirOptions{})
	require.ErrorIs(t, err, context.Canceled)
	// The failed flight is forgotten: a later call packages normally.
	_, err = p.PackageDir(context.Background(), dir, DirOptions{})
	assert.NoError(t, err)
}

// zipBytes is the archive's zip, wherever it is kept.
func zipBytes(t *testing.T, a *Archive) []byte {
	t.Helper()
	data, err := a.Bytes()
	require.NoError(t, err)
	return data
}
