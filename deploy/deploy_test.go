package deploy

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/packager"
	"github.com/fcdeploy/fcdeploy/planner"
)

const sharedCodeManifest = `project: shop
services:
  shop:
    publish: true
    aliases:
      live: {version: latest}
    functions:
      a:
        runtime: python3
        handler: index.handler
        code: ./src
        environmentVariables: {DB_PASSWORD: hunter2, STAGE: dev}
        triggers:
          tick: {type: timer, config: {cronExpression: "@every 5m", enable: true}}
      b:
        runtime: python3
        handler: index.handler
        code: ./src
`

func writeProject(t *testing.T) *manifest.Project {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "src"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "src", "index.py"), []byte("def handler(e, c):\n    return e\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, manifest.DefaultFile), []byte(sharedCodeManifest), 0o644))
	p, err := manifest.Load(filepath.Join(dir, manifest.DefaultFile), manifest.LoadOptions{})
	require.NoError(t, err)
	return p
}

func TestFunctionsSharingADirectoryGetOneArchiveAndTheSameChecksum(t *testing.T) {
	p := writeProject(t)
	pk := packager.New(packager.Options{})
	code, err := Package(context.Background(), p, pk)
	require.NoError(t, err)

	a, b := code.Archive("shop", "a"), code.Archive("shop", "b")
	require.NotNil(t, a)
	require.NotNil(t, b)
	assert.Equal(t, a.Checksum, b.Checksum)
	assert.Equal(t, int64(1), pk.Stats().Built, "the shared directory is zipped once")
}

func TestDesiredCarriesConfigCodeTriggersAliasesAndSecrets(t *testing.T) {
	p := writeProject(t)
	code, err := Package(context.Background(), p, packager.New(packager.Options{}))
	require.NoError(t, err)
	d, err := Desired(context.Background(), p, code.FromPackage)
	require.NoError(t, err)

	require.Len(t, d.Services, 1)
	s := d.Services[0]
	assert.Equal(t, "shop", s.Name)
	assert.True(t, s.Publish)
	require.Len(t, s.Aliases, 1)
	assert.Equal(t, "live", s.Aliases[0].Name)
	assert.Equal(t, planner.VersionLatest, s.Aliases[0].Version)
	assert.Empty(t, s.Aliases[0].AdditionalVersionWeight)
	require.Len(t, s.Functions, 2)
	fa := s.Functions[0]
	assert.Equal(t, "a", fa.Name)
	assert.Equal(t, code.Archive("shop", "a").Checksum, fa.Code.Checksum)
	assert.Equal(t, "src", filepath.Base(fa.Code.Source))
	assert.True(t, fa.Sensitive["DB_PASSWORD"], "a key that looks secret is sensitive")
	assert.False(t, fa.Sensitive["STAGE"])
	require.Len(t, fa.Triggers, 1)
	assert.Equal(t, "timer", fa.Triggers[0].Input.TriggerType)
}

func TestCodeRefusesBytesWhoseChecksumIsNotThePlannedOne(t *testing.T) {
	p := writeProject(t)
	code, err := Package(context.Background(), p, packager.New(packager.Options{}))
	require.NoError(t, err)
	a := code.Archive("shop", "a")

	zip, err := code.Code(context.Background(), "shop", "a", a.Checksum)
	require.NoError(t, err)
	assert.Equal(t, a.Checksum, fc.CodeChecksum(zip))

	_, err = code.Code(context.Background(), "shop", "a", "123")
	assert.ErrorContains(t, err, "function shop/a: packaged code has checksum")
	_, err = code.Code(context.Background(), "shop", "missing", "123")
	assert.ErrorContains(t, err, "function shop/missing: no packaged code")
}
