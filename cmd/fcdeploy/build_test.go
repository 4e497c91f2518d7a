package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// copyDir copies the regular files of src into dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	require.NoError(t, filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	}))
}

const goProjectManifest = `project: build
services:
  build:
    functions:
      go:
        runtime: custom
        handler: index.handler
        code: ./functions/go
        build: {recipe: go}
`

// These run in-process so that go build uses the test's own GOCACHE; a
// script's empty environment would compile the standard library afresh.

func TestTheGoExampleBuildsToTheSameZipWithoutTheCache(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go is not on PATH")
	}
	dir := t.TempDir()
	copyDir(t, "../../examples/build/functions/go", filepath.Join(dir, "functions", "go"))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "fcdeploy.yaml"), []byte(goProjectManifest), 0o644))

	code, out, errOut := runCLI(t, "package", dir, "--out", filepath.Join(dir, "out1"))
	require.Equal(t, 0, code, out+errOut)
	assert.Contains(t, errOut, "Built 1 function in ")
	first, err := os.ReadFile(filepath.Join(dir, "out1", "build", "go.zip"))
	require.NoError(t, err)

	code, out, errOut = runCLI(t, "build", dir)
	require.Equal(t, 0, code, out+errOut)
	assert.Regexp(t, `(?m)^build/go +go +cached +`, out)

	require.NoError(t, os.RemoveAll(filepath.Join(dir, ".fcdeploy")))
	code, out, errOut = runCLI(t, "package", dir, "--out", filepath.Join(dir, "out2"))
	require.Equal(t, 0, code, out+errOut)
	second, err := os.ReadFile(filepath.Join(dir, "out2", "build", "go.zip"))
	require.NoError(t, err)
	assert.Equal(t, first, second, "a rebuild from scratch gives the same bytes")
	assert.NoFileExists(t, filepath.Join(dir, "functions", "go", "bootstrap"))
}

func TestAGoSyntaxErrorStopsApplyBeforeAnyWrite(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go is not on PATH")
	}
	t.Setenv("FCDEPLOY_HOME", t.TempDir())
	dir := t.TempDir()
	copyDir(t, "../../examples/build/functions/go", filepath.Join(dir, "functions", "go"))
	main := filepath.Join(dir, "functions", "go", "main.go")
	src, err := os.ReadFile(main)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(main, []byte(strings.Replace(string(src), "func main() {", "func main() {\n\tthis is not go", 1)), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "fcdeploy.yaml"), []byte(goProjectManifest), 0o644))

	code, out, errOut := runCLI(t, "apply", dir, "--yes")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "Error: function build/go: build of "+filepath.Join(dir, "functions", "go")+" failed: `CGO_ENABLED=0 GOOS=linux GOARCH=amd64 GOAMD64=v1 GOWORK=off go build -trimpath -buildvcs=false -ldflags=-buildid= -o ../out/bootstrap .` exited with code 1")
	assert.Contains(t, errOut, "main.go:")
	assert.NotContains(t, out, "created")

	code, _, errOut = runCLI(t, "invoke", "build/go")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "ServiceNotFound", "nothing was deployed")
}
