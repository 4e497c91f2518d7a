package packager

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/klauspost/compress/flate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomBytes is n incompressible bytes, the same for the same seed.
func randomBytes(n int, seed byte) []byte {
	b := make([]byte, n)
	_, _ = rand.NewChaCha8([32]byte{seed}).Read(b)
	return b
}

// deflatedLen is how long data deflates at the default level.
func deflatedLen(t *testing.T, data []byte) int {
	t.Helper()
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, DefaultLevel)
	require.NoError(t, err)
	_, err = fw.Write(data)
	require.NoError(t, err)
	require.NoError(t, fw.Close())
	return buf.Len()
}

// evenData deflates to exactly its own length: deflate gains nothing.
func evenData(t *testing.T) []byte {
	data := append([]byte(strings.Repeat("a", 12)), randomBytes(116, 3)...)
	require.Equal(t, len(data), deflatedLen(t, data), "the data deflates to its own length")
	return data
}

func packageWith(t *testing.T, opt Options, files map[string]file) (*Archive, error) {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, files)
	return New(opt).PackageDir(context.Background(), dir, DirOptions{})
}

func TestAFileDeflateCannotShrinkIsStored(t *testing.T) {
	t.Parallel()
	a, err := packageWith(t, Options{}, map[string]file{"even.bin": {body: string(evenData(t))}})
	require.NoError(t, err)
	r, err := zip.NewReader(bytes.NewReader(a.Zip), a.Size)
	require.NoError(t, err)
	assert.Equal(t, zip.Store, r.File[0].Method)
}

// deflateStream handles files over the limit: what it returns must fit the
// limit deflated, else the file alone is too large.
func TestAStreamedFileMustDeflateToAtMostTheLimit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fw, err := flate.NewWriter(nil, DefaultLevel)
	require.NoError(t, err)
	stream := func(body []byte, limit int64) ([]byte, error) {
		p := filepath.Join(dir, fmt.Sprintf("f%d", limit))
		require.NoError(t, os.WriteFile(p, body, 0o644))
		out, _, _, err := deflateStream(p, fw, limit)
		return out, err
	}
	text := []byte(wordsBody()[:20000])
	d := int64(deflatedLen(t, text))
	out, err := stream(text, d)
	require.NoError(t, err, "deflated to exactly the limit")
	assert.Len(t, out, int(d))
	_, err = stream(text, d-1)
	assert.ErrorIs(t, err, errFileTooLarge, "deflated to one byte over the limit")
	_, err = stream(randomBytes(1000, 4), 1<<20)
	assert.ErrorIs(t, err, errFileTooLarge, "random data would be stored, whatever the limit")
	_, err = stream(evenData(t), 1<<20)
	assert.ErrorIs(t, err, errFileTooLarge, "data deflate cannot shrink would be stored too")
}

// A file over the limit is streamed: it must give the very bytes the
// in-memory path gives, whatever its size relative to the sample and chunk
// sizes, or the limit would change checksums.
func TestStreamedAndInMemoryZipsAgreeAtTheSampleAndChunkEdges(t *testing.T) {
	t.Parallel()
	text := strings.Repeat(wordsBody(), 25)
	for _, size := range []int{1000, sampleSize, 200 << 10, sampleFrom - 1, sampleFrom, sampleSize + streamChunk + sampleSize} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			t.Parallel()
			files := map[string]file{"big.txt": {body: text[:size]}}
			inMemory, err := packageWith(t, Options{}, files)
			require.NoError(t, err)
			streamed, err := packageWith(t, Options{MaxSize: int64(size - 1)}, files)
			require.NoError(t, err)
			assert.Equal(t, inMemory.Checksum, streamed.Checksum)
		})
	}
}

// The limit is the largest zip accepted; an error over it gives the zip's
// whole size unless packaging stopped early ("at least").
func TestTheZipSizeLimitIsInclusiveAndErrorsGiveTheWholeSize(t *testing.T) {
	t.Parallel()
	// Members big enough that the zip writer's buffer has passed each one
	// on whole when the next begins.
	files := map[string]file{"a.bin": {body: string(randomBytes(10000, 5))}, "b.bin": {body: string(randomBytes(10000, 6))}}
	whole, err := packageWith(t, Options{}, files)
	require.NoError(t, err)
	firstMember := int64(30 + len("a.bin") + 10000) // local header and stored data
	cases := []struct {
		name    string
		limit   int64
		partial bool
	}{
		{"one byte under the zip", whole.Size - 1, false},
		{"under both members but over the first", firstMember + 5000, false},
		{"exactly where the first member ends", firstMember, false},
		{"under the first member", firstMember - 1, true},
	}
	a, err := packageWith(t, Options{MaxSize: whole.Size}, files)
	require.NoError(t, err, "a zip of exactly the limit")
	assert.Equal(t, whole.Checksum, a.Checksum)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := packageWith(t, Options{MaxSize: tc.limit}, files)
			var tl *TooLargeError
			require.ErrorAs(t, err, &tl)
			assert.Equal(t, tc.partial, tl.Partial)
			assert.Empty(t, tl.File, "no file is too large alone")
			if tc.partial {
				assert.Greater(t, tl.Size, tc.limit)
				assert.Less(t, tl.Size, whole.Size)
			} else {
				assert.Equal(t, whole.Size, tl.Size)
			}
		})
	}
}

func TestAFileOfExactlyTheLimitIsNotBlamedAlone(t *testing.T) {
	t.Parallel()
	files := map[string]file{"big.bin": {body: string(randomBytes(1000, 7))}}
	var tl *TooLargeError
	_, err := packageWith(t, Options{MaxSize: 1000}, files)
	require.ErrorAs(t, err, &tl)
	assert.Empty(t, tl.File, "it fits the limit stored; the zip's headers do not")
	_, err = packageWith(t, Options{MaxSize: 999}, files)
	require.ErrorAs(t, err, &tl)
	assert.Equal(t, "big.bin", tl.File)
}

