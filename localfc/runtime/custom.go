package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
)

// Control paths of the custom runtime contract (section 9.2).
const (
	pathInvoke     = "/invoke"
	pathInitialize = "/initialize"
	pathHTTPInvoke = "/http-invoke"
	pathPreFreeze  = "/pre-freeze"
	pathPreStop    = "/pre-stop"
)

// defaultHookTimeout bounds a lifecycle hook without a timeout.
const defaultHookTimeout = 3

// startFailure is an instance that could not be started for a reason that
// is the function's (no bootstrap, not executable): the caller sees it as
// an UnhandledInvocationError, as the platform's CAFileNotFound and
// CAFilePermission errors.
type startFailure struct {
	typ, msg string
}

func (e *startFailure) Error() string { return e.typ + ": " + e.msg }

// customCommand resolves what a custom runtime instance runs: the
// customRuntimeConfig command and args, else (go1) the executable named by
// the handler when it exists, else the code's bootstrap. Paths under the
// platform's /code are mapped to the unpacked code directory.
func customCommand(req *Request, dir string, pathDirs []string) (string, []string, error) {
	if len(req.Command) > 0 {
		name := req.Command[0]
		args := append(append([]string(nil), req.Command[1:]...), req.Args...)
		switch {
		case name == "/code" || strings.HasPrefix(name, "/code/"):
			name = filepath.Join(dir, strings.TrimPrefix(name, "/code"))
		case filepath.IsAbs(name):
		case strings.ContainsRune(name, '/'):
			name = filepath.Join(dir, name)
		default:
			found := ""
			for _, d := range pathDirs {
				if st, err := os.Stat(filepath.Join(d, name)); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
					found = filepath.Join(d, name)
					break
				}
			}
			if found == "" {
				return "", nil, &startFailure{"CAFileNotFound", fmt.Sprintf("customRuntimeConfig.command %q was not found in the instance's PATH (%s)", name, strings.Join(pathDirs, ":"))}
			}
			name = found
		}
		return name, args, checkExecutable(name, "customRuntimeConfig.command")
	}
	if req.Runtime == "go1" && req.Handler != "" {
		if rel, err := entryPath(req.Handler); err == nil {
			if st, err := os.Stat(filepath.Join(dir, rel)); err == nil && st.Mode().IsRegular() {
				p := filepath.Join(dir, rel)
				return p, req.Args, checkExecutable(p, "handler "+req.Handler)
			}
		}
	}
	p := filepath.Join(dir, "bootstrap")
	err := checkExecutable(p, "bootstrap")
	var sf *startFailure
	if req.Runtime == "go1" && errors.As(err, &sf) && sf.typ == "CAFileNotFound" {
		sf.msg = fmt.Sprintf("go1 handler %q names no executable in the code, and there is no bootstrap either; the handler of a go1 function is the path of its binary in the zip (main, bin/main)", req.Handler)
	}
	return p, req.Args, err
}

func checkExecutable(path, what string) error {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &startFailure{"CAFileNotFound", fmt.Sprintf("%s %s does not exist; a custom runtime function needs an executable bootstrap at the root of its code, or customRuntimeConfig.command", what, path)}
	case err != nil:
		return &startFailure{"CAFileNotFound", fmt.Sprintf("%s %s: %v", what, path, err)}
	case !st.Mode().IsRegular():
		return &startFailure{"CAFileNotFound", fmt.Sprintf("%s %s is not a regular file", what, path)}
	case st.Mode()&0o111 == 0:
		return &startFailure{"CAFilePermission", fmt.Sprintf("%s %s is not executable; set its executable bit before zipping", what, path)}
	}
	return nil
}

