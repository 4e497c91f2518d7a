package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVersionReadsTheRevisionFromTheBuildInfo(t *testing.T) {
	info := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/fcdeploy/fcdeploy", Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.time", Value: "2026-11-29T12:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	assert.Equal(t, "fcdeploy (devel)\nrevision: 0123456789abcdef0123456789abcdef01234567 (with uncommitted changes), committed 2026-11-29T12:00:00Z\ngo: go1.26.8\n",
		versionFrom(info).String())
}

func TestVersionOfAGoInstallTakesTheRevisionFromThePseudoVersion(t *testing.T) {
	info := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261129120000-abcdef123456"}}
	v := versionFrom(info)
	assert.Equal(t, "v0.0.0-20261129120000-abcdef123456", v.Version)
	assert.Equal(t, "abcdef123456", v.Revision)
}

func TestVersionSaysUnknownRatherThanMakingUpARevision(t *testing.T) {
	v := versionFrom(&debug.BuildInfo{})
	assert.Equal(t, "fcdeploy (unknown)\nrevision: (unknown)\ngo: (unknown)\n", v.String())
}

// TestABinaryBuiltFromACheckoutPrintsItsRevision builds fcdeploy from a
// fresh clone of this repository with VCS stamping on, and checks that
// `fcdeploy version` prints the clone's HEAD. (A git worktree cannot be
// used: the go command only stamps when .git is a directory.)
func TestABinaryBuiltFromACheckoutPrintsItsRevision(t *testing.T) {
	if testing.Short() {
		t.Skip("builds fcdeploy; skipped with -short")
	}
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	top, err := exec.Command(git, "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Skip("not inside a git checkout")
	}
	clone := filepath.Join(t.TempDir(), "src")
	if out, err := exec.Command(git, "clone", "--quiet", "--no-hardlinks", strings.TrimSpace(string(top)), clone).CombinedOutput(); err != nil {
		t.Skipf("cannot clone the repository: %v\n%s", err, out)
	}
	head, err := exec.Command(git, "-C", clone, "rev-parse", "HEAD").Output()
	require.NoError(t, err)

	bin := filepath.Join(t.TempDir(), "fcdeploy")
	build := exec.Command("go", "build", "-buildvcs=true", "-o", bin, "./cmd/fcdeploy")
	build.Dir = clone
	// No network: the module cache already holds what the tests built with.
	build.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off", "GOPROXY=off")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build:\n%s", out)

	out, err = exec.Command(bin, "version").Output()
	require.NoError(t, err)
	assert.Contains(t, string(out), "revision: "+strings.TrimSpace(string(head)))
}
