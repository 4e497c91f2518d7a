package planner

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

// zipFile is one file of a test zip.
type zipFile struct {
	name, body string
	mode       uint32
}

// buildZip writes files in the given order; other tools differ from our
// packager in order, compression, directory entries and timestamps.
func buildZip(t *testing.T, files []zipFile, method uint16, dirs bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	if dirs {
		_, err := w.CreateHeader(&zip.FileHeader{Name: "lib/", CreatorVersion: 3 << 8, ExternalAttrs: (0o040755) << 16})
		require.NoError(t, err)
	}
	for _, f := range files {
		h := &zip.FileHeader{Name: f.name, Method: method, CreatorVersion: 3 << 8, ExternalAttrs: (0o100000 | f.mode) << 16}
		fw, err := w.CreateHeader(h)
		require.NoError(t, err)
		_, err = fw.Write([]byte(f.body))
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	return buf.Bytes()
}

// codeFake serves live zips by checksum and local zips by function, and
// counts downloads.
type codeFake struct {
	live      map[string][]byte // by service/function
	local     map[string][]byte
	downloads int
}

func (f *codeFake) GetFunctionCode(_ context.Context, service, _, function string) (*fc.FunctionCode, error) {
	b := f.live[service+"/"+function]
	return &fc.FunctionCode{URL: service + "/" + function, Checksum: fc.CodeChecksum(b)}, nil
}

func (f *codeFake) DownloadCode(_ context.Context, code *fc.FunctionCode) ([]byte, error) {
	f.downloads++
	return f.live[code.URL], nil
}

func (f *codeFake) Code(_ context.Context, service, function, checksum string) ([]byte, error) {
	b := f.local[service+"/"+function]
	if fc.CodeChecksum(b) != checksum {
		return nil, fmt.Errorf("function %s/%s: no zip with checksum %s", service, function, checksum)
	}
	return b, nil
}

// codeScenario is shop deployed with live zips, and desired local zips.
func codeScenario(t *testing.T, liveZip, localZip []byte) (*Desired, *Live, *codeFake) {
	d := shopDesired()
	live := convergedLive(d)
	fake := &codeFake{live: map[string][]byte{}, local: map[string][]byte{}}
	for i := range d.Services[0].Functions {
		df := &d.Services[0].Functions[i]
		key := "shop/" + df.Name
		lz, mz := liveZip, localZip
		if df.Name != "checkout" {
			lz = buildZip(t, []zipFile{{name: "x.py", body: "x", mode: 0o644}}, zip.Store, false)
			mz = lz
		}
		fake.live[key], fake.local[key] = lz, mz
		df.Code.Checksum, df.Code.Size = fc.CodeChecksum(mz), int64(len(mz))
		live.Services["shop"].Functions[df.Name].CodeChecksum = fc.CodeChecksum(lz)
		live.Services["shop"].NewestVersionFunctions[df.Name].CodeChecksum = fc.CodeChecksum(lz)
	}
	return d, live, fake
}

var appFiles = []zipFile{
	{name: "index.py", body: "def handler(event, context):\n    return 'hello'\n", mode: 0o644},
	{name: "lib/util.py", body: "A = 1\nB = 2\nC = 3\nD = 4\nE = 5\nF = 6\nG = 7\nH = 8\n", mode: 0o644},
	{name: "bin/tool", body: "#!/bin/sh\necho tool\n", mode: 0o755},
}

func reversed(files []zipFile) []zipFile {
	out := append([]zipFile(nil), files...)
	sort.Slice(out, func(i, j int) bool { return out[i].name > out[j].name })
	return out
}

func TestCodeWithTheSameFilesZippedByAnotherToolIsNoChange(t *testing.T) {
	theirs := buildZip(t, reversed(appFiles), zip.Store, true)
	ours := buildZip(t, appFiles, zip.Deflate, false)
	require.NotEqual(t, fc.CodeChecksum(theirs), fc.CodeChecksum(ours), "the two zips must differ as bytes")
	d, live, fake := codeScenario(t, theirs, ours)

	cmp, err := CompareCode(context.Background(), fake, d, live, fake, CompareOptions{CacheDir: t.TempDir()})
	require.NoError(t, err)
	assert.Equal(t, []string{"function.shop/checkout"}, cmp.Same)
	plan, err := Diff(cmp.Desired, live, diffOptions())
	require.NoError(t, err)
	cmp.Annotate(plan)
	assert.Empty(t, addresses(plan), "same files: nothing to upload and nothing to publish")
	assert.NotEqual(t, d.Services[0].Functions[0].Code.Checksum, cmp.Desired.Services[0].Functions[0].Code.Checksum,
		"the caller's desired state is left as it was")
}

func TestCodeWithOneFileChangedListsThatFileWithItsDiff(t *testing.T) {
	changed := append([]zipFile(nil), appFiles...)
	changed[1].body = strings.Replace(changed[1].body, "E = 5", "E = 50", 1)
	changed = append(changed, zipFile{name: "new.txt", body: "new\n", mode: 0o644})
	changed[2].mode = 0o644
	d, live, fake := codeScenario(t, buildZip(t, appFiles, zip.Deflate, false), buildZip(t, changed, zip.Deflate, false))

	cmp, err := CompareCode(context.Background(), fake, d, live, fake, CompareOptions{})
	require.NoError(t, err)
	plan, err := Diff(cmp.Desired, live, diffOptions())
	require.NoError(t, err)
	cmp.Annotate(plan)
	c := plan.Change("function.shop/checkout")
	require.NotNil(t, c)
	require.True(t, c.Code.Upload)
	files := c.Code.Files
	require.NotNil(t, files)
	assert.Equal(t, 1, files.Added)
	assert.Equal(t, 2, files.Modified)
	assert.Equal(t, 0, files.Removed)
	byPath := map[string]FileChange{}
	for _, f := range files.Files {
		byPath[f.Path] = f
	}
	assert.Equal(t, "not executable", byPath["bin/tool"].ModeChange)
	assert.Empty(t, byPath["bin/tool"].Diff, "same content: only the mode changed")
	assert.Equal(t, FileAdded, byPath["new.txt"].Change)
	util := byPath["lib/util.py"]
	assert.Equal(t, int64(len(appFiles[1].body)), util.BeforeSize)
	assert.Equal(t, util.BeforeSize+1, util.AfterSize)
	assert.Equal(t, "@@ -2,7 +2,7 @@\n B = 2\n C = 3\n D = 4\n-E = 5\n+E = 50\n F = 6\n G = 7\n H = 8\n", util.Diff)
}

func TestLiveCodeIsDownloadedOnceThenReadFromTheCache(t *testing.T) {
	theirs := buildZip(t, reversed(appFiles), zip.Store, true)
	ours := buildZip(t, appFiles, zip.Deflate, false)
	d, live, fake := codeScenario(t, theirs, ours)
	cache := t.TempDir()
	for range 2 {
		_, err := CompareCode(context.Background(), fake, d, live, fake, CompareOptions{CacheDir: cache})
		require.NoError(t, err)
	}
	assert.Equal(t, 1, fake.downloads)
}

func TestFileListsStopAtThePlanBudgetAndCountTheRest(t *testing.T) {
	var before, after []zipFile
	for i := range 50 {
		before = append(before, zipFile{name: fmt.Sprintf("f%02d.txt", i), body: "old\n", mode: 0o644})
		after = append(after, zipFile{name: fmt.Sprintf("f%02d.txt", i), body: "new\n", mode: 0o644})
	}
	d, live, fake := codeScenario(t, buildZip(t, before, zip.Deflate, false), buildZip(t, after, zip.Deflate, false))
	cmp, err := CompareCode(context.Background(), fake, d, live, fake, CompareOptions{MaxBytes: 500})
	require.NoError(t, err)
	files := cmp.Files["function.shop/checkout"]
	require.NotNil(t, files)
	assert.Equal(t, 50, files.Modified)
	assert.Less(t, len(files.Files), 50)
	assert.Equal(t, 50, len(files.Files)+files.Omitted)
}

func TestUnifiedDiffMarksAMissingFinalNewline(t *testing.T) {
	assert.Equal(t, "@@ -1,1 +1,1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n", UnifiedDiff("a", "b", 3))
	assert.Equal(t, "@@ -0,0 +1,1 @@\n+new\n", UnifiedDiff("", "new\n", 3))
}

func TestUnifiedDiffOfAFileEmptiedStartsItsNewSideAtLineZero(t *testing.T) {
	assert.Equal(t, "@@ -1,2 +0,0 @@\n-a\n-b\n", UnifiedDiff("a\nb\n", "", 3))
}

func TestAFileLeftOutOfTheNewCodeIsCountedAsRemoved(t *testing.T) {
	d, live, fake := codeScenario(t, buildZip(t, appFiles, zip.Deflate, false), buildZip(t, appFiles[:2], zip.Deflate, false))
	cmp, err := CompareCode(context.Background(), fake, d, live, fake, CompareOptions{})
	require.NoError(t, err)
	files := cmp.Files["function.shop/checkout"]
	require.NotNil(t, files)
	assert.Equal(t, 1, files.Removed)
	assert.Zero(t, files.Added)
	assert.Zero(t, files.Modified)
	require.Len(t, files.Files, 1)
	assert.Equal(t, "bin/tool", files.Files[0].Path)
}

func TestATimerWithoutEnableIsTheSameAsOneDisabled(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	lt := live.Services["shop"].Triggers["checkout"]["nightly"]
	lt.TriggerConfig = []byte(`{"cronExpression":"0 0 2 * * *"}`)
	d.Services[0].Functions[0].Triggers[0].Input.TriggerConfig = []byte(`{"cronExpression":"0 0 2 * * *","enable":false}`)
	plan, err := Diff(d, live, diffOptions())
	require.NoError(t, err)
	assert.Empty(t, addresses(plan))

	d.Services[0].Functions[0].Triggers[0].Input.TriggerConfig = []byte(`{"cronExpression":"0 0 2 * * *","enable":true}`)
	plan, err = Diff(d, live, diffOptions())
	require.NoError(t, err)
	assert.Equal(t, []string{"update trigger.shop/checkout/nightly"}, addresses(plan))
}

// deniedCode is a Function Compute that refuses to hand out code.
type deniedCode struct{ *codeFake }

func (deniedCode) GetFunctionCode(context.Context, string, string, string) (*fc.FunctionCode, error) {
	return nil, &fc.APIError{HTTPStatus: 403, Code: "AccessDenied", Message: "no fc:GetFunctionCode"}
}

func TestCodeThatCannotBeDownloadedIsUploadedAndSaysWhy(t *testing.T) {
	d, live, fake := codeScenario(t, buildZip(t, reversed(appFiles), zip.Store, true), buildZip(t, appFiles, zip.Deflate, false))
	cmp, err := CompareCode(context.Background(), deniedCode{fake}, d, live, fake, CompareOptions{})
	require.NoError(t, err)
	plan, err := Diff(cmp.Desired, live, diffOptions())
	require.NoError(t, err)
	cmp.Annotate(plan)
	c := plan.Change("function.shop/checkout")
	require.NotNil(t, c)
	assert.True(t, c.Code.Upload)
	assert.Contains(t, c.Code.Files.NotCompared, "AccessDenied")
}

func TestFilesWhoseNamesSuggestSecretsAreListedWithoutTheirContent(t *testing.T) {
	before := []zipFile{{name: ".env", body: "DB_PASSWORD=old\n", mode: 0o644}, {name: "certs/server.key", body: "k1\n", mode: 0o644}}
	after := []zipFile{{name: ".env", body: "DB_PASSWORD=new\n", mode: 0o644}, {name: "certs/server.key", body: "k2\n", mode: 0o644}}
	d, live, fake := codeScenario(t, buildZip(t, before, zip.Deflate, false), buildZip(t, after, zip.Deflate, false))
	cmp, err := CompareCode(context.Background(), fake, d, live, fake, CompareOptions{})
	require.NoError(t, err)
	files := cmp.Files["function.shop/checkout"]
	require.NotNil(t, files)
	require.Len(t, files.Files, 2)
	for _, f := range files.Files {
		assert.True(t, f.DiffHidden, f.Path)
		assert.Empty(t, f.Diff, f.Path)
	}
}

func TestOnlyTheFunctionsOfALimitedPlanAreCompared(t *testing.T) {
	d, live, fake := codeScenario(t, buildZip(t, reversed(appFiles), zip.Store, true), buildZip(t, appFiles, zip.Deflate, false))
	cmp, err := CompareCode(context.Background(), fake, d, live, fake, CompareOptions{Only: []string{"shop/api"}})
	require.NoError(t, err)
	assert.Empty(t, cmp.Same)
	assert.Zero(t, fake.downloads)
}

// redeployedCode is a Function Compute whose code changed after the plan
// read the function: it hands out code with another checksum.
type redeployedCode struct{ *codeFake }

func (redeployedCode) GetFunctionCode(_ context.Context, service, _, function string) (*fc.FunctionCode, error) {
	return &fc.FunctionCode{URL: service + "/" + function, Checksum: "redeployed"}, nil
}

func TestCodeRedeployedWhileThePlanIsMadeStopsThePlanAsStale(t *testing.T) {
	d, live, fake := codeScenario(t, buildZip(t, reversed(appFiles), zip.Store, true), buildZip(t, appFiles, zip.Deflate, false))
	_, err := CompareCode(context.Background(), redeployedCode{fake}, d, live, fake, CompareOptions{})
	var stale *StalePlanError
	require.ErrorAs(t, err, &stale)
	assert.Contains(t, err.Error(), "function shop/checkout")
}