// freePort asks the kernel for a port no one listens on. Another process
// could take it before the instance binds it; the instance then fails its
// start like any that does not listen.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// fcHeaders are the x-fc-* headers of section 9.3 for one request.
func fcHeaders(req *Request, controlPath string) http.Header {
	h := http.Header{}
	set := func(k, v string) { h[http.CanonicalHeaderKey(k)] = []string{v} }
	set("x-fc-request-id", req.RequestID)
	set("x-fc-control-path", controlPath)
	// No service role locally: the credentials are empty, as without a role.
	set("x-fc-access-key-id", "")
	set("x-fc-access-key-secret", "")
	set("x-fc-security-token", "")
	set("x-fc-function-name", req.Function)
	set("x-fc-service-name", req.Service)
	set("x-fc-function-handler", req.Handler)
	set("x-fc-function-memory", strconv.Itoa(int(req.MemorySize)))
	set("x-fc-function-timeout", strconv.Itoa(int(req.Timeout)))
	set("x-fc-function-initializer", req.Initializer)
	set("x-fc-initialization-timeout", strconv.Itoa(int(req.InitializationTimeout)))
	if req.PreFreeze != nil {
		set("x-fc-instance-lifecycle-pre-freeze-handler", req.PreFreeze.Handler)
	}
	if req.PreStop != nil {
		set("x-fc-instance-lifecycle-pre-stop-handler", req.PreStop.Handler)
	}
	set("x-fc-region", region)
	set("x-fc-account-id", req.AccountID)
	set("x-fc-qualifier", qualifierOf(req))
	set("x-fc-version-id", req.VersionID)
	set("x-fc-service-logproject", req.LogProject)
	set("x-fc-service-logstore", req.LogStore)
	return h
}

// region is what functions see as their region locally.
const region = "local"

// call sends one HTTP request to a custom runtime instance and waits for its
// answer under await's rules (timeout, memory, cancellation).
func (in *instance) call(ctx context.Context, hr *http.Request, timeout time.Duration, memoryMB int32) (exchangeResult, error) {
	return in.await(ctx, in.nextMarker(), timeout, memoryMB, func(sendCtx context.Context) reply {
		resp, err := in.client.Do(hr.WithContext(sendCtx))
		if err != nil {
			return reply{err: err}
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxFrame+1))
		if err == nil && len(body) > maxFrame {
			err = fmt.Errorf("instance answered more than %d bytes", maxFrame)
		}
		return reply{status: resp.StatusCode, header: resp.Header, body: body, err: err}
	})
}

func (in *instance) url(path string) string {
	return "http://127.0.0.1:" + strconv.Itoa(in.port) + path
}

// control builds a request of the contract (invoke, initialize, hooks).
func (in *instance) control(req *Request, method, path string, body []byte) *http.Request {
	var rd io.Reader = http.NoBody
	if len(body) > 0 {
		rd = bytes.NewReader(body)
	}
	hr, _ := http.NewRequest(method, in.url(path), rd)
	hr.Header = fcHeaders(req, path)
	if method == http.MethodPost {
		hr.Header.Set("Content-Type", "application/octet-stream")
	}
	return hr
}

// passThrough builds the instance's copy of an HTTP-trigger request: the
// caller's method, path, query, headers and body, with the x-fc-* headers
// of the platform in place of any the caller sent.
func (in *instance) passThrough(req *Request) (*http.Request, error) {
	r := req.HTTP
	path := r.Path
	if path == "" {
		path = "/"
	}
	u := &url.URL{Scheme: "http", Host: "127.0.0.1:" + strconv.Itoa(in.port), Path: path, RawQuery: r.RawQuery}
	var rd io.Reader = http.NoBody
	if len(r.Body) > 0 {
		rd = bytes.NewReader(r.Body)
	}
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	hr, err := http.NewRequest(method, u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("HTTP request %s %s: %w", method, path, err)
	}
	for k, vs := range r.Header {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "x-fc-") || lk == "connection" || lk == "keep-alive" || lk == "content-length" ||
			lk == "transfer-encoding" || lk == "host" {
			continue
		}
		hr.Header[k] = append([]string(nil), vs...)
	}
	for k, vs := range fcHeaders(req, pathHTTPInvoke) {
		hr.Header[k] = vs
	}
	if r.BasePath != "" {
		hr.Header.Set("x-fc-base-path", r.BasePath)
	}
	if r.Host != "" {
		hr.Host = r.Host
	}
	return hr, nil
}

// responseHeader keeps what a function may set on an HTTP response: not
// x-fc-* (x-fc-status is the platform's), nor what the server writes itself.
func responseHeader(h http.Header) map[string][]string {
	out := map[string][]string{}
	for k, vs := range h {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "x-fc-") || lk == "connection" || lk == "keep-alive" || lk == "content-length" ||
			lk == "transfer-encoding" || lk == "date" || lk == "server" {
			continue
		}
		out[k] = vs
	}
	return out
}

