package builder

import (
	"context"
	"debug/elf"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/packager"
)

func zipOf(t *testing.T, dir string) *packager.Archive {
	t.Helper()
	a, err := packager.New(packager.Options{}).PackageDir(context.Background(), dir, packager.DirOptions{})
	require.NoError(t, err)
	return a
}

func TestNodejsBuildInstallsTheLockedDependencyInAStagedCopyAndLeavesTheSourceAlone(t *testing.T) {
	needTools(t, "node", "npm")
	src := t.TempDir()
	nodeProject(t, src)
	writeTree(t, src, map[string]string{"node_modules/stale/index.js": "old local install", ".fcignore": "notes.md\n", "notes.md": "not shipped"})
	before := snapshot(t, src)

	r, b := build(t, t.TempDir(), Spec{Dir: src, Runtime: "nodejs14", Handler: "index.handler", Recipe: RecipeAuto})

	assert.Equal(t, before, snapshot(t, src), "the build wrote nothing into the source directory")
	assert.Equal(t, RecipeNodejs, r.Recipe)
	assert.Equal(t, "npm ci --omit=dev --no-audit --no-fund", r.Command)
	assert.FileExists(t, filepath.Join(r.Dir, "node_modules", "tiny", "index.js"))
	assert.FileExists(t, filepath.Join(r.Dir, "index.js"))
	assert.NoFileExists(t, filepath.Join(r.Dir, "node_modules", "stale", "index.js"), "a local node_modules is replaced by npm ci's")
	assert.NoFileExists(t, filepath.Join(r.Dir, "notes.md"), ".fcignore applies to the staged copy")
	assert.NotEmpty(t, r.Toolchain["node"])
	assert.NotEmpty(t, r.Toolchain["npm"])
	assert.Equal(t, Stats{Built: 1}, b.Stats())
}

func TestAnUnchangedFunctionComesFromTheCacheAndARemovedCacheRebuildsTheSameZip(t *testing.T) {
	needTools(t, "node", "npm")
	src, cache := t.TempDir(), t.TempDir()
	nodeProject(t, src)
	spec := Spec{Dir: src, Runtime: "nodejs14", Handler: "index.handler"}
	first, _ := build(t, cache, spec)
	firstZip := zipOf(t, first.Dir)

	// Touching files changes no content: still a hit.
	now := time.Now().Add(time.Hour)
	require.NoError(t, os.Chtimes(filepath.Join(src, "index.js"), now, now))
	second, b := build(t, cache, spec)
	assert.True(t, second.Cached)
	assert.Equal(t, first.Key, second.Key)
	assert.Equal(t, Stats{Cached: 1}, b.Stats())

	require.NoError(t, os.RemoveAll(cache))
	third, b := build(t, cache, spec)
	assert.False(t, third.Cached)
	assert.Equal(t, Stats{Built: 1}, b.Stats())
	assert.Equal(t, firstZip.Checksum, zipOf(t, third.Dir).Checksum, "a rebuild gives byte-identical zips")
}

func TestNoBuildCacheForcesABuild(t *testing.T) {
	needTools(t, "sh")
	src, cache := t.TempDir(), t.TempDir()
	writeTree(t, src, map[string]string{"in.txt": "x"})
	spec := Spec{Dir: src, Runtime: "custom", Recipe: RecipeCommand, Command: "mkdir out && cp in.txt out/", Output: "out"}
	build(t, cache, spec)
	b := New(Options{CacheDir: cache, NoCache: true})
	r, err := b.Build(context.Background(), spec)
	require.NoError(t, err)
	assert.False(t, r.Cached)
	assert.Equal(t, Stats{Built: 1}, b.Stats())
}

