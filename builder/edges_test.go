package builder

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestARelativePathMustStayInsideItsBase(t *testing.T) {
	for _, ok := range []string{"dist", "./dist", "a/b", "a/../b"} {
		assert.NoError(t, checkRelative(ok), ok)
	}
	for _, bad := range []string{"", "/abs", ".", "..", "../up", "a/../..", "./"} {
		assert.Error(t, checkRelative(bad), bad)
	}
}

func TestWithinSaysWhetherAPathIsUnderTheRoot(t *testing.T) {
	root := filepath.FromSlash("/code")
	for p, want := range map[string]bool{
		"/code": true, "/code/a": true, "/code/a/b": true, "/code/..x": true,
		"/": false, "/other": false, "/codex": false, "/code/../other": false,
	} {
		assert.Equal(t, want, within(root, filepath.FromSlash(p)), p)
	}
}

func TestABuildErrorSaysHowTheCommandEnded(t *testing.T) {
	base := Error{Dir: "fn", Command: "make"}
	for _, tc := range []struct {
		code int
		err  error
		want string
	}{
		{0, errors.New("no output"), "`make` succeeded but no output"},
		{0, nil, "`make` exited with code 0"},
		{2, errors.New("exit status 2"), "`make` exited with code 2"},
		{-1, errors.New("killed"), "`make` did not finish: killed"},
	} {
		e := base
		e.ExitCode, e.Err = tc.code, tc.err
		assert.Contains(t, e.Error(), tc.want, "%d", tc.code)
	}
}

func TestTheTailKeepsTheLastLinesAndTheEndOfAHugeLine(t *testing.T) {
	var w tailWriter
	for i := range 3 * TailLines {
		fmt.Fprintf(&w, "line %d\n", i)
	}
	lines := w.lines()
	require.Len(t, lines, TailLines)
	assert.Equal(t, fmt.Sprintf("line %d", 2*TailLines), lines[0])
	assert.Equal(t, fmt.Sprintf("line %d", 3*TailLines-1), lines[TailLines-1])

	huge := strings.Repeat("a", 5000) + strings.Repeat("z", 4096)
	_, _ = w.Write([]byte(huge))
	lines = w.lines()
	assert.Equal(t, strings.Repeat("z", 4096), lines[len(lines)-1], "a line without newline keeps its last 4096 bytes")
}

func TestASymlinkThatCannotBeResolvedOrLoopsIsRefused(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n"), 0o644))
	require.NoError(t, os.Symlink("missing.txt", filepath.Join(dir, "dangling")))
	_, err := listSources(Spec{Dir: dir, Recipe: RecipeGo})
	assert.ErrorContains(t, err, "dangling is a symlink that cannot be resolved")

	loop := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(loop, "main.go"), []byte("package main\n"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(loop, "sub"), 0o755))
	require.NoError(t, os.Symlink("..", filepath.Join(loop, "sub", "up")))
	_, err = listSources(Spec{Dir: loop, Recipe: RecipeGo})
	assert.ErrorContains(t, err, "is a symlink loop")
}

func TestASymlinkToADirectoryThatIsNotAnAncestorIsFollowed(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "lib"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "lib", "x.go"), []byte("package lib\n"), 0o644))
	require.NoError(t, os.Symlink("lib", filepath.Join(dir, "alias")))
	files, err := listSources(Spec{Dir: dir, Recipe: RecipeGo})
	require.NoError(t, err)
	var names []string
	for _, f := range files {
		names = append(names, f.name)
	}
	assert.Equal(t, []string{"alias/x.go", "lib/x.go", "main.go"}, names)
}

func TestACacheEntryThatCannotBeMovedInIsAnError(t *testing.T) {
	dir := t.TempDir()
	err := commit(filepath.Join(dir, "no-entry"), filepath.Join(dir, "no-dst"))
	assert.ErrorContains(t, err, "build cache: ")
}

// A rename can fail because another run moved dst's directory aside at the
// same moment: commit tries again, three times at most.
func TestACommitRacingAnotherRunIsTriedAgainThreeTimesAtMost(t *testing.T) {
	for _, tc := range []struct {
		readyAt int // the failed attempt after which the other run is done
		ok      bool
	}{{0, true}, {2, true}, {3, false}} {
		dir := t.TempDir()
		entry := filepath.Join(dir, "entry")
		require.NoError(t, os.Mkdir(entry, 0o755))
		dst := filepath.Join(dir, "moved", "dst")
		failures := 0
		afterFailedRename = func(attempt int) {
			failures++
			if attempt == tc.readyAt {
				require.NoError(t, os.Mkdir(filepath.Dir(dst), 0o755))
			}
		}
		err := commit(entry, dst)
		afterFailedRename = nil
		if tc.ok {
			require.NoError(t, err, "ready after attempt %d", tc.readyAt)
			assert.DirExists(t, dst)
			assert.Equal(t, tc.readyAt+1, failures)
		} else {
			assert.ErrorContains(t, err, "build cache: ", "ready only after attempt %d", tc.readyAt)
			assert.Equal(t, 4, failures)
		}
	}
}
