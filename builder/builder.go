package builder

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// FormatVersion is part of every cache key: bump it when a recipe's
// command or the staging changes what a build produces.
const FormatVersion = "1"

// TailLines is how many of a failed command's last output lines an Error
// keeps.
const TailLines = 50

// Options configure a Builder.
type Options struct {
	// CacheDir holds staging directories and finished outputs, e.g.
	// <project>/.fcdeploy/build. Required: builds never run in the tree.
	CacheDir string
	// NoCache builds even when a cached output exists (the new output
	// then replaces it).
	NoCache bool
	// Env is the environment of the build commands; nil means os.Environ().
	Env []string
}

// Result is a finished build.
type Result struct {
	// Dir is the output directory to package (inside the cache; read-only).
	Dir    string
	Recipe Recipe
	// Command is what ran (or would run) in the staged copy.
	Command string
	// Key is the hash of the build's inputs, the cache key.
	Key string
	// Toolchain maps a tool (go, node, npm, python3, pip) to its version.
	Toolchain map[string]string
	// Cached says the output came from the cache; Shared that another
	// function of this run had the same build.
	Cached bool
	Shared bool
	// Duration is how long this build (or cache check) took.
	Duration time.Duration
}

// Error is a build command that failed: what ran, its exit code and the
// end of its output.
type Error struct {
	Dir      string
	Command  string
	ExitCode int // -1 when the command could not start or was killed
	// Tail is the last TailLines lines of stdout and stderr, interleaved.
	Tail []string
	Err  error
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "build of %s failed: `%s` ", e.Dir, e.Command)
	switch {
	case e.ExitCode == 0 && e.Err != nil:
		fmt.Fprintf(&b, "succeeded but %v", e.Err)
	case e.ExitCode >= 0:
		fmt.Fprintf(&b, "exited with code %d", e.ExitCode)
	default:
		fmt.Fprintf(&b, "did not finish: %v", e.Err)
	}
	if len(e.Tail) > 0 {
		fmt.Fprintf(&b, "; the last %d lines of its output:\n", len(e.Tail))
		for _, l := range e.Tail {
			b.WriteString("  | ")
			b.WriteString(l)
			b.WriteByte('\n')
		}
		return strings.TrimSuffix(b.String(), "\n")
	}
	b.WriteString(" with no output")
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Stats count what a Builder did.
type Stats struct {
	Built, Cached, Shared int64
}

// Builder builds code directories. One Builder per run: functions with the
// same Spec share one build. It is safe for concurrent use.
type Builder struct {
	opt     Options
	mu      sync.Mutex
	flights map[string]*flight
	tools   map[string]*toolFlight
	memo    *toolMemo

	built, cached, shared atomic.Int64
}

type flight struct {
	done chan struct{}
	res  *Result
	err  error
}

type toolFlight struct {
	once    sync.Once
	version string
	err     error
}

// New returns a Builder.
func New(opt Options) *Builder {
	if opt.Env == nil {
		opt.Env = os.Environ()
	}
	return &Builder{opt: opt, flights: map[string]*flight{}, tools: map[string]*toolFlight{},
		memo: &toolMemo{path: filepath.Join(opt.CacheDir, toolsFile)}}
}

// Stats returns the counters so far.
func (b *Builder) Stats() Stats {
	return Stats{Built: b.built.Load(), Cached: b.cached.Load(), Shared: b.shared.Load()}
}

