package builder

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func outputPaths(t *testing.T, dir string) []string {
	t.Helper()
	files, err := listOutput(dir)
	require.NoError(t, err)
	var paths []string
	for _, f := range files {
		paths = append(paths, f.Path)
	}
	return paths
}

func TestACodeDirectoryOfMoreEntriesThanTheLimitIsRefused(t *testing.T) {
	defer func(n int) { maxFiles = n }(maxFiles)
	maxFiles = 3
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a.txt": "a", "lib/b.txt": "b"})
	files, err := listSources(Spec{Dir: dir, Recipe: RecipeCommand})
	require.NoError(t, err, "a.txt, lib and lib/b.txt: three entries")
	assert.Len(t, files, 2)

	writeTree(t, dir, map[string]string{"lib/c.txt": "c"})
	_, err = listSources(Spec{Dir: dir, Recipe: RecipeCommand})
	assert.EqualError(t, err, "code directory "+dir+": more than 3 files; ignore some in .fcignore")
}

func TestANodejsBuildStagesSubdirectoriesButNotTheLocalNodeModules(t *testing.T) {
	fakeNode(t, "10.0.0")
	src, cache := t.TempDir(), t.TempDir()
	writeTree(t, src, map[string]string{
		"package.json": "{}", "package-lock.json": "{}", "index.js": "", "lib/util.js": "",
		"node_modules/left/index.js": "left over",
	})
	spec := Spec{Dir: src, Runtime: "nodejs14", Handler: "index.handler"}
	r, _ := build(t, cache, spec)
	assert.Equal(t, []string{"index.js", "lib/util.js", "package-lock.json", "package.json"}, outputPaths(t, r.Dir),
		"npm ci makes node_modules itself")

	writeTree(t, src, map[string]string{"node_modules/left/index.js": "changed"})
	again, _ := build(t, cache, spec)
	assert.Equal(t, r.Key, again.Key, "the local node_modules is not an input")
	assert.True(t, again.Cached)
}

func TestOtherRecipesStageNodeModulesLikeAnyDirectory(t *testing.T) {
	needTools(t, "sh")
	src := t.TempDir()
	writeTree(t, src, map[string]string{"node_modules/dep/index.js": "dep"})
	r, _ := build(t, t.TempDir(), Spec{Dir: src, Runtime: "custom", Recipe: RecipeCommand, Command: "mkdir out && cp -R node_modules out/", Output: "out"})
	assert.Equal(t, []string{"node_modules/dep/index.js"}, outputPaths(t, r.Dir))
}

func TestACopyWhoseSourceCannotBeReadFailsRatherThanLeaveAnEmptyFile(t *testing.T) {
	dir := t.TempDir()
	unreadable := filepath.Join(dir, "became-a-directory")
	require.NoError(t, os.Mkdir(unreadable, 0o755))
	err := stage([]srcFile{{name: "f.txt", real: unreadable}}, filepath.Join(dir, "staged"))
	assert.ErrorContains(t, err, "is a directory")
}

func TestATrailingDoubleStarTakesEverythingUnderItsDirectory(t *testing.T) {
	for name, want := range map[string]bool{
		"dist/app.js": true, "dist/a/b/c.js": true, "distant/app.js": false, "app.js": false,
	} {
		assert.Equal(t, want, matchInputs([]string{"dist/**"}, name), name)
	}
	assert.True(t, matchInputs([]string{"**"}, "any/file"))
}
