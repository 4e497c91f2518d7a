package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runCLI runs the CLI in-process and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &IOStreams{In: &bytes.Buffer{}, Out: &out, ErrOut: &errOut})
	return code, out.String(), errOut.String()
}

// TestTheExamplesDeployConvergeAndPromote deploys every example as the README
// and docs/promotion.md do, and checks that a second plan finds nothing.
func TestTheExamplesDeployConvergeAndPromote(t *testing.T) {
	t.Setenv("FCDEPLOY_HOME", t.TempDir())
	t.Setenv("NO_COLOR", "1")
	steps := [][]string{
		{"apply", "../../examples/hello", "--yes"},
		{"apply", "../../examples/shop", "--yes"},
		{"apply", "../../examples/shop", "--env", "staging", "--yes"},
		{"promote", "../../examples/shop", "--from", "staging", "--to", "prod", "--yes"},
	}
	for _, args := range steps {
		code, out, errOut := runCLI(t, args...)
		require.Equal(t, 0, code, "fcdeploy %v:\n%s%s", args, out, errOut)
	}
	for _, args := range [][]string{
		{"plan", "../../examples/hello", "--detailed-exitcode"},
		{"plan", "../../examples/shop", "--detailed-exitcode"},
		{"plan", "../../examples/shop", "--env", "staging", "--detailed-exitcode"},
		{"plan", "../../examples/shop", "--env", "prod", "--detailed-exitcode"},
	} {
		code, out, errOut := runCLI(t, args...)
		assert.Equal(t, 0, code, "fcdeploy %v must find nothing to change:\n%s%s", args, out, errOut)
	}
}

func TestEveryExampleValidates(t *testing.T) {
	t.Setenv("FCDEPLOY_HOME", t.TempDir())
	dirs, err := filepath.Glob("../../examples/*/fcdeploy.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, dirs)
	for _, m := range dirs {
		dir := filepath.Dir(m)
		code, out, errOut := runCLI(t, "validate", dir)
		assert.Equal(t, 0, code, "fcdeploy validate %s:\n%s%s", dir, out, errOut)
	}
}
