package manifest

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAManifestWithoutServicesTakesThemAllFromItsIncludes(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"fcdeploy.yaml": "project: demo\ninclude: billing.yaml\n",
		"billing.yaml":  includedService,
		"src/index.py":  "x\n",
	})
	doc, diags := ParseFile(filepath.Join(dir, "fcdeploy.yaml"))
	require.Empty(t, diags)
	_, v, ok := doc.Locate([]string{"services", "billing", "functions", "invoice", "runtime"})
	require.True(t, ok)
	assert.Equal(t, "python3", v.Value)
}

func TestAnEmptyServicesKeyIsFilledByTheIncludes(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"fcdeploy.yaml": "project: demo\nservices:\ninclude: billing.yaml\n",
		"billing.yaml":  includedService,
	})
	doc, diags := ParseFile(filepath.Join(dir, "fcdeploy.yaml"))
	require.Empty(t, diags)
	_, v, ok := doc.Locate([]string{"services", "billing"})
	require.True(t, ok)
	assert.Equal(t, "!!map", v.Tag)
}

func TestAnIncludeThatIsNeitherAPathNorAListIsOneProblem(t *testing.T) {
	t.Parallel()
	for name, include := range map[string]string{
		"empty":     "include:\n",
		"a mapping": "include: {a: b.yaml}\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, diags := ParseProject("fcdeploy.yaml", []byte(minimal+include))
			require.Len(t, diags, 1, "%v", diags)
			assert.Equal(t, "include", diags[0].Path)
			assert.Equal(t, "`include:` takes a file path or a list of them, relative to this manifest", diags[0].Message)
		})
	}
}

func TestAnIncludeEntryThatIsNotAPathIsNamedByItsPlace(t *testing.T) {
	t.Parallel()
	_, diags := ParseProject("fcdeploy.yaml", []byte(minimal+"include: [5, \"\", [a]]\n"))
	require.Len(t, diags, 3, "%v", diags)
	for i, d := range diags {
		assert.Equal(t, "include."+string(rune('0'+i)), d.Path)
		assert.Equal(t, "an include is a file path, relative to this manifest", d.Message)
	}
	_, diags = ParseProject("fcdeploy.yaml", []byte(minimal+"include: 5\n"))
	require.Len(t, diags, 1, "%v", diags)
	assert.Equal(t, "include", diags[0].Path, "a single include is not numbered")
	assert.Equal(t, "an include is a file path, relative to this manifest", diags[0].Message)
}

// padded is an included file of exactly size bytes: includedService
// renamed to name, then a comment.
func padded(name string, size int) string {
	s := strings.ReplaceAll(includedService, "billing", name) + "#"
	return s + strings.Repeat("x", size-len(s)-1) + "\n"
}

func TestAProjectOfExactlyTheSizeLimitIsAccepted(t *testing.T) {
	t.Parallel()
	manifest := minimal + "include: [a.yaml, b.yaml, c.yaml, d.yaml]\n"
	files := map[string]string{
		"fcdeploy.yaml": manifest,
		"a.yaml":        padded("a", MaxDocumentSize),
		"b.yaml":        padded("b", MaxDocumentSize),
		"c.yaml":        padded("c", MaxDocumentSize),
		"d.yaml":        padded("d", MaxProjectSize-3*MaxDocumentSize-len(manifest)),
	}
	dir := writeFiles(t, files)
	_, diags := ParseFile(filepath.Join(dir, "fcdeploy.yaml"))
	assert.Empty(t, diags)

	files["d.yaml"] = padded("d", MaxProjectSize-3*MaxDocumentSize-len(manifest)+1)
	dir = writeFiles(t, files)
	_, diags = ParseFile(filepath.Join(dir, "fcdeploy.yaml"))
	require.Len(t, diags, 1, "%v", diags)
	assert.Equal(t, filepath.Join(dir, "d.yaml"), diags[0].File)
	assert.Contains(t, diags[0].Message, "hold more than 16777216 bytes (16 MiB) together")
}

func TestAFileOneByteOverTheSizeLimitIsRefusedWhenRead(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{"fcdeploy.yaml": padded("a", MaxDocumentSize+1)})
	_, diags := ParseFile(filepath.Join(dir, "fcdeploy.yaml"))
	require.Len(t, diags, 1, "%v", diags)
	assert.Contains(t, diags[0].Message, "the file is 4194305 bytes")
}
