package runtime

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
	"golang.org/x/sync/singleflight"
)

//go:embed bootstrap/bootstrap.py
var pythonBootstrap []byte

//go:embed bootstrap/bootstrap.js
var nodeBootstrap []byte

// Defaults of Config.
const (
	DefaultMaxUnpackedBytes        = 512 << 20
	DefaultIdleTimeout             = 5 * time.Minute
	DefaultMaxInstancesPerFunction = 4
)

// Config tunes a Pool; zero fields take the defaults.
type Config struct {
	// CacheDir holds unpacked code, one directory per checksum (required).
	CacheDir string
	// MaxUnpackedBytes caps the content of one code zip (zip bombs).
	MaxUnpackedBytes int64
	// IdleTimeout stops instances unused for that long.
	IdleTimeout time.Duration
	// MaxInstancesPerFunction bounds the instances of one function
	// configuration; further concurrent invocations wait for a free one.
	MaxInstancesPerFunction int
	// MaxProvisionedPerFunction caps what Provision keeps warm for one
	// function configuration (never above MaxInstancesPerFunction).
	MaxProvisionedPerFunction int
	// Python and Node name the interpreters ("python3", "node"), looked up
	// in the server's PATH.
	Python string
	Node   string
	// Logger receives the functions' output and instance lifecycle events.
	Logger *slog.Logger
}

// Pool runs function instances and routes invocations to them. It is safe
// for concurrent use.
type Pool struct {
	cfg     Config
	log     *slog.Logger
	bootDir string
	unpacks singleflight.Group

	interpMu sync.Mutex
	interps  map[string]string // language -> absolute interpreter path

	mu         sync.Mutex
	cache      codeCache
	groups     map[string]*group
	provisions map[string]*group // provision slot (see slotOf) -> provisioned group
	closed     bool
	done       chan struct{}
	reaped     sync.WaitGroup
}

// group holds the instances of one function configuration.
type group struct {
	key, ident string
	sem        chan struct{} // one token per instance in use or being started
	idle       []*instance   // most recently used last
	live       map[*instance]struct{}
	refs       int  // invocations holding or waiting for this group
	retired    bool // a newer configuration of the function exists
	// provisioned is how many instances Provision keeps started: the
	// reaper leaves that many, and lost ones are replaced.
	provisioned int
	launch      *launch
}

// Stats counts a pool's instances.
type Stats struct {
	Instances int // running worker processes
	Idle      int // of which waiting for an invocation
}

