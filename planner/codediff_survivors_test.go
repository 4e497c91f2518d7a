package planner

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

// sameCodeOtherZip is the shop scenario where checkout's local zip holds the
// live files zipped by another tool.
func sameCodeOtherZip(t *testing.T) (*Desired, *Live, *codeFake) {
	return codeScenario(t, buildZip(t, reversed(appFiles), zip.Store, true), buildZip(t, appFiles, zip.Deflate, false))
}

func TestACompareLimitedToAServiceOrOneOfItsFunctionsComparesThatFunctionOnly(t *testing.T) {
	for _, tc := range []struct {
		only []string
		same []string
	}{
		{[]string{"shop"}, []string{"function.shop/checkout"}},
		{[]string{"shop/checkout"}, []string{"function.shop/checkout"}},
		{[]string{"billing"}, nil},
		{[]string{"billing/checkout"}, nil},
	} {
		d, live, fake := sameCodeOtherZip(t)
		cmp, err := CompareCode(context.Background(), fake, d, live, fake, CompareOptions{Only: tc.only})
		require.NoError(t, err)
		assert.Equal(t, tc.same, cmp.Same, "only %v", tc.only)
	}
}

func TestCodeOfServicesAndFunctionsNotYetDeployedIsNotCompared(t *testing.T) {
	d, live, fake := sameCodeOtherZip(t)
	d.Services[0].Functions = append(d.Services[0].Functions, DesiredFunction{Name: "refund", Code: DesiredCode{Checksum: "333"}})
	d.Services = append(d.Services, DesiredService{Name: "billing", Functions: []DesiredFunction{{Name: "charge", Code: DesiredCode{Checksum: "444"}}}})
	cmp, err := CompareCode(context.Background(), fake, d, live, fake, CompareOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{"function.shop/checkout"}, cmp.Same)
	assert.Equal(t, 1, fake.downloads)
}

func TestCodeWithoutAChecksumOnEitherSideIsNotCompared(t *testing.T) {
	d, live, fake := sameCodeOtherZip(t)
	d.Services[0].Functions[0].Code.Checksum = ""
	cmp, err := CompareCode(context.Background(), fake, d, live, fake, CompareOptions{})
	require.NoError(t, err, "no local checksum")
	assert.Empty(t, cmp.Same)

	d, live, fake = sameCodeOtherZip(t)
	live.Services["shop"].Functions["checkout"].CodeChecksum = ""
	cmp, err = CompareCode(context.Background(), fake, d, live, fake, CompareOptions{})
	require.NoError(t, err, "no live checksum")
	assert.Empty(t, cmp.Same)
	assert.Zero(t, fake.downloads)
}

func TestAnnotatingAPlanLeavesFunctionChangesWithoutNewCodeAlone(t *testing.T) {
	changed := append([]zipFile(nil), appFiles...)
	changed[0].body = "def handler(event, context):\n    return 'bye'\n"
	d, live, fake := codeScenario(t, buildZip(t, appFiles, zip.Deflate, false), buildZip(t, changed, zip.Deflate, false))
	d.Services[0].Functions[1].Config.MemorySize = ptr(int32(512))
	live.Services["shop"].Functions["legacy"] = &fc.Function{FunctionName: "legacy", ETag: "etag-function-legacy"}
	cmp, err := CompareCode(context.Background(), fake, d, live, fake, CompareOptions{})
	require.NoError(t, err)
	opt := diffOptions()
	opt.Prune = true
	plan, err := Diff(cmp.Desired, live, opt)
	require.NoError(t, err)
	api := plan.Change("function.shop/api")
	require.NotNil(t, api)
	require.NotNil(t, api.Code)
	require.False(t, api.Code.Upload, "only the memory of api changes")
	// Files of a function whose code is not uploaded are not shown.
	cmp.Files["function.shop/api"] = &CodeFiles{Modified: 1}
	cmp.Annotate(plan)
	assert.Nil(t, plan.Change("function.shop/api").Code.Files)
	checkout := plan.Change("function.shop/checkout")
	require.NotNil(t, checkout.Code)
	assert.Equal(t, 1, checkout.Code.Files.Modified)
	legacy := plan.Change("function.shop/legacy")
	require.NotNil(t, legacy)
	assert.Nil(t, legacy.Code, "a deleted function has no code")
}

