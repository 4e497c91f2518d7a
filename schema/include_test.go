package schema

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/manifest"
)

func TestASchemaErrorInAnIncludedFileNamesThatFileAndLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	main := filepath.Join(dir, "fcdeploy.yaml")
	require.NoError(t, os.WriteFile(main, []byte("project: p\ninclude: more.yaml\nservices: {}\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "more.yaml"), []byte(
		"# services of the team\nservices:\n  svc:\n    functions:\n      fn:\n        runtime: python3\n        handler: index.handler\n        code: oss://bucket/code.zip\n        memorysize: 512\n"), 0o644))
	_, err := Load(main, manifest.LoadOptions{LookupEnv: noEnv})
	var merr *manifest.Error
	require.ErrorAs(t, err, &merr)
	require.Len(t, merr.Diagnostics, 1)
	d := merr.Diagnostics[0]
	assert.Equal(t, filepath.Join(dir, "more.yaml"), d.File)
	assert.Equal(t, [2]int{9, 9}, [2]int{d.Line, d.Col})
	assert.Contains(t, d.Message, "memorysize")
}
