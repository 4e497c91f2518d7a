package deploy

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/builder"
	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/packager"
)

const builtManifest = `project: shop
services:
  shop:
    functions:
      built:
        runtime: python3
        handler: index.handler
        code: ./src
        build: {recipe: command, command: 'mkdir -p dist && cp index.py dist/ && echo "VERSION = 1" > dist/version.py', output: dist}
      plain:
        runtime: python3
        handler: index.handler
        code: ./src
`

func loadBuilt(t *testing.T, yaml string) *manifest.Project {
	t.Helper()
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("sh is needed to run build commands")
	}
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "src"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "src", "index.py"), []byte("def handler(e, c):\n    return e\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, manifest.DefaultFile), []byte(yaml), 0o644))
	p, err := manifest.Load(filepath.Join(dir, manifest.DefaultFile), manifest.LoadOptions{})
	require.NoError(t, err)
	return p
}

func TestABuiltFunctionShipsItsBuildOutputAndAPlainOneItsDirectory(t *testing.T) {
	p := loadBuilt(t, builtManifest)
	builds, err := Build(context.Background(), p, builder.New(builder.Options{CacheDir: BuildCacheDir(p)}), 2)
	require.NoError(t, err)
	assert.Equal(t, []FunctionRef{{"shop", "built"}}, builds.Order)
	assert.Nil(t, builds.Result("shop", "plain"))

	code, err := PackageBuilt(context.Background(), p, packager.New(packager.Options{}), builds)
	require.NoError(t, err)
	assert.Equal(t, 2, code.Archive("shop", "built").Files, "index.py and the generated version.py")
	assert.Equal(t, 1, code.Archive("shop", "plain").Files)
	assert.NotEqual(t, code.Archive("shop", "built").Checksum, code.Archive("shop", "plain").Checksum)
}

func TestAFunctionWithABuildIsNeverPackagedUnbuilt(t *testing.T) {
	p := loadBuilt(t, builtManifest)
	_, err := Package(context.Background(), p, packager.New(packager.Options{}))
	assert.ErrorContains(t, err, "function shop/built: has a build: block but was not built")
}

func TestEveryFailingBuildIsReportedWithItsFunction(t *testing.T) {
	p := loadBuilt(t, `project: shop
services:
  shop:
    functions:
      a:
        runtime: python3
        handler: index.handler
        code: ./src
        build: {recipe: command, command: 'exit 3', output: dist}
      b:
        runtime: python3
        handler: index.handler
        code: ./src
        build: {recipe: command, command: 'exit 4', output: dist}
`)
	_, err := Build(context.Background(), p, builder.New(builder.Options{CacheDir: BuildCacheDir(p)}), 1)
	assert.ErrorContains(t, err, "function shop/a: build of")
	assert.ErrorContains(t, err, "`sh -c 'exit 3'` exited with code 3")
	assert.ErrorContains(t, err, "function shop/b: build of")
	assert.ErrorContains(t, err, "exited with code 4")
}

func TestAMissingHandlerAfterABuildNamesTheCodeDirectory(t *testing.T) {
	p := loadBuilt(t, `project: shop
services:
  shop:
    functions:
      a:
        runtime: python3
        handler: main.handler
        code: ./src
        build: {recipe: command, command: 'mkdir dist && cp index.py dist/', output: dist}
`)
	builds, err := Build(context.Background(), p, builder.New(builder.Options{CacheDir: BuildCacheDir(p)}), 1)
	require.NoError(t, err)
	_, err = PackageBuilt(context.Background(), p, packager.New(packager.Options{}), builds)
	assert.ErrorContains(t, err, "function shop/a: code directory "+filepath.Join(p.Dir, "src")+" (after its build) has no main.py for handler")
}