// failed says whether a custom runtime reported a failure (section 9.4):
// x-fc-status decides when present (404 fails). Without it, an event
// invocation (/invoke, /initialize) answered with HTTP 404 or a 5xx fails,
// since a user answering 500 means an error even where the platform would
// not see one; an HTTP-trigger response is the function's to choose, so
// its status passes through.
func failed(x exchangeResult, httpTrigger bool) bool {
	if s := x.httpHeader.Get("x-fc-status"); s != "" {
		return strings.TrimSpace(s) == "404"
	}
	return !httpTrigger && (x.status == http.StatusNotFound || x.status >= 500)
}

// waitReady waits until the instance's port accepts connections (and its
// health check answers 2xx when configured), the instance exits, or
// timeout passes. Its output meanwhile is kept for the first invocation.
func (in *instance) waitReady(ctx context.Context, req *Request, timeout time.Duration) (exchangeResult, error) {
	addr := "127.0.0.1:" + strconv.Itoa(in.port)
	return in.await(ctx, in.nextMarker(), timeout, req.MemorySize, func(sendCtx context.Context) reply {
		wait := 5 * time.Millisecond
		for {
			if in.hasExited() {
				return reply{err: errors.New("exited")}
			}
			if c, err := (&net.Dialer{Timeout: 200 * time.Millisecond}).DialContext(sendCtx, "tcp", addr); err == nil {
				c.Close()
				if req.HealthCheckPath == "" || in.healthy(sendCtx, req) {
					return reply{status: http.StatusOK}
				}
			}
			select {
			case <-sendCtx.Done():
				return reply{err: sendCtx.Err()}
			case <-in.exited:
			case <-time.After(wait):
			}
			wait = min(wait*2, 100*time.Millisecond)
		}
	})
}

func (in *instance) healthy(ctx context.Context, req *Request) bool {
	path := req.HealthCheckPath
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodGet, in.url(path), http.NoBody)
	if err != nil {
		return false
	}
	resp, err := in.client.Do(hr)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return resp.StatusCode >= 200 && resp.StatusCode < 300
}

// runCustom drives one invocation of a custom runtime instance: it waits
// for a fresh instance to listen, POSTs /initialize once when an initializer
// is configured, then POSTs /invoke (or passes an HTTP-trigger request).
func (p *Pool) runCustom(ctx context.Context, req *Request, in *instance) (*Result, bool, error) {
	logs, failure, err := p.readyCustom(ctx, req, in)
	if err != nil || failure != nil {
		return failure, false, err
	}
	hr := in.control(req, http.MethodPost, pathInvoke, req.Event)
	if req.HTTP != nil {
		var err error
		if hr, err = in.passThrough(req); err != nil {
			return nil, true, err
		}
	}
	x, err := in.call(ctx, hr, seconds(req.Timeout), req.MemorySize)
	if err != nil {
		return nil, false, err
	}
	if x.outcome == crashed && p.isClosed() {
		return nil, false, ErrClosed
	}
	p.logOutput(req, x.logs)
	logs = append(logs, x.logs...)
	var res *Result
	keep := false
	switch {
	case x.outcome != answered:
		res = p.customFailure(req, x, req.Timeout, "handler")
	case failed(x, req.HTTP != nil):
		// The server answered, so it stays warm; section 9.4 makes the
		// failure an UnhandledInvocationError carrying the body as is.
		res = &Result{Body: x.body, ErrorType: fc.UnhandledInvocationError}
		if len(x.body) == 0 {
			res.Body = errorJSON(fmt.Sprintf("the function answered %s with HTTP %d and no body", hr.URL.Path, x.status), "FunctionError")
		}
		keep = true
	default:
		res = &Result{Body: x.body}
		if req.HTTP != nil {
			res.HTTP = &HTTPResponse{Status: x.status, Header: responseHeader(x.httpHeader), Body: x.body}
		}
		keep = true
	}
	res.Log = logTail(req, logs)
	return res, keep, nil
}

// readyCustom waits for a fresh instance to listen and POSTs /initialize
// once when an initializer is configured. A failure is a Result (with the
// output so far as its log) and the instance must be dropped.
func (p *Pool) readyCustom(ctx context.Context, req *Request, in *instance) ([]byte, *Result, error) {
	var logs []byte
	if !in.ready {
		x, err := in.waitReady(ctx, req, seconds(req.InitializationTimeout))
		if err != nil {
			return nil, nil, err
		}
		logs = x.logs
		p.logOutput(req, x.logs)
		if x.outcome != answered {
			res := p.startFailed(req, in, x)
			res.Log = logTail(req, logs)
			return logs, res, nil
		}
		in.ready = true
	}
	if !in.initialized && req.Initializer != "" {
		x, err := in.call(ctx, in.control(req, http.MethodPost, pathInitialize, nil), seconds(req.InitializationTimeout), req.MemorySize)
		if err != nil {
			return nil, nil, err
		}
		p.logOutput(req, x.logs)
		logs = append(logs, x.logs...)
		if x.outcome != answered || x.status < 200 || x.status > 299 || failed(x, false) {
			res := p.customFailure(req, x, req.InitializationTimeout, "initializer")
			res.Log = logTail(req, logs)
			return logs, res, nil
		}
	}
	in.initialized = true
	return logs, nil, nil
}

