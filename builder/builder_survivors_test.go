package builder

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// failCommand builds src with a command that fails, returning the error.
func failCommand(t *testing.T, ctx context.Context, src, command string) *Error {
	t.Helper()
	_, err := New(Options{CacheDir: t.TempDir()}).Build(ctx,
		Spec{Dir: src, Runtime: "custom", Recipe: RecipeCommand, Command: command, Output: "out"})
	var be *Error
	require.ErrorAs(t, err, &be)
	return be
}

func TestAFailedBuildEndsItsMessageWithItsOutputOrSaysThereWasNone(t *testing.T) {
	needTools(t, "sh")
	src := t.TempDir()
	writeTree(t, src, map[string]string{"in.txt": "x"})

	silent := failCommand(t, context.Background(), src, "exit 3")
	assert.EqualError(t, silent, "build of "+src+" failed: `sh -c 'exit 3'` exited with code 3 with no output")

	talking := failCommand(t, context.Background(), src, "echo first; echo; echo last >&2; exit 4")
	assert.EqualError(t, talking, "build of "+src+" failed: `sh -c 'echo first; echo; echo last >&2; exit 4'` exited with code 4; the last 3 lines of its output:\n"+
		"  | first\n  | \n  | last")
}

func TestABuildKilledByASignalDidNotFinishAndHasNoExitCode(t *testing.T) {
	needTools(t, "sh")
	src := t.TempDir()
	writeTree(t, src, map[string]string{"in.txt": "x"})
	be := failCommand(t, context.Background(), src, "echo dying; kill -9 $$")
	assert.Equal(t, -1, be.ExitCode)
	assert.EqualError(t, be, "build of "+src+" failed: `sh -c 'echo dying; kill -9 $$'` did not finish: signal: killed; the last 1 lines of its output:\n  | dying")
}

func TestABuildCommandThatCannotStartDidNotFinishAndHasNoExitCode(t *testing.T) {
	bin := t.TempDir()
	writeTree(t, bin, map[string]string{"sh*": "not a program\n"})
	t.Setenv("PATH", bin)
	src := t.TempDir()
	writeTree(t, src, map[string]string{"in.txt": "x"})
	be := failCommand(t, context.Background(), src, "true")
	assert.Equal(t, -1, be.ExitCode)
	assert.EqualError(t, be, "build of "+src+" failed: `sh -c true` did not finish: fork/exec "+filepath.Join(bin, "sh")+": exec format error with no output")
}

func TestACancelledBuildSaysItDidNotFinish(t *testing.T) {
	needTools(t, "sh")
	src := t.TempDir()
	writeTree(t, src, map[string]string{"in.txt": "x"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	be := failCommand(t, ctx, src, "sleep 5")
	assert.Equal(t, -1, be.ExitCode)
	assert.EqualError(t, be, "build of "+src+" failed: `sh -c 'sleep 5'` did not finish: context canceled with no output")
}

func TestTheTailKeepsBlankLines(t *testing.T) {
	var w tailWriter
	_, _ = w.Write([]byte("first\n\n"))
	_, _ = w.Write([]byte("\nlast"))
	assert.Equal(t, []string{"first", "", "", "last"}, w.lines())
}

// fakeGo puts a go on PATH that answers `go version` with the toolchain
// line of the module it runs in, and whose build writes its -o file.
func fakeGo(t *testing.T) {
	t.Helper()
	needTools(t, "sh", "sed")
	bin := t.TempDir()
	writeTree(t, bin, map[string]string{"go*": `#!/bin/sh
if [ "$1" = version ]; then
	echo "go version $(sed -n 's/^toolchain //p' go.mod) linux/amd64"
	exit 0
fi
while [ $# -gt 0 ]; do
	if [ "$1" = -o ]; then mkdir -p "$(dirname "$2")" && echo binary > "$2"; fi
	shift
done
`})
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
}

func TestEachGoModuleOfARunIsAskedItsOwnGoVersion(t *testing.T) {
	fakeGo(t)
	older, newer := t.TempDir(), t.TempDir()
	writeTree(t, older, map[string]string{"go.mod": "module a\n\ngo 1.22\n\ntoolchain go1.22.5\n", "main.go": "package main\n"})
	writeTree(t, newer, map[string]string{"go.mod": "module b\n\ngo 1.22\n\ntoolchain go1.26.8\n", "main.go": "package main\n"})
	b := New(Options{CacheDir: t.TempDir()})
	first, err := b.Build(context.Background(), Spec{Dir: older, Runtime: "custom"})
	require.NoError(t, err)
	second, err := b.Build(context.Background(), Spec{Dir: newer, Runtime: "custom"})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"go": "go1.22.5 linux/amd64"}, first.Toolchain)
	assert.Equal(t, map[string]string{"go": "go1.26.8 linux/amd64"}, second.Toolchain)
}

func TestOnlyTheRecipesEnvironmentVariablesChangeTheKey(t *testing.T) {
	fakeNode(t, "10.0.0")
	src, cache := t.TempDir(), t.TempDir()
	writeTree(t, src, map[string]string{"package.json": "{}", "package-lock.json": "{}", "index.js": ""})
	spec := Spec{Dir: src, Runtime: "nodejs14", Handler: "index.handler"}
	run := func(env ...string) *Result {
		// NODE_ENV comes first: the whole environment is searched.
		r, err := New(Options{CacheDir: cache, Env: env}).Build(context.Background(), spec)
		require.NoError(t, err)
		return r
	}
	path := "PATH=" + os.Getenv("PATH")
	production := run("NODE_ENV=production", path, "EDITOR=vi")
	otherEditor := run("NODE_ENV=production", path, "EDITOR=emacs")
	development := run("NODE_ENV=development", path, "EDITOR=vi")

	assert.Equal(t, production.Key, otherEditor.Key, "EDITOR does not change what npm installs")
	assert.True(t, otherEditor.Cached)
	assert.NotEqual(t, production.Key, development.Key, "NODE_ENV does")
	assert.False(t, development.Cached)
}