func TestTheKeyFollowsContentNotTimesNorIgnoredFiles(t *testing.T) {
	needTools(t, "sh")
	src := t.TempDir()
	writeTree(t, src, map[string]string{"in.txt": "x", ".fcignore": "scratch/\n", "scratch/a": "1"})
	spec := Spec{Dir: src, Runtime: "custom", Recipe: RecipeCommand, Command: "mkdir out && cp in.txt out/", Output: "out"}
	key := func(s Spec) string {
		s, err := s.resolve()
		require.NoError(t, err)
		files, err := listSources(s)
		require.NoError(t, err)
		k, err := New(Options{CacheDir: "unused"}).key(s, s.plan(), nil, files)
		require.NoError(t, err)
		return k
	}
	k0 := key(spec)
	writeTree(t, src, map[string]string{"scratch/a": "2"})
	assert.Equal(t, k0, key(spec), "an ignored file is not an input")
	writeTree(t, src, map[string]string{"in.txt": "y"})
	k1 := key(spec)
	assert.NotEqual(t, k0, k1, "a changed input changes the key")
	require.NoError(t, os.Chmod(filepath.Join(src, "in.txt"), 0o755))
	assert.NotEqual(t, k1, key(spec), "the executable bit is an input")
	other := spec
	other.Command = "mkdir out && cp in.txt out/ && true"
	assert.NotEqual(t, key(spec), key(other), "the command is an input")
}

func TestACorruptCacheEntryIsRebuiltNotShipped(t *testing.T) {
	needTools(t, "sh")
	src, cache := t.TempDir(), t.TempDir()
	writeTree(t, src, map[string]string{"in.txt": "good"})
	spec := Spec{Dir: src, Runtime: "custom", Recipe: RecipeCommand, Command: "mkdir out && cp in.txt out/", Output: "out"}
	r, _ := build(t, cache, spec)
	require.NoError(t, os.WriteFile(filepath.Join(r.Dir, "in.txt"), []byte("evil"), 0o644))

	again, b := build(t, cache, spec)
	assert.False(t, again.Cached)
	assert.Equal(t, Stats{Built: 1}, b.Stats())
	data, err := os.ReadFile(filepath.Join(again.Dir, "in.txt"))
	require.NoError(t, err)
	assert.Equal(t, "good", string(data))
}

func TestFunctionsWithTheSameSpecShareOneBuild(t *testing.T) {
	needTools(t, "sh")
	src := t.TempDir()
	writeTree(t, src, map[string]string{"in.txt": "x"})
	spec := Spec{Dir: src, Runtime: "custom", Recipe: RecipeCommand, Command: "mkdir out && cp in.txt out/", Output: "out"}
	b := New(Options{CacheDir: t.TempDir()})
	var wg sync.WaitGroup
	results := make([]*Result, 4)
	for i := range results {
		wg.Go(func() {
			r, err := b.Build(context.Background(), spec)
			assert.NoError(t, err)
			results[i] = r
		})
	}
	wg.Wait()
	assert.Equal(t, Stats{Built: 1, Shared: 3}, b.Stats())
	for _, r := range results {
		assert.Equal(t, results[0].Dir, r.Dir)
	}
}

func TestConcurrentRunsBuildingTheSameKeyBothSucceedWithOneEntry(t *testing.T) {
	needTools(t, "sh")
	src, cache := t.TempDir(), t.TempDir()
	writeTree(t, src, map[string]string{"in.txt": "x"})
	spec := Spec{Dir: src, Runtime: "custom", Recipe: RecipeCommand, Command: "mkdir out && cp in.txt out/", Output: "out"}
	// Two Builders stand for two fcdeploy processes sharing the cache.
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			r, err := New(Options{CacheDir: cache, NoCache: true}).Build(context.Background(), spec)
			if assert.NoError(t, err) {
				assert.FileExists(t, filepath.Join(r.Dir, "in.txt"))
			}
		})
	}
	wg.Wait()
	entries, err := os.ReadDir(cache)
	require.NoError(t, err)
	require.Len(t, entries, 1, "staging directories are removed and one entry remains")
	assert.NoError(t, verifyEntry(filepath.Join(cache, entries[0].Name())))
}

