package builder

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeNode puts node and npm scripts on PATH that log each version
// question to a file; `npm ci` succeeds without installing anything.
func fakeNode(t *testing.T, npmVersion string) (bin, log string) {
	t.Helper()
	needTools(t, "sh")
	bin = t.TempDir()
	log = filepath.Join(bin, "asked")
	writeTree(t, bin, map[string]string{
		"node*": "#!/bin/sh\necho node >> " + log + "\necho v99.0.0\n",
		"npm*":  "#!/bin/sh\nif [ \"$1\" = --version ]; then echo npm >> " + log + "; echo " + npmVersion + "; fi\n",
	})
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return bin, log
}

func asked(t *testing.T, log string) string {
	data, err := os.ReadFile(log)
	if os.IsNotExist(err) {
		return ""
	}
	require.NoError(t, err)
	return strings.Join(strings.Fields(string(data)), " ")
}

func TestNodeAndNpmVersionsAreAskedOnceUntilTheyAreReinstalled(t *testing.T) {
	bin, log := fakeNode(t, "10.0.0")
	src, cache := t.TempDir(), t.TempDir()
	writeTree(t, src, map[string]string{"package.json": "{}", "package-lock.json": "{}", "index.js": ""})
	spec := Spec{Dir: src, Runtime: "nodejs14", Handler: "index.handler"}

	first, _ := build(t, cache, spec)
	assert.Equal(t, map[string]string{"node": "v99.0.0", "npm": "10.0.0"}, first.Toolchain)
	assert.Equal(t, "node npm", asked(t, log))

	second, _ := build(t, cache, spec)
	assert.True(t, second.Cached)
	assert.Equal(t, first.Toolchain, second.Toolchain)
	assert.Equal(t, "node npm", asked(t, log), "a later run reuses the versions")

	// Upgrading npm rewrites its files (another size here, since a test
	// cannot count on the file system's mtime resolution): asked again.
	writeTree(t, bin, map[string]string{"npm*": "#!/bin/sh\nif [ \"$1\" = --version ]; then echo npm >> " + log + "; echo 11.10.0; fi\n"})
	third, _ := build(t, cache, spec)
	assert.Equal(t, "11.10.0", third.Toolchain["npm"])
	assert.Equal(t, "node npm npm", asked(t, log))
	assert.NotEqual(t, first.Key, third.Key, "the toolchain is part of the key")
	assert.False(t, third.Cached)
}

func TestAVersionCommandThatFailsIsAnError(t *testing.T) {
	needTools(t, "sh")
	bin := t.TempDir()
	writeTree(t, bin, map[string]string{"go*": "#!/bin/sh\necho broken install >&2\nexit 2\n"})
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	src := t.TempDir()
	writeTree(t, src, map[string]string{"go.mod": "module x\n", "main.go": "package main\n"})
	_, err := New(Options{CacheDir: t.TempDir()}).Build(context.Background(), Spec{Dir: src, Runtime: "custom"})
	assert.ErrorContains(t, err, "`go version` failed")
	assert.ErrorContains(t, err, "broken install")
}
