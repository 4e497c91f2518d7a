package importer

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUnzipGoesOnAfterASymlink(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, Unzip(zipOf(t, entry{"current", "lib", os.ModeSymlink | 0o777}, entry{"index.py", "x", 0o644}), dir))
	assert.FileExists(t, filepath.Join(dir, "index.py"), "the entry after the symlink is unpacked too")
}

func TestUnzipRefusesAnEntryWhoseBytesFailTheirChecksum(t *testing.T) {
	z := zipOf(t, entry{"index.py", "print('hello')\n", 0o644})
	at := bytes.Index(z, []byte("hello"))
	require.Positive(t, at, "the entry is stored, not deflated")
	z[at] = 'j'
	err := Unzip(z, t.TempDir())
	assert.ErrorIs(t, err, zip.ErrChecksum)
}

// onDisk is the number of bytes of the files under dir.
func onDisk(t *testing.T, dir string) int64 {
	var n int64
	require.NoError(t, filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			n += fi.Size()
		}
		return err
	}))
	return n
}

func TestCodeOfExactlyTheLimitUnpacksWhole(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, unzip(zipOf(t, entry{"a", strings.Repeat("a", 10), 0o644}), dir, 10))
	b, err := os.ReadFile(filepath.Join(dir, "a"))
	require.NoError(t, err)
	assert.Len(t, b, 10)

	err = unzip(zipOf(t, entry{"a", strings.Repeat("a", 11), 0o644}), t.TempDir(), 10)
	assert.EqualError(t, err, "the code unpacks to more than 10 bytes", "one byte over is refused")
}

func TestCodeOverTheLimitStopsWritingOneByteAfterIt(t *testing.T) {
	dir := t.TempDir()
	err := unzip(zipOf(t, entry{"a", strings.Repeat("a", 9), 0o644}, entry{"b", strings.Repeat("b", 1000), 0o644}), dir, 10)
	require.EqualError(t, err, "the code unpacks to more than 10 bytes")
	assert.Equal(t, int64(11), onDisk(t, dir), "a zip bomb fills the disk no further than the limit and one byte")
}