func TestAFailingCommandNamesItsCommandExitCodeAndTheLastFiftyLines(t *testing.T) {
	needTools(t, "sh")
	src, cache := t.TempDir(), t.TempDir()
	writeTree(t, src, map[string]string{"in.txt": "x"})
	cmd := `i=1; while [ $i -le 80 ]; do echo "line $i"; i=$((i+1)); done; echo oops >&2; exit 3`
	_, err := New(Options{CacheDir: cache}).Build(context.Background(),
		Spec{Dir: src, Runtime: "custom", Recipe: RecipeCommand, Command: cmd, Output: "out"})
	var be *Error
	require.ErrorAs(t, err, &be)
	assert.Equal(t, 3, be.ExitCode)
	require.Len(t, be.Tail, TailLines)
	assert.Equal(t, "line 32", be.Tail[0])
	assert.Equal(t, "oops", be.Tail[TailLines-1])
	assert.Contains(t, err.Error(), "exited with code 3")
	assert.Contains(t, err.Error(), "`sh -c '"+strings.ReplaceAll(cmd, "'", `'\''`)+"'`")
	entries, _ := os.ReadDir(cache)
	assert.Empty(t, entries, "a failed build leaves nothing in the cache")
}

func TestACommandMustLeaveItsOutputDirectory(t *testing.T) {
	needTools(t, "sh")
	src := t.TempDir()
	writeTree(t, src, map[string]string{"in.txt": "x"})
	_, err := New(Options{CacheDir: t.TempDir()}).Build(context.Background(),
		Spec{Dir: src, Runtime: "custom", Recipe: RecipeCommand, Command: "true", Output: "dist"})
	assert.ErrorContains(t, err, "left no output directory dist")
}

func TestTheCommandRecipeStagesOnlyItsInputs(t *testing.T) {
	needTools(t, "sh")
	src := t.TempDir()
	writeTree(t, src, map[string]string{"src/a.txt": "a", "src/deep/b.txt": "b", "build.sh*": "#!/bin/sh\nmkdir -p dist && cat src/a.txt src/deep/b.txt > dist/ab.txt\n", "notes.txt": "n"})
	before := snapshot(t, src)
	r, _ := build(t, t.TempDir(), Spec{Dir: src, Runtime: "custom", Recipe: RecipeCommand,
		Command: "test ! -e notes.txt && ./build.sh", Inputs: []string{"src", "*.sh"}, Output: "dist"})
	data, err := os.ReadFile(filepath.Join(r.Dir, "ab.txt"))
	require.NoError(t, err)
	assert.Equal(t, "ab", string(data))
	assert.Equal(t, before, snapshot(t, src))
}

func TestInputGlobs(t *testing.T) {
	cases := []struct {
		globs []string
		name  string
		want  bool
	}{
		{nil, "any/file", true},
		{[]string{"src"}, "src/a/b.go", true},
		{[]string{"src/**/*.go"}, "src/a/b.go", true},
		{[]string{"src/**/*.go"}, "src/b.go", true},
		{[]string{"src/**/*.go"}, "src/b.txt", false},
		{[]string{"*.json"}, "package.json", true},
		{[]string{"*.json"}, "lib/x.json", false},
		{[]string{"**/*.json"}, "lib/x.json", true},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, matchInputs(c.globs, c.name), "%v matching %s", c.globs, c.name)
	}
}

func TestAMissingLockfileSaysHowToMakeOne(t *testing.T) {
	src := t.TempDir()
	writeTree(t, src, map[string]string{"package.json": `{"name":"x"}`, "index.js": ""})
	_, err := New(Options{CacheDir: t.TempDir()}).Build(context.Background(), Spec{Dir: src, Runtime: "nodejs14", Handler: "index.handler"})
	assert.ErrorContains(t, err, "has package.json but no package-lock.json")
	assert.ErrorContains(t, err, "npm install --package-lock-only")
}

