package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func needPython(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 is needed to run functions: %v", err)
		}
		t.Skipf("python3 is not installed: %v", err)
	}
}

func TestInvokeEndsItsOutputWithANewlineOnATerminalOnly(t *testing.T) {
	needPython(t)
	t.Setenv("FCDEPLOY_HOME", filepath.Join(t.TempDir(), "home"))
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "src"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "fcdeploy.yaml"), []byte("project: p\nservices:\n  s:\n    functions:\n      f:\n        runtime: python3\n        handler: index.handler\n        code: ./src\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "src", "index.py"), []byte("def handler(e, c):\n    return 'no newline'\n"), 0o644))
	streams := func(tty bool) (*IOStreams, *bytes.Buffer) {
		var out bytes.Buffer
		return &IOStreams{In: bytes.NewReader(nil), Out: &out, ErrOut: &bytes.Buffer{}, OutTTY: tty}, &out
	}
	s, _ := streams(false)
	require.Equal(t, exitOK, run([]string{"apply", dir, "--yes", "-q"}, s))

	s, out := streams(true)
	require.Equal(t, exitOK, run([]string{"invoke", "s/f"}, s))
	assert.Equal(t, "no newline\n", out.String(), "a terminal gets a final newline")

	s, out = streams(false)
	require.Equal(t, exitOK, run([]string{"invoke", "s/f"}, s))
	assert.Equal(t, "no newline", out.String(), "a pipe gets the payload as it is")
}