// Build builds spec, or takes its output from the cache.
func (b *Builder) Build(ctx context.Context, spec Spec) (*Result, error) {
	if b.opt.CacheDir == "" {
		return nil, errors.New("builder: no cache directory; builds never run in the source tree")
	}
	// Flights are keyed by the resolved spec, so `build: auto` and the
	// recipe it picks share one build.
	spec, err := spec.resolve()
	if err != nil {
		return nil, err
	}
	id, _ := json.Marshal(spec)
	b.mu.Lock()
	f, ok := b.flights[string(id)]
	if !ok {
		f = &flight{done: make(chan struct{})}
		b.flights[string(id)] = f
	}
	b.mu.Unlock()
	if ok {
		start := time.Now()
		select {
		case <-f.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if f.err != nil {
			return nil, f.err
		}
		b.shared.Add(1)
		r := *f.res
		r.Shared, r.Duration = true, time.Since(start)
		return &r, nil
	}
	start := time.Now()
	f.res, f.err = b.build(ctx, spec)
	if f.res != nil {
		f.res.Duration = time.Since(start)
	}
	close(f.done)
	return f.res, f.err
}

// build runs a resolved spec.
func (b *Builder) build(ctx context.Context, spec Spec) (*Result, error) {
	st := spec.plan()
	res := &Result{Recipe: spec.Recipe, Command: st.String(), Toolchain: map[string]string{}}
	for _, t := range spec.tools() {
		v, err := b.toolVersion(ctx, t, spec.Dir)
		if err != nil {
			return nil, fmt.Errorf("code directory %s: %w", spec.Dir, err)
		}
		res.Toolchain[t.name] = v
	}
	if _, err := exec.LookPath(st.argv[0]); err != nil {
		return nil, fmt.Errorf("code directory %s: the build needs %s, which is not on PATH; %s, or set build: false", spec.Dir, st.argv[0], installHint[st.argv[0]])
	}
	files, err := listSources(spec)
	if err != nil {
		return nil, err
	}
	res.Key, err = b.key(spec, st, res.Toolchain, files)
	if err != nil {
		return nil, err
	}
	entry := filepath.Join(b.opt.CacheDir, res.Key)
	res.Dir = filepath.Join(entry, "out")
	if !b.opt.NoCache {
		if verifyEntry(entry) == nil {
			touch(entry)
			b.cached.Add(1)
			res.Cached = true
			return res, nil
		}
	}
	if err := b.run(ctx, spec, st, files, res); err != nil {
		return nil, err
	}
	b.built.Add(1)
	return res, nil
}

// toolVersion asks each tool its version once per run (per directory for
// go, whose go.mod may select another toolchain).
func (b *Builder) toolVersion(ctx context.Context, t tool, dir string) (string, error) {
	k := t.name
	if t.name == "go" {
		k += "\x00" + dir
	}
	b.mu.Lock()
	tf, ok := b.tools[k]
	if !ok {
		tf = &toolFlight{}
		b.tools[k] = tf
	}
	b.mu.Unlock()
	tf.once.Do(func() {
		st := ""
		if memoTools[t.name] {
			st = stamp(t.argv[0])
		}
		if st != "" {
			if v, ok := b.memo.get(st); ok {
				tf.version = v
				return
			}
		}
		tf.version, tf.err = toolVersion(ctx, t, dir, b.opt.Env)
		if st != "" && tf.err == nil {
			b.memo.put(st, tf.version)
		}
	})
	return tf.version, tf.err
}

// envKeys are environment variables that change what a recipe produces;
// their values feed the key.
var envKeys = map[Recipe][]string{
	RecipeGo:     {"GOFLAGS", "GOEXPERIMENT", "GOTOOLCHAIN"},
	RecipePython: {"PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_NO_INDEX"},
	RecipeNodejs: {"NODE_ENV", "npm_config_registry", "NPM_CONFIG_REGISTRY"},
}

// key hashes everything the build reads: format, spec, command, toolchain,
// relevant environment, and each input file's name, executable bit and
// content (plus local --find-links folders for python).
func (b *Builder) key(spec Spec, st step, toolchain map[string]string, files []srcFile) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "fcdeploy build format %s\n", FormatVersion)
	specCopy := spec
	specCopy.Dir = "" // the same tree elsewhere builds the same output
	sj, _ := json.Marshal(specCopy)
	fmt.Fprintf(h, "spec %s\ncommand %s\n", sj, st.String())
	tj, _ := json.Marshal(toolchain)
	fmt.Fprintf(h, "toolchain %s\n", tj)
	for _, k := range envKeys[spec.Recipe] {
		if v, ok := lookup(b.opt.Env, k); ok {
			fmt.Fprintf(h, "env %s=%s\n", k, v)
		}
	}
	for _, f := range files {
		sum, size, err := hashFile(f.real)
		if err != nil {
			return "", fmt.Errorf("code directory %s: %s: %w", spec.Dir, f.name, err)
		}
		fmt.Fprintf(h, "file %q %t %d %s\n", f.name, f.exec, size, sum)
	}
	for _, l := range spec.FindLinks {
		if strings.Contains(l, "://") {
			continue
		}
		if err := hashLinks(h, l); err != nil {
			return "", fmt.Errorf("code directory %s: build.options.findLinks %s: %w", spec.Dir, l, err)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:32], nil
}