func TestRecipesMustFitTheRuntime(t *testing.T) {
	src := t.TempDir()
	writeTree(t, src, map[string]string{"requirements.txt": "", "index.py": ""})
	_, err := New(Options{CacheDir: t.TempDir()}).Build(context.Background(), Spec{Dir: src, Runtime: "python3", Recipe: RecipeGo})
	assert.ErrorContains(t, err, "build recipe go does not fit runtime python3")
	_, err = New(Options{CacheDir: t.TempDir()}).Build(context.Background(), Spec{Dir: src, Runtime: "java8"})
	assert.ErrorContains(t, err, "no build recipe fits runtime java8")
}

func goProject(t *testing.T, dir string, mainBody string) {
	writeTree(t, dir, map[string]string{
		"go.mod":                 "module example.com/fn\n\ngo 1.22\n\nrequire example.com/greeting v0.0.0\n\nreplace example.com/greeting => ./greeting\n",
		"main.go":                "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/greeting\"\n)\n\nfunc main() {\n" + mainBody + "\n\tfmt.Println(greeting.Hello(\"go\"))\n}\n",
		"greeting/go.mod":        "module example.com/greeting\n\ngo 1.22\n",
		"greeting/greeting.go":   "package greeting\n\nfunc Hello(who string) string { return \"hello \" + who }\n",
		"greeting/greeting_test": "not go code, not an input that matters",
	})
}

func TestGoBuildsAReproducibleLinuxBinaryNamedAsTheRuntimeExpects(t *testing.T) {
	needTools(t, "go")
	src := t.TempDir()
	goProject(t, src, "")
	before := snapshot(t, src)

	custom, _ := build(t, t.TempDir(), Spec{Dir: src, Runtime: "custom", Handler: "index.handler"})
	assert.Equal(t, RecipeGo, custom.Recipe)
	assert.Equal(t, "CGO_ENABLED=0 GOOS=linux GOARCH=amd64 GOAMD64=v1 GOWORK=off go build -trimpath -buildvcs=false -ldflags=-buildid= -o ../out/bootstrap .", custom.Command)
	files, err := listOutput(custom.Dir)
	require.NoError(t, err)
	require.Len(t, files, 1, "the output is the binary alone")
	assert.Equal(t, "bootstrap", files[0].Path)
	assert.True(t, files[0].Exec)
	f, err := elf.Open(filepath.Join(custom.Dir, "bootstrap"))
	require.NoError(t, err)
	assert.Equal(t, elf.EM_X86_64, f.Machine)
	f.Close()

	go1, _ := build(t, t.TempDir(), Spec{Dir: src, Runtime: "go1", Handler: "bin/main"})
	assert.FileExists(t, filepath.Join(go1.Dir, "bin", "main"), "go1 runs the binary its handler names")

	again, _ := build(t, t.TempDir(), Spec{Dir: src, Runtime: "custom", Handler: "index.handler"})
	assert.Equal(t, zipOf(t, custom.Dir).Checksum, zipOf(t, again.Dir).Checksum, "another cache, the same bytes")
	assert.Equal(t, before, snapshot(t, src))
}

func TestAGoSyntaxErrorFailsWithTheCompilersMessage(t *testing.T) {
	needTools(t, "go")
	src := t.TempDir()
	goProject(t, src, "\tthis is not go")
	_, err := New(Options{CacheDir: t.TempDir()}).Build(context.Background(), Spec{Dir: src, Runtime: "custom"})
	var be *Error
	require.ErrorAs(t, err, &be)
	assert.Equal(t, 1, be.ExitCode)
	assert.Contains(t, strings.Join(be.Tail, "\n"), "main.go:")
	assert.Contains(t, be.Command, "go build")
}