// NewPool prepares CacheDir and starts the idle reaper.
func NewPool(cfg Config) (*Pool, error) {
	if cfg.CacheDir == "" {
		return nil, errors.New("runtime pool: CacheDir is required")
	}
	if cfg.MaxUnpackedBytes <= 0 {
		cfg.MaxUnpackedBytes = DefaultMaxUnpackedBytes
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.MaxInstancesPerFunction <= 0 {
		cfg.MaxInstancesPerFunction = DefaultMaxInstancesPerFunction
	}
	if cfg.MaxProvisionedPerFunction <= 0 || cfg.MaxProvisionedPerFunction > cfg.MaxInstancesPerFunction {
		cfg.MaxProvisionedPerFunction = cfg.MaxInstancesPerFunction
	}
	if cfg.Python == "" {
		cfg.Python = "python3"
	}
	if cfg.Node == "" {
		cfg.Node = "node"
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(cfg.CacheDir, 0o755); err != nil {
		return nil, fmt.Errorf("runtime pool: code cache: %w", err)
	}
	sum := sha256.Sum256(append(append([]byte(nil), pythonBootstrap...), nodeBootstrap...))
	bootDir := filepath.Join(cfg.CacheDir, ".bootstrap-"+hex.EncodeToString(sum[:6]))
	removeStaleUnpacks(cfg.CacheDir)
	removeOldCacheEntries(cfg.CacheDir)
	if err := writeBootstrap(bootDir); err != nil {
		return nil, fmt.Errorf("runtime pool: bootstrap: %w", err)
	}
	p := &Pool{
		cfg:        cfg,
		log:        log,
		bootDir:    bootDir,
		interps:    map[string]string{},
		groups:     map[string]*group{},
		provisions: map[string]*group{},
		done:       make(chan struct{}),
		cache:      newCodeCache(),
	}
	p.reaped.Add(1)
	go p.reaper()
	return p, nil
}

// removeStaleUnpacks deletes temporary unpack directories left by a
// process that died while unpacking; an hour is far longer than any unpack.
func removeStaleUnpacks(cacheDir string) {
	entries, err := os.ReadDir(cacheDir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".unpack-") {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > time.Hour {
			_ = os.RemoveAll(filepath.Join(cacheDir, e.Name()))
		}
	}
}

func writeBootstrap(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, b := range map[string][]byte{"bootstrap.py": pythonBootstrap, "bootstrap.js": nodeBootstrap} {
		// Write then rename: another pool may be starting from the same file.
		tmp, err := os.CreateTemp(dir, name+".tmp-")
		if err != nil {
			return err
		}
		_, err = tmp.Write(b)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Chmod(tmp.Name(), 0o644)
		}
		if err == nil {
			err = os.Rename(tmp.Name(), filepath.Join(dir, name))
		}
		if err != nil {
			os.Remove(tmp.Name())
			return err
		}
	}
	return nil
}

// interpreter resolves a language's executable once. Python goes through
// sys.executable so that shims (pyenv, asdf) that need the server's
// environment are replaced by the real binary, which runs in a clean one.
func (p *Pool) interpreter(lang, rt string) (string, error) {
	p.interpMu.Lock()
	defer p.interpMu.Unlock()
	if path, ok := p.interps[lang]; ok {
		return path, nil
	}
	name := p.cfg.Node
	if lang == "python" {
		name = p.cfg.Python
	}
	path, err := resolveInterpreter(lang, name)
	if err != nil {
		return "", &UnsupportedRuntimeError{Runtime: rt, Reason: err.Error()}
	}
	p.interps[lang] = path
	return path, nil
}

// resolved caches resolveInterpreter across pools: asking a pyenv shim for
// sys.executable takes a noticeable fraction of a second.
var resolved sync.Map // lang+"\x00"+name+"\x00"+PATH -> string

func resolveInterpreter(lang, name string) (string, error) {
	cacheKey := lang + "\x00" + name + "\x00" + os.Getenv("PATH")
	if v, ok := resolved.Load(cacheKey); ok {
		return v.(string), nil
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s was not found in PATH", name)
	}
	if lang == "python" {
		out, err := exec.Command(path, "-c", "import sys; print(sys.executable)").Output()
		if err != nil {
			return "", fmt.Errorf("%s does not run: %w", name, err)
		}
		if exe := strings.TrimSpace(string(out)); exe != "" {
			path = exe
		}
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	resolved.Store(cacheKey, path)
	return path, nil
}

// launch is what starting an instance of one function configuration needs.
type launch struct {
	req    Request // the configuration; Event, HTTP and RequestID unset
	lang   string
	interp string // python and node
	dir    string // unpacked code
	opt    string // the local /opt ("" without layers)
	path   []string
	// entries are the cache entries it uses (code, layers, merge), pinned
	// from unpacking until the group holds them (entries[unpinned:]).
	entries  []string
	unpinned int
}

// prepare checks that the runtime can run here, fills the defaults and
// makes the code and layers available.
func (p *Pool) prepare(req *Request) (*launch, error) {
	lang, err := language(req.Runtime)
	if err != nil {
		return nil, err
	}
	l := &launch{lang: lang, path: []string{"/usr/local/bin", "/usr/bin", "/bin"}}
	switch lang {
	case langCustom:
		// Custom runtimes on the platform find python3 and node in their
		// image; locally they find this machine's, when it has them.
		for _, name := range []string{langPython, langNode} {
			if path, err := p.interpreter(name, req.Runtime); err == nil && !slices.Contains(l.path, filepath.Dir(path)) {
				l.path = append(l.path, filepath.Dir(path))
			}
		}
	default:
		if l.interp, err = p.interpreter(lang, req.Runtime); err != nil {
			return nil, err
		}
	}
	if req.Timeout <= 0 {
		req.Timeout = 3
	}
	if req.InitializationTimeout <= 0 {
		req.InitializationTimeout = req.Timeout
	}
	if req.MemorySize <= 0 {
		req.MemorySize = 128
	}
	// Layers are copied: their digests are filled in below.
	req.Layers = slices.Clone(req.Layers)
	if l.dir, err = p.codeDir(l, req); err != nil {
		p.unpin(l)
		return nil, err
	}
	if l.opt, err = p.optDir(l, req.Layers); err != nil {
		p.unpin(l)
		return nil, err
	}
	l.req = *req
	l.req.Event, l.req.HTTP, l.req.RequestID, l.req.LogTail = nil, nil, "", false
	// Code and layers are unpacked now: instances kept for this
	// configuration must not pin the zips in memory.
	l.req.Code = nil
	l.req.Layers = make([]Layer, len(req.Layers))
	for i, layer := range req.Layers {
		l.req.Layers[i] = Layer{Checksum: layer.Checksum, SHA256: layer.SHA256}
	}
	return l, nil
}

// Invoke runs one invocation. Function failures (errors, crashes, timeouts,
// memory, a custom runtime that does not start) come back as a Result with
// ErrorType set; a Go error means the platform could not run the function
// at all (unsupported runtime, bad code or layer, context cancelled, pool
// closed).
func (p *Pool) Invoke(ctx context.Context, req Request) (*Result, error) {
	start := time.Now()
	subject := "function " + req.Service + "/" + req.Function
	l, err := p.prepare(&req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", subject, err)
	}
	g, in, err := p.acquire(ctx, l)
	p.unpin(l) // the group holds the cache entries now
	var sf *startFailure
	if errors.As(err, &sf) {
		p.log.Warn("function failed", "service", req.Service, "function", req.Function,
			"requestId", req.RequestID, "phase", "start", "error", sf.msg)
		return &Result{Body: errorJSON(sf.msg, sf.typ), ErrorType: fc.UnhandledInvocationError, Duration: time.Since(start)}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", subject, err)
	}
	var res *Result
	keep := false
	if in.port != 0 {
		res, keep, err = p.runCustom(ctx, &req, in)
	} else {
		res, keep, err = p.run(ctx, &req, in)
	}
	if keep && err == nil && in.port != 0 && req.PreFreeze != nil {
		// The platform freezes an instance after each invocation; the hook
		// runs before the instance serves again, not before the caller
		// gets its answer.
		go func() { p.release(g, in, p.hook(in, req.PreFreeze, pathPreFreeze)) }()
	} else {
		p.release(g, in, keep)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", subject, err)
	}
	res.Duration = time.Since(start)
	return res, nil
}

// run performs the initializer (first use of an instance) and the
// invocation; keep says whether the instance can serve again.
func (p *Pool) run(ctx context.Context, req *Request, in *instance) (*Result, bool, error) {
	h := frameHeaderOf(req)
	logs, failed, err := p.initWorker(ctx, req, in)
	if err != nil || failed != nil {
		return failed, false, err
	}
	in.initialized = true
	h.Type = "invoke"
	event := req.Event
	if req.HTTP != nil {
		event = req.HTTP.Body
		h.HTTP = &httpFrame{
			Method: req.HTTP.Method, Path: req.HTTP.Path, RawQuery: req.HTTP.RawQuery,
			Header: req.HTTP.Header, ClientIP: req.HTTP.ClientIP,
		}
		if h.HTTP.Path == "" {
			h.HTTP.Path = "/"
		}
	}
	x, err := in.exchange(ctx, h, event, seconds(req.Timeout), req.MemorySize)
	if err != nil {
		return nil, false, err
	}
	if x.outcome == crashed && p.isClosed() {
		return nil, false, ErrClosed // Close killed it: not the function's fault
	}
	p.logOutput(req, x.logs)
	logs = append(logs, x.logs...)
	var res *Result
	keep := false
	switch {
	case x.outcome != answered || x.header.Status == "unhandled":
		res = p.failure(req, x, req.Timeout, "handler")
	case x.header.Status == "handled":
		res = &Result{Body: x.body, ErrorType: fc.HandledInvocationError}
		keep = !x.header.Fatal
	default:
		res = &Result{Body: x.body}
		if req.HTTP != nil {
			res.HTTP = &HTTPResponse{Status: 200, Body: x.body}
			if x.header.HTTP != nil {
				res.HTTP.Status = x.header.HTTP.Status
				res.HTTP.Header = x.header.HTTP.Header
			}
		}
		keep = !x.header.Fatal
	}
	res.Log = logTail(req, logs)
	return res, keep, nil
}

func frameHeaderOf(req *Request) frameHeader {
	return frameHeader{
		RequestID: req.RequestID,
		AccountID: req.AccountID,
		Function: fnInfo{
			Name: req.Function, Handler: req.Handler, Memory: req.MemorySize, Timeout: req.Timeout,
			Initializer: req.Initializer, InitializationTimeout: req.InitializationTimeout,
		},
		Service: svcInfo{Name: req.Service, Qualifier: qualifierOf(req), VersionID: req.VersionID},
	}
}

// initWorker runs the initializer on a worker's first use; a failure is a
// Result (with the initializer's output as its log) and the instance must be
// dropped.
func (p *Pool) initWorker(ctx context.Context, req *Request, in *instance) ([]byte, *Result, error) {
	if in.initialized || req.Initializer == "" {
		in.initialized = true
		return nil, nil, nil
	}
	h := frameHeaderOf(req)
	h.Type = "init"
	x, err := in.exchange(ctx, h, nil, seconds(req.InitializationTimeout), req.MemorySize)
	if err != nil {
		return nil, nil, err
	}
	p.logOutput(req, x.logs)
	if x.outcome != answered || x.header.Status != "ok" {
		res := p.failure(req, x, req.InitializationTimeout, "initializer")
		res.Log = logTail(req, x.logs)
		return x.logs, res, nil
	}
	in.initialized = true
	return x.logs, nil, nil
}

// failure turns an exchange that did not succeed into an
// UnhandledInvocationError result.
func (p *Pool) failure(req *Request, x exchangeResult, timeout int32, phase string) *Result {
	var msg, typ string
	switch x.outcome {
	case answered:
		if x.header.Status == "unhandled" || x.header.Status == "handled" {
			if phase == "initializer" && len(x.body) > 0 {
				x.body = prefixMessage(x.body, "initializer "+req.Initializer+" failed: ")
			}
			return &Result{Body: x.body, ErrorType: fc.UnhandledInvocationError}
		}
		msg, typ = fmt.Sprintf("worker answered with status %q", x.header.Status), "RuntimeError"
	case timedOut:
		unit := "seconds"
		if timeout == 1 {
			unit = "second"
		}
		msg, typ = fmt.Sprintf("Function timed out after %d %s", timeout, unit), "FunctionTimeoutError"
		if phase == "initializer" {
			msg = fmt.Sprintf("Initializer %s timed out after %d %s", req.Initializer, timeout, unit)
		}
	case outOfMemory:
		msg, typ = fmt.Sprintf("Function exceeded its memory limit of %d MB", req.MemorySize), "MemoryLimitExceeded"
	case crashed:
		msg, typ = "Process exited unexpectedly before completing the request ("+x.exit+")", "ProcessExitedError"
	}
	p.log.Warn("function failed", "service", req.Service, "function", req.Function,
		"requestId", req.RequestID, "phase", phase, "error", msg)
	return &Result{Body: errorJSON(msg, typ), ErrorType: fc.UnhandledInvocationError}
}

func prefixMessage(body []byte, prefix string) []byte {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return body
	}
	if s, ok := m["errorMessage"].(string); ok {
		m["errorMessage"] = prefix + s
	}
	b, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return b
}

func logTail(req *Request, logs []byte) []byte {
	if !req.LogTail {
		return nil
	}
	return tail(logs)
}

func (p *Pool) logOutput(req *Request, logs []byte) {
	if len(logs) == 0 {
		return
	}
	p.log.Info("function output", "service", req.Service, "function", req.Function,
		"requestId", req.RequestID, "output", string(logs))
}

func seconds(s int32) time.Duration { return time.Duration(s) * time.Second }

func qualifierOf(req *Request) string {
	if req.Qualifier == "" {
		return fc.QualifierLatest
	}
	return req.Qualifier
}

// keys returns the instance key (what must match for an instance to be
// reused) and the function identity (what a newer configuration replaces).
func keys(req *Request) (key, ident string) {
	version := req.VersionID
	if version == "" {
		version = fc.QualifierLatest
	}
	envKeys := make([]string, 0, len(req.Env))
	for k := range req.Env {
		envKeys = append(envKeys, k)
	}
	sort.Strings(envKeys)
	h := sha256.New()
	layers := make([]string, 0, len(req.Layers))
	for _, l := range req.Layers {
		layers = append(layers, l.SHA256)
	}
	cfg := []any{req.Runtime, req.Handler, req.Initializer, req.InitializationTimeout, req.Timeout, req.MemorySize,
		layers, req.Command, req.Args, req.CAPort, req.HealthCheckPath, req.PreFreeze, req.PreStop, req.LogProject, req.LogStore}
	for _, k := range envKeys {
		cfg = append(cfg, k, req.Env[k])
	}
	_ = json.NewEncoder(h).Encode(cfg)
	// The qualifier is part of the identity: svc.3 and svc.live (pointing at
	// 3) differ only in FC_QUALIFIER and must not retire each other.
	ident = strings.Join([]string{req.AccountID, req.Service, req.Function, version, qualifierOf(req)}, "\x00")
	key = ident + "\x00" + req.CodeSHA256 + "\x00" + hex.EncodeToString(h.Sum(nil))
	return key, ident
}

// environment is the whole environment of an instance: FC's variables and
// the function's own, never the server's.
func environment(l *launch, port int) []string {
	req := &l.req
	env := map[string]string{
		"PATH":                    strings.Join(l.path, ":"),
		"HOME":                    "/tmp",
		"LANG":                    "C.UTF-8",
		"PYTHONUNBUFFERED":        "1",
		"PYTHONDONTWRITEBYTECODE": "1", // the code cache stays as unpacked
		"FC_FUNCTION_NAME":        req.Function,
		"FC_SERVICE_NAME":         req.Service,
		"FC_FUNC_CODE_PATH":       l.dir,
		"FC_REGION":               region,
		"FC_ACCOUNT_ID":           req.AccountID,
		"FC_QUALIFIER":            qualifierOf(req),
		"FC_VERSION_ID":           req.VersionID,
		"FC_RUNTIME":              req.Runtime,
		"FC_FUNCTION_HANDLER":     req.Handler,
		"FC_FUNCTION_INITIALIZER": req.Initializer,
		"FC_FUNCTION_MEMORY_SIZE": strconv.Itoa(int(req.MemorySize)),
		"FC_FUNCTION_TIMEOUT":     strconv.Itoa(int(req.Timeout)),
	}
	if port != 0 {
		env["FC_SERVER_PORT"] = strconv.Itoa(port)
		env["FC_SERVER_PATH"] = l.dir
	}
	layerEnv(env, l.lang, l.opt)
	for k, v := range req.Env {
		if k == "" || strings.ContainsAny(k, "=\x00") || strings.ContainsRune(v, 0) {
			continue // exec would refuse the whole environment
		}
		env[k] = v
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// group returns the group of a configuration, creating it (and retiring
// older configurations of the same function) when needed; the caller holds
// a reference it gives back with unref or release.
func (p *Pool) group(l *launch) (*group, error) {
	key, ident := keys(&l.req)
	var retire []*instance
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, ErrClosed
	}
	g := p.groups[key]
	if g == nil {
		g = &group{key: key, ident: ident, sem: make(chan struct{}, p.cfg.MaxInstancesPerFunction), live: map[*instance]struct{}{}, launch: l}
		p.groups[key] = g
		// A new code or configuration replaces the old one: stop its idle
		// instances now, busy ones when they finish.
		for _, old := range p.groups {
			if old != g && old.ident == ident && !old.retired {
				old.retired = true
				old.provisioned = 0
				for _, in := range old.idle {
					delete(old.live, in)
					retire = append(retire, in)
				}
				old.idle = nil
				p.dropIfUnused(old)
			}
		}
	}
	g.refs++
	p.mu.Unlock()
	for _, in := range retire {
		p.stopSoon(in)
	}
	return g, nil
}

// unref gives back a reference taken by group.
func (p *Pool) unref(g *group) {
	p.mu.Lock()
	g.refs--
	p.dropIfUnused(g)
	p.mu.Unlock()
}

// acquire returns an idle instance of the configuration, or starts one when
// fewer than MaxInstancesPerFunction exist, or waits.
func (p *Pool) acquire(ctx context.Context, l *launch) (*group, *instance, error) {
	g, err := p.group(l)
	if err != nil {
		return nil, nil, err
	}
	select {
	case g.sem <- struct{}{}:
	case <-ctx.Done():
		p.unref(g)
		return nil, nil, ctx.Err()
	}
	p.mu.Lock()
	if n := len(g.idle); n > 0 {
		in := g.idle[n-1]
		g.idle = g.idle[:n-1]
		p.mu.Unlock()
		return g, in, nil
	}
	p.mu.Unlock()
	in, err := p.startIn(g, l)
	if err != nil {
		return nil, nil, err
	}
	return g, in, nil
}

// startIn starts an instance for g, whose slot the caller holds; on error
// the slot and the reference are given back.
func (p *Pool) startIn(g *group, l *launch) (*instance, error) {
	req := &l.req
	var nonce [8]byte
	_, _ = rand.Read(nonce[:])
	spec := procSpec{dir: l.dir, path: l.interp}
	switch l.lang {
	case langPython:
		spec.args, spec.frames = []string{"-B", filepath.Join(p.bootDir, "bootstrap.py")}, true
	case langNode:
		spec.args, spec.frames = []string{filepath.Join(p.bootDir, "bootstrap.js")}, true
	default:
		port, err := freePort()
		if err != nil {
			p.release(g, nil, false)
			return nil, fmt.Errorf("pick a port for a custom runtime instance: %w", err)
		}
		spec.port = port
		if spec.path, spec.args, err = customCommand(req, l.dir, l.path); err != nil {
			p.release(g, nil, false)
			return nil, err
		}
	}
	if l.lang != langCustom && (req.PreFreeze != nil || req.PreStop != nil) {
		p.log.Warn("instance lifecycle hooks of built-in runtimes are not run by the local Function Compute",
			"service", req.Service, "function", req.Function)
	}
	spec.env = environment(l, spec.port)
	in, err := startInstance(spec, hex.EncodeToString(nonce[:]), func(b []byte) {
		p.log.Info("function output outside an invocation", "service", req.Service, "function", req.Function, "output", string(b))
	})
	if err != nil {
		p.release(g, nil, false)
		if l.lang == langCustom {
			return nil, execFailure(spec.path, err)
		}
		return nil, fmt.Errorf("start %s worker: %w", l.lang, err)
	}
	in.tmpl = req
	p.log.Debug("instance started", "service", req.Service, "function", req.Function, "pid", in.pid)
	p.mu.Lock()
	closed := p.closed
	if !closed {
		g.live[in] = struct{}{}
	}
	p.mu.Unlock()
	if closed {
		in.kill()
		p.release(g, nil, false)
		return nil, ErrClosed
	}
	return in, nil
}

// execFailure turns a failed exec of a custom runtime's command into what
// the platform reports for it.
func execFailure(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &startFailure{"CAFileNotFound", fmt.Sprintf("%s cannot be started: %v (is the interpreter named on its #! line installed?)", path, err)}
	case errors.Is(err, fs.ErrPermission):
		return &startFailure{"CAFilePermission", fmt.Sprintf("%s cannot be started: %v", path, err)}
	}
	return &startFailure{"CAExited", fmt.Sprintf("%s cannot be started: %v (is it built for this machine, e.g. GOOS=%s?)", path, err, goruntime.GOOS)}
}

// release returns an instance to its group (keep) or stops it, and frees
// its slot.
func (p *Pool) release(g *group, in *instance, keep bool) {
	p.mu.Lock()
	stay := in != nil && keep && !p.closed && !g.retired
	if stay {
		in.lastUsed = time.Now()
		g.idle = append(g.idle, in)
	} else if in != nil {
		delete(g.live, in)
	}
	// A provisioned instance that was lost is replaced.
	refill := in != nil && !keep && !p.closed && !g.retired && len(g.live) < g.provisioned
	if !refill {
		g.refs--
	}
	p.dropIfUnused(g)
	p.mu.Unlock()
	<-g.sem
	if in != nil && !stay {
		if keep {
			p.stopSoon(in) // healthy, but its configuration was replaced
		} else {
			in.kill()
		}
	}
	if refill {
		go func() {
			defer p.unref(g)
			if _, err := p.fill(context.Background(), g); err != nil {
				p.log.Warn("provisioned instance not replaced", "service", g.launch.req.Service, "function", g.launch.req.Function, "error", err.Error())
			}
		}()
	}
}

// stopSoon stops an instance that is not serving: at once, or after its
// pre-stop hook in the background.
func (p *Pool) stopSoon(in *instance) {
	if in.port != 0 && in.tmpl != nil && in.tmpl.PreStop != nil {
		go p.stop(in)
		return
	}
	in.kill()
}

func (p *Pool) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// dropIfUnused forgets a group nobody uses any more (caller holds mu).
func (p *Pool) dropIfUnused(g *group) {
	if g.refs == 0 && len(g.live) == 0 && g.provisioned == 0 && p.groups[g.key] == g {
		delete(p.groups, g.key)
	}
}

func (p *Pool) reaper() {
	defer p.reaped.Done()
	every := min(max(p.cfg.IdleTimeout/4, 10*time.Millisecond), 30*time.Second)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-p.done:
			return
		case now := <-t.C:
			p.reapIdle(now)
		}
	}
}