func TestACorruptCachedLiveZipIsDownloadedAgain(t *testing.T) {
	d, live, fake := sameCodeOtherZip(t)
	cache := t.TempDir()
	sum := live.Services["shop"].Functions["checkout"].CodeChecksum
	require.NoError(t, os.MkdirAll(filepath.Join(cache, "live-code"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(cache, "live-code", sum+".zip"), []byte("not a zip"), 0o644))
	cmp, err := CompareCode(context.Background(), fake, d, live, fake, CompareOptions{CacheDir: cache})
	require.NoError(t, err)
	assert.Equal(t, []string{"function.shop/checkout"}, cmp.Same)
	assert.Equal(t, 1, fake.downloads)
}

func TestADirectoryEntryWrittenWithoutItsTrailingSlashIsNotAFile(t *testing.T) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	_, err := w.CreateHeader(&zip.FileHeader{Name: "lib", CreatorVersion: 3 << 8, ExternalAttrs: (0o040755) << 16})
	require.NoError(t, err)
	for _, f := range appFiles {
		fw, err := w.CreateHeader(&zip.FileHeader{Name: f.name, CreatorVersion: 3 << 8, ExternalAttrs: (0o100000 | f.mode) << 16})
		require.NoError(t, err)
		_, err = fw.Write([]byte(f.body))
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	files, err := compareZips(buf.Bytes(), buildZip(t, appFiles, zip.Deflate, false), ptr(DefaultCodeDiffBytes), 1<<10)
	require.NoError(t, err)
	assert.Nil(t, files)
}

// zipPair compares before and after within budget bytes of listing.
func zipPair(t *testing.T, before, after []zipFile, budget int, maxFile int64) *CodeFiles {
	t.Helper()
	files, err := compareZips(buildZip(t, before, zip.Deflate, false), buildZip(t, after, zip.Deflate, false), &budget, maxFile)
	require.NoError(t, err)
	require.NotNil(t, files)
	return files
}

func TestAFileListedWithExactlyTheBudgetLeftIsListed(t *testing.T) {
	before := []zipFile{{name: ".env", body: "A=1\n", mode: 0o644}}
	after := []zipFile{{name: ".env", body: "A=2\n", mode: 0o644}}
	files := zipPair(t, before, after, len(".env")+40, 1<<10)
	assert.Zero(t, files.Omitted)
	require.Len(t, files.Files, 1)
	files = zipPair(t, before, after, len(".env")+39, 1<<10)
	assert.Equal(t, 1, files.Omitted)
	assert.Empty(t, files.Files)
}

func TestADiffThatFitsTheBudgetExactlyIsShownAndOneThatDoesNotIsCounted(t *testing.T) {
	before := []zipFile{{name: "a.txt", body: "old\n", mode: 0o644}}
	after := []zipFile{{name: "a.txt", body: "new\n", mode: 0o644}}
	diff := UnifiedDiff("old\n", "new\n", 3)
	files := zipPair(t, before, after, len("a.txt")+40+len(diff), 1<<10)
	require.Len(t, files.Files, 1)
	assert.Equal(t, diff, files.Files[0].Diff)
	assert.Zero(t, files.DiffsOmitted)

	files = zipPair(t, before, after, len("a.txt")+40+len(diff)-1, 1<<10)
	require.Len(t, files.Files, 1)
	assert.Empty(t, files.Files[0].Diff)
	assert.Equal(t, 1, files.DiffsOmitted)
}

func TestACodeDiffOfAFileMovedBetweenDirectoriesShowsTheMove(t *testing.T) {
	files := zipPair(t, []zipFile{{name: "a/x.py", body: "x\n", mode: 0o644}}, []zipFile{{name: "b/x.py", body: "x\n", mode: 0o644}}, DefaultCodeDiffBytes, 1<<10)
	assert.Equal(t, 1, files.Added)
	assert.Equal(t, 1, files.Removed)
	require.Len(t, files.Files, 2)
}

func TestACodeDiffOfAFileAddedAndAnotherModifiedShowsBoth(t *testing.T) {
	files := zipPair(t, []zipFile{{name: "a.py", body: "a\n", mode: 0o644}},
		[]zipFile{{name: "a.py", body: "b\n", mode: 0o644}, {name: "c.py", body: "c\n", mode: 0o644}}, DefaultCodeDiffBytes, 1<<10)
	assert.Equal(t, 1, files.Added)
	assert.Equal(t, 1, files.Modified)
	require.Len(t, files.Files, 2)
}

func TestAFileOfExactlyTheLargestDiffedSizeIsDiffedWhole(t *testing.T) {
	before, after := "one\ntwo\n", "one\nTWO\n"
	files := zipPair(t, []zipFile{{name: "a.txt", body: before, mode: 0o644}}, []zipFile{{name: "a.txt", body: after, mode: 0o644}},
		DefaultCodeDiffBytes, int64(len(after)))
	require.Len(t, files.Files, 1)
	assert.Equal(t, UnifiedDiff(before, after, 3), files.Files[0].Diff)

	files = zipPair(t, []zipFile{{name: "a.txt", body: before, mode: 0o644}}, []zipFile{{name: "a.txt", body: after, mode: 0o644}},
		DefaultCodeDiffBytes, int64(len(after))-1)
	assert.Empty(t, files.Files[0].Diff, "one byte over the limit")
}

func TestBinaryFilesAreListedWithoutADiffEvenWhenTheOtherSideIsText(t *testing.T) {
	for name, pair := range map[string][2]string{
		"starts with NUL":     {"\x00abc\n", "\x00abd\n"},
		"NUL inside":          {"ab\x00c\n", "ab\x00d\n"},
		"not UTF-8":           {"ab\xffc\n", "ab\xffd\n"},
		"binary becomes text": {"\x00abc\n", "abc\n"},
		"text becomes binary": {"abc\n", "\x00abc\n"},
	} {
		files := zipPair(t, []zipFile{{name: "a.dat", body: pair[0], mode: 0o644}}, []zipFile{{name: "a.dat", body: pair[1], mode: 0o644}}, DefaultCodeDiffBytes, 1<<10)
		require.Len(t, files.Files, 1, name)
		assert.Equal(t, FileModified, files.Files[0].Change, name)
		assert.Empty(t, files.Files[0].Diff, name)
	}
}

// numbered is the lines 1..n, one per line, with the lines named in
// replaced replaced by their value.
func numbered(n int, replaced map[int]string) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if v, ok := replaced[i]; ok {
			b.WriteString(v + "\n")
		} else {
			b.WriteString(strconv.Itoa(i) + "\n")
		}
	}
	return b.String()
}

// The expected hunks are those of diff -U3 on the same files.
func TestChangesAtMostTwiceTheContextApartShareAHunkAndTheLastOneEndsAfterItsContext(t *testing.T) {
	// Six unchanged lines between the changes: one hunk, which stops three
	// lines after the second change although two more lines follow.
	assert.Equal(t, "@@ -1,13 +1,13 @@\n 1\n 2\n-3\n+three\n 4\n 5\n 6\n 7\n 8\n 9\n-10\n+ten\n 11\n 12\n 13\n",
		UnifiedDiff(numbered(15, nil), numbered(15, map[int]string{3: "three", 10: "ten"}), 3))
}

func TestChangesMoreThanTwiceTheContextApartGetAHunkEach(t *testing.T) {
	// Seven unchanged lines between the changes: two hunks.
	assert.Equal(t, "@@ -1,6 +1,6 @@\n 1\n 2\n-3\n+three\n 4\n 5\n 6\n"+
		"@@ -8,7 +8,7 @@\n 8\n 9\n 10\n-11\n+eleven\n 12\n 13\n 14\n",
		UnifiedDiff(numbered(15, nil), numbered(15, map[int]string{3: "three", 11: "eleven"}), 3))
}
