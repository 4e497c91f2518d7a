package localfc

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/runtime"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

// errNoRuntime answers invocations on a server built without a runtime pool.
var errNoRuntime = fc.NewError(fc.CodeNotImplemented, "InvokeFunction: this server was started without function runtimes")

// invokeFunction runs a function: synchronously (the function's raw result
// is the body, a function error is still 200 with x-fc-error-type), or
// asynchronously (queued durably before the 202 is answered).
func invokeFunction(ctx context.Context, s *Server, c *call) (response, error) {
	if s.runtime == nil {
		if _, err := s.store.GetFunction(ctx, c.account, c.service, c.qualifier, c.function); err != nil {
			return response{}, err
		}
		return response{}, errNoRuntime
	}
	event, err := io.ReadAll(c.r.Body)
	if err != nil {
		return response{}, err
	}
	if strings.EqualFold(c.r.Header.Get(fc.HeaderInvocationType), fc.InvocationAsync) {
		// Existence is checked now, so a typo fails the caller instead of
		// the queue.
		if _, err := s.store.GetFunction(ctx, c.account, c.service, c.qualifier, c.function); err != nil {
			return response{}, err
		}
		inv := store.AsyncInvocation{ID: c.reqID, AccountID: c.account, ServiceName: c.service, Qualifier: c.qualifier, FunctionName: c.function, Event: event, QueuedAt: s.now()}
		if err := s.store.EnqueueAsync(ctx, inv); err != nil {
			return response{}, err
		}
		s.wakeAsync()
		return response{status: http.StatusAccepted}, nil
	}
	logTail := strings.EqualFold(c.r.Header.Get(fc.HeaderLogType), fc.LogTypeTail)
	res, checksum, err := s.invoke(ctx, invocation{account: c.account, service: c.service, qualifier: c.qualifier, function: c.function, event: event, requestID: c.reqID, logTail: logTail})
	if err != nil {
		return response{}, err
	}
	resp := response{status: http.StatusOK, raw: res.Body, contentType: bodyType(res.Body), header: http.Header{}}
	if resp.raw == nil {
		resp.raw = []byte{}
	}
	resp.header.Set(fc.HeaderCodeChecksum, checksum)
	if res.ErrorType != "" {
		resp.header.Set(fc.HeaderErrorType, res.ErrorType)
		resp.raw = stripErrorFrames(resp.raw)
	}
	if logTail {
		// Function Compute frames the tail with these lines.
		tail := StripRuntimeFrames(string(res.Log))
		log := "FC Invoke Start RequestId: " + c.reqID + "\n" + tail
		if tail != "" && !strings.HasSuffix(tail, "\n") {
			log += "\n"
		}
		log += "FC Invoke End RequestId: " + c.reqID + "\n"
		resp.header.Set(fc.HeaderLogResult, base64.StdEncoding.EncodeToString([]byte(log)))
	}
	return resp, nil
}

// bodyType labels a body application/json only when it is JSON.
func bodyType(b []byte) string {
	if len(b) > 0 && json.Valid(b) {
		return "application/json"
	}
	return "application/octet-stream"
}

// invocation is one run of a function, from any source: the API, the async
// queue, a timer or an HTTP trigger.
type invocation struct {
	account, service, qualifier, function string
	event                                 []byte
	requestID                             string
	logTail                               bool
	http                                  *runtime.HTTPRequest
}

// invoke resolves the qualifier (splitting traffic by an alias's weights),
// then runs the function in the runtime pool. A function error is a result,
// not a Go error.
func (s *Server) invoke(ctx context.Context, inv invocation) (*runtime.Result, string, error) {
	resolved, code, err := s.store.ResolveFunction(ctx, inv.account, inv.service, inv.qualifier, inv.function)
	if err != nil {
		return nil, "", err
	}
	if resolved.AdditionalVersionID != "" && s.randFloat() < resolved.AdditionalWeight {
		resolved, code, err = s.store.ResolveFunction(ctx, inv.account, inv.service, resolved.AdditionalVersionID, inv.function)
		if err != nil {
			return nil, "", err
		}
	}
	subject := "function " + inv.service + "/" + inv.function
	req, names, err := s.runtimeRequest(ctx, inv.account, inv.service, inv.qualifier, inv.function, resolved, code)
	if err != nil {
		return nil, "", err
	}
	req.Event, req.RequestID, req.LogTail, req.HTTP = inv.event, inv.requestID, inv.logTail || s.logs != nil, inv.http
	start := s.now()
	res, err := s.runtime.Invoke(ctx, req)
	if err != nil {
		return nil, "", runtimeError(subject, names, err)
	}
	s.recordInvocation(inv, resolved.VersionID, start, res.Duration, res.ErrorType, res.Log)
	return res, code.Checksum, nil
}