func (p *Pool) reapIdle(now time.Time) {
	var victims []*instance
	p.mu.Lock()
	for _, g := range p.groups {
		kept := g.idle[:0]
		spare := len(g.live) - g.provisioned // idle is oldest first
		for _, in := range g.idle {
			if spare > 0 && now.Sub(in.lastUsed) >= p.cfg.IdleTimeout {
				spare--
				delete(g.live, in)
				victims = append(victims, in)
			} else {
				kept = append(kept, in)
			}
		}
		clear(g.idle[len(kept):])
		g.idle = kept
		p.dropIfUnused(g)
	}
	p.mu.Unlock()
	for _, in := range victims {
		p.log.Debug("instance reaped", "pid", in.pid)
		p.stopSoon(in)
	}
	p.sweepCache(now)
}

// Stats reports how many instances run.
func (p *Pool) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	var s Stats
	for _, g := range p.groups {
		s.Instances += len(g.live)
		s.Idle += len(g.idle)
	}
	return s
}

// Close kills every instance, busy or idle, and stops the reaper. Pending
// and later invocations fail.
func (p *Pool) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	var busy, idle []*instance
	for _, g := range p.groups {
		for _, in := range g.idle {
			idle = append(idle, in)
			delete(g.live, in)
		}
		for in := range g.live {
			busy = append(busy, in)
		}
		g.idle = nil
	}
	p.mu.Unlock()
	close(p.done)
	p.reaped.Wait()
	var wg sync.WaitGroup
	for _, in := range busy {
		wg.Go(in.kill)
	}
	for _, in := range idle {
		wg.Go(func() { p.stop(in) }) // idle ones get their pre-stop hook
	}
	wg.Wait()
	return nil
}