// startFailed describes an instance that never became ready.
func (p *Pool) startFailed(req *Request, in *instance, x exchangeResult) *Result {
	var msg, typ string
	switch x.outcome {
	case timedOut:
		typ = "FunctionNotStarted"
		what := "nothing accepted connections on 127.0.0.1:" + strconv.Itoa(in.port)
		if req.HealthCheckPath != "" {
			what = "GET " + req.HealthCheckPath + " on 127.0.0.1:" + strconv.Itoa(in.port) + " did not answer 2xx"
		}
		msg = fmt.Sprintf("Function instance health check failed: %s within %d seconds; locally the server must listen on the port in FC_SERVER_PORT (%d), which each instance gets for itself", what, req.InitializationTimeout, in.port)
		if req.CAPort != 0 {
			msg += fmt.Sprintf(", not on caPort %d", req.CAPort)
		}
	case outOfMemory:
		typ, msg = "MemoryLimitExceeded", fmt.Sprintf("Function exceeded its memory limit of %d MB while starting", req.MemorySize)
	default:
		typ, msg = "CAExited", "the instance process exited before listening on FC_SERVER_PORT ("+x.exit+")"
	}
	p.log.Warn("function failed", "service", req.Service, "function", req.Function,
		"requestId", req.RequestID, "phase", "start", "error", msg)
	return &Result{Body: errorJSON(msg, typ), ErrorType: fc.UnhandledInvocationError}
}

// customFailure is failure for custom runtimes: an answer that reports a
// failure keeps the body the function sent.
func (p *Pool) customFailure(req *Request, x exchangeResult, timeout int32, phase string) *Result {
	if x.outcome == answered {
		msg := fmt.Sprintf("initializer failed: POST %s answered HTTP %d", pathInitialize, x.status)
		if len(x.body) > 0 {
			msg += ": " + string(x.body)
		}
		p.log.Warn("function failed", "service", req.Service, "function", req.Function,
			"requestId", req.RequestID, "phase", phase, "error", msg)
		return &Result{Body: errorJSON(msg, "InitializationError"), ErrorType: fc.UnhandledInvocationError}
	}
	return p.failure(req, x, timeout, phase)
}

func errorJSON(msg, typ string) []byte {
	b, _ := json.Marshal(map[string]any{"errorMessage": msg, "errorType": typ, "stackTrace": []string{}})
	return b
}

// hook runs a lifecycle hook (GET /pre-freeze or /pre-stop) on a ready
// instance; it reports whether the instance is still usable. A hook that
// fails does not stop freezing or stopping (section 9.4); one that hangs
// past its timeout has the instance killed.
func (p *Pool) hook(in *instance, hook *LifecycleHook, path string) bool {
	req := in.tmpl
	timeout := hook.Timeout
	if timeout <= 0 {
		timeout = defaultHookTimeout
	}
	x, err := in.call(context.Background(), in.control(req, http.MethodGet, path, nil), seconds(timeout), req.MemorySize)
	if err != nil {
		return false
	}
	p.logOutput(req, x.logs)
	if x.outcome != answered {
		p.log.Warn("lifecycle hook failed", "service", req.Service, "function", req.Function, "hook", path, "outcome", int(x.outcome))
		return false
	}
	if x.status < 200 || x.status > 299 {
		p.log.Warn("lifecycle hook failed", "service", req.Service, "function", req.Function, "hook", path, "status", x.status)
	}
	return true
}

// stop ends an instance that is not serving: GET /pre-stop first when the
// function has that hook and the instance got ready.
func (p *Pool) stop(in *instance) {
	if in.port != 0 && in.ready && in.tmpl != nil && in.tmpl.PreStop != nil && !in.hasExited() {
		p.hook(in, in.tmpl.PreStop, pathPreStop)
	}
	in.kill()
}
