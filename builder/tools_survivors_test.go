package builder

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func nodeSources(t *testing.T) Spec {
	t.Helper()
	src := t.TempDir()
	writeTree(t, src, map[string]string{"package.json": "{}", "package-lock.json": "{}", "index.js": ""})
	return Spec{Dir: src, Runtime: "nodejs14", Handler: "index.handler"}
}

func TestTheVersionsAskedInAProjectsFirstBuildAreRemembered(t *testing.T) {
	_, log := fakeNode(t, "10.0.0")
	spec := nodeSources(t)
	cache := filepath.Join(t.TempDir(), ".fcdeploy", "build") // not there yet
	build(t, cache, spec)
	build(t, cache, spec)
	assert.Equal(t, "node npm", asked(t, log))
}

func TestAVersionThatCannotBeRememberedLeavesNoTemporaryFile(t *testing.T) {
	_, log := fakeNode(t, "10.0.0")
	spec := nodeSources(t)
	cache := t.TempDir()
	writeTree(t, cache, map[string]string{toolsFile + "/in-the-way": ""})
	build(t, cache, spec)
	build(t, cache, spec)
	assert.Equal(t, "node npm node npm", asked(t, log), "nothing could be remembered")
	left, err := filepath.Glob(filepath.Join(cache, ".tools-*"))
	require.NoError(t, err)
	assert.Empty(t, left)
}

func TestANpmThatCannotSayItsVersionIsAskedAgainNextRun(t *testing.T) {
	bin, log := fakeNode(t, "10.0.0")
	writeTree(t, bin, map[string]string{"npm*": "#!/bin/sh\nif [ \"$1\" = --version ]; then echo npm >> " + log + "; echo npm is broken >&2; exit 1; fi\n"})
	spec := nodeSources(t)
	cache := t.TempDir()
	for range 2 {
		_, err := New(Options{CacheDir: cache}).Build(context.Background(), spec)
		assert.EqualError(t, err, "code directory "+spec.Dir+": `npm --version` failed: exit status 1: npm is broken")
	}
	assert.Equal(t, "node npm npm", asked(t, log), "node's answer is remembered, npm's failure is not")
	data, err := os.ReadFile(filepath.Join(cache, toolsFile))
	require.NoError(t, err)
	var memo map[string]string
	require.NoError(t, json.Unmarshal(data, &memo))
	assert.Equal(t, []string{"v99.0.0"}, slices.Collect(maps.Values(memo)))
}
