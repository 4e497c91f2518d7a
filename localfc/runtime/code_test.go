package runtime

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUnpackRefusesEntriesLeavingTheDirectory(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		files []file
		want  string
	}{
		{"a parent path", []file{{name: "../evil.py", body: "x"}}, `entry "../evil.py": path escapes the code directory`},
		{"a parent path in the middle", []file{{name: "a/../../evil.py", body: "x"}}, "path escapes the code directory"},
		{"an absolute path", []file{{name: "/etc/evil.py", body: "x"}}, "absolute paths are not allowed"},
		{"a windows drive path", []file{{name: "C:\\evil.py", body: "x"}}, "absolute paths are not allowed"},
		{"a backslash parent path", []file{{name: "..\\evil.py", body: "x"}}, "path escapes the code directory"},
		{"a symlink to an absolute path", []file{{name: "link", body: "/etc/passwd", mode: fs.ModeSymlink | 0o777}}, "symlink to absolute path"},
		{"a symlink climbing out", []file{{name: "a/link", body: "../../secret", mode: fs.ModeSymlink | 0o777}}, "points outside the code directory"},
		{"a chain of symlinks climbing out", []file{
			{name: "deep/up", body: "..", mode: fs.ModeSymlink | 0o777},
			{name: "out", body: "deep/up/..", mode: fs.ModeSymlink | 0o777},
			{name: "deep/x", body: "x"},
		}, "symlink resolves outside the code directory"},
		{"a chain through a name that does not exist yet", []file{
			{name: "sub/q", body: "..", mode: fs.ModeSymlink | 0o777},
			{name: "d", body: "sub/q/../../escaped", mode: fs.ModeSymlink | 0o777},
		}, "symlink resolves outside the code directory"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			parent := t.TempDir()
			dir := filepath.Join(parent, "code")
			require.NoError(t, os.Mkdir(dir, 0o755))
			err := Unpack(makeZip(t, tc.files...), dir, 1<<20)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			entries, _ := os.ReadDir(parent)
			assert.Len(t, entries, 1, "nothing was written beside the code directory")
		})
	}
}

func TestUnpackKeepsLinksInsideAndTheExecutableBit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	err := Unpack(makeZip(t,
		file{name: "bin/tool", body: "#!/bin/sh\n", mode: 0o755},
		file{name: "lib/data.txt", body: "data"},
		file{name: "node_modules/.bin/tool", body: "../../bin/tool", mode: fs.ModeSymlink | 0o777},
	), dir, 1<<20)
	require.NoError(t, err)
	st, err := os.Stat(filepath.Join(dir, "bin/tool"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o755), st.Mode().Perm())
	st, err = os.Stat(filepath.Join(dir, "lib/data.txt"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), st.Mode().Perm())
	b, err := os.ReadFile(filepath.Join(dir, "node_modules/.bin/tool"))
	require.NoError(t, err)
	assert.Equal(t, "#!/bin/sh\n", string(b))
}

func TestUnpackStopsAtTheSizeCapWhateverTheHeadersSay(t *testing.T) {
	t.Parallel()
	// 64 MB of zeros compress to a few tens of KB: a small zip bomb.
	bomb := makeZip(t, file{name: "a.txt", body: strings.Repeat("\x00", 32<<20)}, file{name: "b.txt", body: strings.Repeat("\x00", 32<<20)})
	require.Less(t, len(bomb), 1<<20)
	err := Unpack(bomb, t.TempDir(), 40<<20)
	require.ErrorIs(t, err, ErrCodeTooLarge)
	assert.Contains(t, err.Error(), `entry "b.txt"`)
}

func TestInvokeRefusesBadCodeWithACodeError(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	cache := t.TempDir()
	p := newPool(t, Config{CacheDir: cache, MaxUnpackedBytes: 1 << 20})
	slip := fn(t, "python3", "index.handler", file{name: "../index.py", body: "x"})
	bomb := fn(t, "python3", "index.handler", file{name: "index.py", body: strings.Repeat("#", 2<<20)})
	wrongSum := fn(t, "python3", "index.handler", py("def handler(e, c):\n    return 'x'\n"))
	wrongSum.CodeChecksum = "12345"
	for name, req := range map[string]Request{"zip slip": slip, "zip bomb": bomb, "wrong checksum": wrongSum} {
		t.Run(name, func(t *testing.T) {
			_, err := p.Invoke(context.Background(), req)
			var codeErr *CodeError
			require.ErrorAs(t, err, &codeErr)
			assert.Equal(t, req.CodeChecksum, codeErr.Checksum)
			_, statErr := os.Stat(filepath.Join(cache, "code-"+req.CodeSHA256))
			assert.ErrorIs(t, statErr, fs.ErrNotExist, "no cache entry is left behind")
		})
	}
	entries, err := os.ReadDir(cache)
	require.NoError(t, err)
	for _, e := range entries {
		assert.False(t, strings.HasPrefix(e.Name(), ".unpack-"), "temporary directory %s left behind", e.Name())
	}
}

func TestCodeIsLoadedAndUnpackedOncePerSHA256(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	cache := t.TempDir()
	p := newPool(t, Config{CacheDir: cache})
	zipBytes := makeZip(t, py("def handler(e, c):\n    return 'x'\n"))
	loads := 0
	req := Request{
		Service: "svc", Function: "fn", Runtime: "python3", Handler: "index.handler",
		CodeChecksum: fc.CodeChecksum(zipBytes),
		CodeSHA256:   sha256Hex(zipBytes),
		Code:         func() ([]byte, error) { loads++; return zipBytes, nil },
	}
	invoke(t, p, req)
	req.Function = "other" // another function sharing the code
	invoke(t, p, req)
	assert.Equal(t, 1, loads)
	b, err := os.ReadFile(filepath.Join(cache, "code-"+req.CodeSHA256, "index.py"))
	require.NoError(t, err)
	assert.Contains(t, string(b), "def handler")
}
