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
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
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

	mu     sync.Mutex
	groups map[string]*group
	closed bool
	stop   chan struct{}
	reaped sync.WaitGroup
}

// group holds the instances of one function configuration.
type group struct {
	key, ident string
	sem        chan struct{} // one token per instance in use or being started
	idle       []*instance   // most recently used last
	live       map[*instance]struct{}
	refs       int  // invocations holding or waiting for this group
	retired    bool // a newer configuration of the function exists
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
	if err := writeBootstrap(bootDir); err != nil {
		return nil, fmt.Errorf("runtime pool: bootstrap: %w", err)
	}
	p := &Pool{
		cfg:     cfg,
		log:     log,
		bootDir: bootDir,
		interps: map[string]string{},
		groups:  map[string]*group{},
		stop:    make(chan struct{}),
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

// language maps a runtime to the worker that runs it.
func language(rt string) (string, error) {
	switch {
	case rt == "python3" || rt == "python3.9":
		return "python", nil
	case rt == "nodejs6" || rt == "nodejs8" || rt == "nodejs10" || rt == "nodejs12" || rt == "nodejs14":
		return "node", nil
	case rt == "python2.7":
		return "", &UnsupportedRuntimeError{Runtime: rt, Reason: "python 2 functions cannot run locally"}
	}
	return "", &UnsupportedRuntimeError{Runtime: rt}
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

// Invoke runs one invocation. Function failures (errors, crashes, timeouts,
// memory) come back as a Result with ErrorType set; a Go error means the
// platform could not run the function at all (unsupported runtime, bad
// code, context cancelled, pool closed).
func (p *Pool) Invoke(ctx context.Context, req Request) (*Result, error) {
	start := time.Now()
	subject := "function " + req.Service + "/" + req.Function
	lang, err := language(req.Runtime)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", subject, err)
	}
	interp, err := p.interpreter(lang, req.Runtime)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", subject, err)
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
	dir, err := p.codeDir(&req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", subject, err)
	}
	g, in, err := p.acquire(ctx, &req, lang, interp, dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", subject, err)
	}
	res, keep, err := p.run(ctx, &req, in)
	p.release(g, in, keep)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", subject, err)
	}
	res.Duration = time.Since(start)
	return res, nil
}

// run performs the initializer (first use of an instance) and the
// invocation; keep says whether the instance can serve again.
func (p *Pool) run(ctx context.Context, req *Request, in *instance) (*Result, bool, error) {
	h := frameHeader{
		RequestID: req.RequestID,
		AccountID: req.AccountID,
		Function: fnInfo{
			Name: req.Function, Handler: req.Handler, Memory: req.MemorySize, Timeout: req.Timeout,
			Initializer: req.Initializer, InitializationTimeout: req.InitializationTimeout,
		},
		Service: svcInfo{Name: req.Service, Qualifier: qualifierOf(req), VersionID: req.VersionID},
	}
	var logs []byte
	if !in.initialized && req.Initializer != "" {
		h.Type = "init"
		x, err := in.exchange(ctx, h, nil, seconds(req.InitializationTimeout), req.MemorySize)
		if err != nil {
			return nil, false, err
		}
		p.logOutput(req, x.logs)
		logs = x.logs
		if x.outcome != answered || x.header.Status != "ok" {
			res := p.failure(req, x, req.InitializationTimeout, "initializer")
			res.Log = logTail(req, logs)
			return res, false, nil
		}
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
	b, _ := json.Marshal(map[string]any{"errorMessage": msg, "errorType": typ, "stackTrace": []string{}})
	return &Result{Body: b, ErrorType: fc.UnhandledInvocationError}
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
	cfg := []any{req.Runtime, req.Handler, req.Initializer, req.InitializationTimeout, req.Timeout, req.MemorySize}
	for _, k := range envKeys {
		cfg = append(cfg, k, req.Env[k])
	}
	_ = json.NewEncoder(h).Encode(cfg)
	// The qualifier is part of the identity: svc.3 and svc.live (pointing at
	// 3) differ only in FC_QUALIFIER and must not retire each other.
	ident = strings.Join([]string{req.AccountID, req.Service, req.Function, version, qualifierOf(req)}, "\x00")
	key = ident + "\x00" + req.CodeChecksum + "\x00" + hex.EncodeToString(h.Sum(nil))
	return key, ident
}

// environment is the whole environment of an instance: FC's variables and
// the function's own, never the server's.
func environment(req *Request, dir string) []string {
	env := map[string]string{
		"PATH":                    "/usr/local/bin:/usr/bin:/bin",
		"HOME":                    "/tmp",
		"LANG":                    "C.UTF-8",
		"PYTHONUNBUFFERED":        "1",
		"PYTHONDONTWRITEBYTECODE": "1", // the code cache stays as unpacked
		"FC_FUNCTION_NAME":        req.Function,
		"FC_SERVICE_NAME":         req.Service,
		"FC_FUNC_CODE_PATH":       dir,
		"FC_REGION":               "local",
		"FC_ACCOUNT_ID":           req.AccountID,
		"FC_QUALIFIER":            qualifierOf(req),
		"FC_VERSION_ID":           req.VersionID,
		"FC_RUNTIME":              req.Runtime,
		"FC_FUNCTION_HANDLER":     req.Handler,
		"FC_FUNCTION_INITIALIZER": req.Initializer,
		"FC_FUNCTION_MEMORY_SIZE": strconv.Itoa(int(req.MemorySize)),
		"FC_FUNCTION_TIMEOUT":     strconv.Itoa(int(req.Timeout)),
	}
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

// acquire returns an idle instance of the request's configuration, or
// starts one when fewer than MaxInstancesPerFunction exist, or waits.
func (p *Pool) acquire(ctx context.Context, req *Request, lang, interp, dir string) (*group, *instance, error) {
	key, ident := keys(req)
	var retire []*instance
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, nil, ErrClosed
	}
	g := p.groups[key]
	if g == nil {
		g = &group{key: key, ident: ident, sem: make(chan struct{}, p.cfg.MaxInstancesPerFunction), live: map[*instance]struct{}{}}
		p.groups[key] = g
		// A new code or configuration replaces the old one: stop its idle
		// instances now, busy ones when they finish.
		for _, old := range p.groups {
			if old != g && old.ident == ident && !old.retired {
				old.retired = true
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
		in.kill()
	}

	select {
	case g.sem <- struct{}{}:
	case <-ctx.Done():
		p.mu.Lock()
		g.refs--
		p.dropIfUnused(g)
		p.mu.Unlock()
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

	script := filepath.Join(p.bootDir, "bootstrap.py")
	args := []string{"-B", script}
	if lang == "node" {
		script = filepath.Join(p.bootDir, "bootstrap.js")
		args = []string{script}
	}
	var nonce [8]byte
	_, _ = rand.Read(nonce[:])
	in, err := startInstance(interp, args, dir, environment(req, dir), hex.EncodeToString(nonce[:]), func(b []byte) {
		p.log.Info("function output outside an invocation", "service", req.Service, "function", req.Function, "output", string(b))
	})
	if err != nil {
		p.release(g, nil, false)
		return nil, nil, fmt.Errorf("start %s worker: %w", lang, err)
	}
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
		return nil, nil, ErrClosed
	}
	return g, in, nil
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
	g.refs--
	p.dropIfUnused(g)
	p.mu.Unlock()
	<-g.sem
	if in != nil && !stay {
		in.kill()
	}
}

func (p *Pool) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// dropIfUnused forgets a group nobody uses any more (caller holds mu).
func (p *Pool) dropIfUnused(g *group) {
	if g.refs == 0 && len(g.live) == 0 && p.groups[g.key] == g {
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
		case <-p.stop:
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
		for _, in := range g.idle {
			if now.Sub(in.lastUsed) >= p.cfg.IdleTimeout {
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
		in.kill()
	}
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
	var all []*instance
	for _, g := range p.groups {
		for in := range g.live {
			all = append(all, in)
		}
		g.idle = nil
	}
	p.mu.Unlock()
	close(p.stop)
	p.reaped.Wait()
	var wg sync.WaitGroup
	for _, in := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in.kill()
		}()
	}
	wg.Wait()
	return nil
}
