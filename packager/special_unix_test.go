//go:build unix

package packager

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSpecialFilesAreRefusedNamingThePath(t *testing.T) {
	t.Parallel()
	t.Run("a named pipe", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		writeTree(t, dir, map[string]file{"index.py": {body: "x"}})
		require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644))
		_, err := New(Options{}).PackageDir(context.Background(), dir, DirOptions{})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "pipe: is a special file (named pipe)")
	})
	t.Run("a socket", func(t *testing.T) {
		t.Parallel()
		dir, err := os.MkdirTemp("", "sock") // short path: socket paths are limited to ~100 bytes
		require.NoError(t, err)
		t.Cleanup(func() { os.RemoveAll(dir) })
		writeTree(t, dir, map[string]file{"index.py": {body: "x"}})
		l, err := net.Listen("unix", filepath.Join(dir, "s.sock"))
		require.NoError(t, err)
		defer l.Close()
		_, err = New(Options{}).PackageDir(context.Background(), dir, DirOptions{})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "s.sock: is a special file (socket)")
	})
	t.Run("a link to a device", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		writeTree(t, dir, map[string]file{"index.py": {body: "x"}})
		require.NoError(t, os.Symlink("/dev/null", filepath.Join(dir, "null")))
		_, err := New(Options{}).PackageDir(context.Background(), dir, DirOptions{})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "null: is a symlink to /dev/null, outside the code directory")
	})
}

func TestAFileSwappedForASymlinkAfterTheWalkIsNotFollowed(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	root := filepath.Join(base, "root")
	writeTree(t, root, map[string]file{"index.py": {body: "x"}})
	writeTree(t, base, map[string]file{"secret": {body: "top secret"}})
	tr, err := walkTree(root, root)
	require.NoError(t, err)
	// Between the walk and the read, index.py becomes a link to the secret.
	require.NoError(t, os.Remove(filepath.Join(root, "index.py")))
	require.NoError(t, os.Symlink(filepath.Join(base, "secret"), filepath.Join(root, "index.py")))
	_, err = buildZip(context.Background(), tr, DefaultLevel, 2, 1<<20)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "index.py")
}