func TestPythonInstallsRequirementsFromALocalFindLinksFolder(t *testing.T) {
	needTools(t, "python3")
	if err := exec.Command("python3", "-m", "pip", "--version").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("pip is needed by this test and CI=true: %v", err)
		}
		t.Skipf("pip is not available (%v); skipping", err)
	}
	src, wheels := t.TempDir(), t.TempDir()
	wheel(t, wheels, "tinydep", "1.0")
	writeTree(t, src, map[string]string{"requirements.txt": "tinydep==1.0\n", "index.py": "import tinydep\n\ndef handler(event, context):\n    return tinydep.greet(event.decode())\n"})
	before := snapshot(t, src)
	spec := Spec{Dir: src, Runtime: "python3", Handler: "index.handler", FindLinks: []string{wheels}, NoIndex: true}

	r, _ := build(t, t.TempDir(), spec)
	assert.Contains(t, r.Command, "--find-links "+wheels+" --no-index")
	assert.FileExists(t, filepath.Join(r.Dir, "tinydep", "__init__.py"))
	assert.FileExists(t, filepath.Join(r.Dir, "index.py"))
	assert.NotEmpty(t, r.Toolchain["python3"])
	assert.NotEmpty(t, r.Toolchain["pip"])
	assert.Equal(t, before, snapshot(t, src))

	// A new wheel in the folder is an input: the key changes.
	wheel(t, wheels, "tinydep", "1.1")
	again, _ := build(t, t.TempDir(), spec)
	assert.NotEqual(t, r.Key, again.Key)
}

func TestAMissingToolIsNamedWithWhatToInstall(t *testing.T) {
	src := t.TempDir()
	nodeProject(t, src)
	t.Setenv("PATH", t.TempDir())
	_, err := New(Options{CacheDir: t.TempDir()}).Build(context.Background(), Spec{Dir: src, Runtime: "nodejs14"})
	assert.ErrorContains(t, err, "the build needs node, which is not on PATH; install Node.js")
}

func TestACancelledBuildIsNotAnExitCode(t *testing.T) {
	needTools(t, "sh")
	src := t.TempDir()
	writeTree(t, src, map[string]string{"in.txt": "x"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := New(Options{CacheDir: t.TempDir()}).Build(ctx, Spec{Dir: src, Runtime: "custom", Recipe: RecipeCommand, Command: "sleep 5", Output: "out"})
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.Canceled), "got %v", err)
}

func TestCommittingOverADamagedEntryReplacesIt(t *testing.T) {
	cache := t.TempDir()
	entry := func(content string) string {
		e, err := os.MkdirTemp(cache, "tmp-")
		require.NoError(t, err)
		writeTree(t, e, map[string]string{"out/f.txt": content})
		require.NoError(t, writeRecord(e, record{Key: "k"}))
		return e
	}
	dst := filepath.Join(cache, "k")
	require.NoError(t, commit(entry("old"), dst))
	require.NoError(t, os.WriteFile(filepath.Join(dst, "out", "f.txt"), []byte("damaged"), 0o644))
	require.Error(t, verifyEntry(dst))

	require.NoError(t, commit(entry("new"), dst))
	require.NoError(t, verifyEntry(dst))
	data, err := os.ReadFile(filepath.Join(dst, "out", "f.txt"))
	require.NoError(t, err)
	assert.Equal(t, "new", string(data))
	left, err := filepath.Glob(filepath.Join(cache, "k.old-*"))
	require.NoError(t, err)
	assert.Empty(t, left, "the damaged entry moved aside is removed")
}

func TestPruneRemovesEntriesUnusedForLongerThanTheLimit(t *testing.T) {
	cache := t.TempDir()
	for _, k := range []string{"fresh", "stale"} {
		writeTree(t, filepath.Join(cache, k), map[string]string{"out/f": "x", recordFile: "{}"})
	}
	old := time.Now().Add(-10 * 24 * time.Hour)
	require.NoError(t, os.Chtimes(filepath.Join(cache, "stale", recordFile), old, old))
	n, err := Prune(cache, 7*24*time.Hour)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.DirExists(t, filepath.Join(cache, "fresh"))
	assert.NoDirExists(t, filepath.Join(cache, "stale"))
}
