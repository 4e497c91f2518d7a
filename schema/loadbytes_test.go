package schema

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/manifest"
)

// LoadBytes is how `fcdeploy plan -f -` reads a manifest from stdin.
func TestAManifestHeldInMemoryLoadsLikeAFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "src"), 0o755))
	name := filepath.Join(dir, "fcdeploy.yaml")
	p, err := LoadBytes(name, []byte("project: shop\nservices:\n  shop:\n    functions:\n      api: {runtime: python3, handler: index.handler, code: ./src}\n"), manifest.LoadOptions{LookupEnv: noEnv})
	require.NoError(t, err)
	assert.Equal(t, "shop", p.Name)
	assert.Equal(t, filepath.Dir(name), p.Dir, "the manifest's directory is the project's")
}

func TestAManifestHeldInMemoryIsRefusedWithItsNameAndPosition(t *testing.T) {
	t.Parallel()
	p, err := LoadBytes("<stdin>", []byte("project: shop\nservices:\n  shop:\n    functions:\n      api: {runtime: python3, handler: index.handler, code: ./src, timeout: 0}\n"), manifest.LoadOptions{LookupEnv: noEnv})
	assert.Nil(t, p)
	var me *manifest.Error
	require.True(t, errors.As(err, &me), "%v", err)
	require.NotEmpty(t, me.Diagnostics)
	assert.Equal(t, "<stdin>", me.Diagnostics[0].File)
	assert.Equal(t, 5, me.Diagnostics[0].Line)
}