func TestEveryDeflateLevelFromHuffmanOnlyToBestIsAccepted(t *testing.T) {
	t.Parallel()
	for _, level := range []int{flate.HuffmanOnly, flate.BestCompression} {
		_, err := packageWith(t, Options{Level: level}, sampleTree)
		assert.NoError(t, err, "level %d", level)
	}
	for _, level := range []int{flate.HuffmanOnly - 1, flate.BestCompression + 1} {
		_, err := packageWith(t, Options{Level: level}, sampleTree)
		assert.ErrorContains(t, err, fmt.Sprintf("deflate level %d is not between -2 and 9", level))
	}
}

func TestConcurrencyDefaultsToGOMAXPROCSAndAnyCountGivesTheSameZip(t *testing.T) {
	t.Parallel()
	assert.Equal(t, runtime.GOMAXPROCS(0), New(Options{}).opt.Concurrency)
	assert.Equal(t, 3, New(Options{Concurrency: 3}).opt.Concurrency)
	one, err := packageWith(t, Options{Concurrency: 1}, sampleTree)
	require.NoError(t, err)
	// More workers than files, and than the writer's window per worker.
	many, err := packageWith(t, Options{Concurrency: 16}, sampleTree)
	require.NoError(t, err)
	assert.Equal(t, one.Checksum, many.Checksum)
}

func TestAPrebuiltZipOfExactlyTheLimitIsAccepted(t *testing.T) {
	t.Parallel()
	good := pkgDir(t, func() string { d := t.TempDir(); writeTree(t, d, sampleTree); return d }()).Zip
	path := filepath.Join(t.TempDir(), "app.zip")
	require.NoError(t, os.WriteFile(path, good, 0o644))
	_, err := New(Options{MaxSize: int64(len(good))}).PackageFile(context.Background(), path)
	assert.NoError(t, err)
	_, err = New(Options{MaxSize: int64(len(good)) - 1}).PackageFile(context.Background(), path)
	var tl *TooLargeError
	assert.ErrorAs(t, err, &tl)
}

func TestATreeNestedToTheDepthLimitIsPackagedAndOneDeeperIsRefused(t *testing.T) {
	t.Parallel()
	for _, depth := range []int{maxDepth - 1, maxDepth} {
		dir := t.TempDir()
		deep := strings.Repeat("d/", depth)
		writeTree(t, dir, map[string]file{deep + "x.txt": {body: "x"}})
		_, err := New(Options{}).PackageDir(context.Background(), dir, DirOptions{})
		if depth < maxDepth {
			assert.NoError(t, err, "%d directories below the root", depth)
			continue
		}
		var pe *PathError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, strings.TrimSuffix(deep, "/"), pe.Path)
		assert.Contains(t, pe.Reason, "nested more than 256 directories deep")
	}
}

// A symlink fan-out makes the walk visit many more entries than the tree
// holds on disk: exactly maxEntries pass, one more is refused.
func TestAWalkOfExactlyTheEntryLimitPassesAndOneMoreIsRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("walks half a million entries")
	}
	t.Parallel()
	root := t.TempDir()
	// index.py, .fcignore, d, the links, and d's files through each path.
	const files, links = 500, 997
	require.Equal(t, maxEntries, 3+links+(links+1)*files)
	writeTree(t, root, map[string]file{"index.py": {body: "x"}, ".fcignore": {body: "*.skip\n"}})
	d := filepath.Join(root, "d")
	require.NoError(t, os.Mkdir(d, 0o755))
	for i := range files {
		require.NoError(t, os.WriteFile(filepath.Join(d, fmt.Sprintf("%d.skip", i)), nil, 0o644))
	}
	for i := range links {
		require.NoError(t, os.Symlink("d", filepath.Join(root, fmt.Sprintf("l%d", i))))
	}
	tr, err := walkTree(root, root)
	require.NoError(t, err)
	assert.Len(t, tr.entries, 1, "only index.py is shipped")

	require.NoError(t, os.WriteFile(filepath.Join(root, "one-more.skip"), nil, 0o644))
	_, err = walkTree(root, root)
	var pe *PathError
	require.ErrorAs(t, err, &pe)
	assert.Contains(t, pe.Reason, "more than 500000 files and directories")
}

// A big file replaced by a directory between the walk and the read is
// refused by name, not read.
func TestABigFileSwappedForADirectoryAfterTheWalkIsRefused(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeTree(t, root, map[string]file{"big.txt": {body: wordsBody()}})
	tr, err := walkTree(root, root)
	require.NoError(t, err)
	require.NoError(t, os.Remove(filepath.Join(root, "big.txt")))
	require.NoError(t, os.Mkdir(filepath.Join(root, "big.txt"), 0o755))
	_, err = buildZip(context.Background(), tr, DefaultLevel, 1, 1000)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "big.txt: is no longer a regular file")
	assert.False(t, errors.Is(err, errFileTooLarge))
}

// Files of /proc, like some FUSE files, say size 0 and have content: the
// read must not trust the size the stat gives.
func TestAFileLongerThanItsStatSaysIsReadWhole(t *testing.T) {
	t.Parallel()
	const path = "/proc/self/cmdline"
	fi, err := os.Stat(path)
	if err != nil || fi.Size() != 0 {
		t.Skip("needs a /proc whose files stat as empty")
	}
	data, err := readRegular(path, nil)
	require.NoError(t, err)
	assert.Contains(t, string(data), os.Args[0])
}