// hashLinks adds a --find-links folder (or file) to the key: pip may pick
// any archive in it.
func hashLinks(h interface{ Write([]byte) (int, error) }, p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	paths := []string{p}
	if fi.IsDir() {
		des, err := os.ReadDir(p)
		if err != nil {
			return err
		}
		paths = paths[:0]
		for _, de := range des {
			if de.Type().IsRegular() {
				paths = append(paths, filepath.Join(p, de.Name()))
			}
		}
	}
	slices.Sort(paths)
	for _, q := range paths {
		sum, size, err := hashFile(q)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "link %q %d %s\n", filepath.Base(q), size, sum)
	}
	return nil
}

func lookup(env []string, key string) (string, bool) {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

// run stages the sources, runs the recipe and commits the output to the
// cache under res.Key.
func (b *Builder) run(ctx context.Context, spec Spec, st step, files []srcFile, res *Result) error {
	if err := os.MkdirAll(b.opt.CacheDir, 0o755); err != nil {
		return fmt.Errorf("build cache %s: %w", b.opt.CacheDir, err)
	}
	tmp, err := os.MkdirTemp(b.opt.CacheDir, "tmp-")
	if err != nil {
		return fmt.Errorf("build cache %s: %w", b.opt.CacheDir, err)
	}
	defer os.RemoveAll(tmp)
	src := filepath.Join(tmp, "src")
	if err := stage(files, src); err != nil {
		return fmt.Errorf("code directory %s: staging a copy: %w", spec.Dir, err)
	}
	cmd := exec.CommandContext(ctx, st.argv[0], st.argv[1:]...)
	cmd.Dir = src
	cmd.Env = append(slices.Clone(b.opt.Env), st.env...)
	tail := &tailWriter{}
	cmd.Stdout, cmd.Stderr = tail, tail
	if err := cmd.Run(); err != nil {
		e := &Error{Dir: spec.Dir, Command: res.Command, ExitCode: -1, Tail: tail.lines(), Err: err}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			e.ExitCode = ee.ExitCode() // -1 when a signal ended it
		}
		if ctx.Err() != nil {
			e.Err, e.ExitCode = ctx.Err(), -1
		}
		return e
	}
	out := filepath.Join(tmp, filepath.FromSlash(st.outDir))
	if fi, err := os.Stat(out); err != nil || !fi.IsDir() {
		return &Error{Dir: spec.Dir, Command: res.Command, ExitCode: 0, Tail: tail.lines(),
			Err: fmt.Errorf("left no output directory %s", strings.TrimPrefix(st.outDir, "src/"))}
	}
	entry := filepath.Join(tmp, "entry")
	if err := os.Mkdir(entry, 0o755); err != nil {
		return err
	}
	if err := os.Rename(out, filepath.Join(entry, "out")); err != nil {
		return fmt.Errorf("build cache: %w", err)
	}
	if err := writeRecord(entry, record{Key: res.Key, Recipe: spec.Recipe, Command: res.Command, Toolchain: res.Toolchain}); err != nil {
		return fmt.Errorf("build cache: %w", err)
	}
	return commit(entry, filepath.Join(b.opt.CacheDir, res.Key))
}

// tailWriter keeps the last TailLines lines written to it.
type tailWriter struct {
	mu      sync.Mutex
	partial []byte
	buf     []string
}

func (w *tailWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	data := append(w.partial, p...)
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		w.push(string(bytes.TrimRight(data[:i], "\r")))
		data = data[i+1:]
	}
	if len(data) > 4096 { // a huge line without newline: keep its end
		data = data[len(data)-4096:]
	}
	w.partial = append([]byte(nil), data...)
	return len(p), nil
}

func (w *tailWriter) push(line string) {
	w.buf = append(w.buf, line)
	if len(w.buf) > 2*TailLines {
		w.buf = append(w.buf[:0], w.buf[len(w.buf)-TailLines:]...)
	}
}

func (w *tailWriter) lines() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	all := slices.Clone(w.buf)
	if len(w.partial) > 0 {
		all = append(all, string(w.partial))
	}
	if len(all) > TailLines {
		all = all[len(all)-TailLines:]
	}
	return all
}
