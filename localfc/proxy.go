package localfc

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/runtime"
)

// serveProxy serves HTTP triggers under
// /2016-08-15/proxy/{service}[.{qualifier}]/{function}/{path...}.
func (s *Server) serveProxy(w http.ResponseWriter, r *http.Request, reqID string) error {
	rest := strings.TrimPrefix(r.URL.Path, proxyPath)
	parts := strings.SplitN(rest, "/", 3)
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		return fc.NewError(fc.CodeNotFound, "HTTP trigger paths are /%sproxy/SERVICE.QUALIFIER/FUNCTION/PATH", apiPrefix[1:])
	}
	service, qualifier, _ := strings.Cut(parts[0], ".")
	function, path := parts[1], "/"
	if len(parts) == 3 {
		path += parts[2]
	}
	account, err := s.accountOf(r)
	if err != nil {
		return err
	}
	return s.serveHTTPFunction(w, r, reqID, httpTarget{account: account, service: service, qualifier: qualifier, function: function, path: path,
		basePath: proxyPath + parts[0] + "/" + function + "/"})
}

// httpTarget is the function an HTTP request goes to and the path it sees.
type httpTarget struct {
	account, service, qualifier, function string
	path                                  string
	// basePath is the prefix the platform strips (x-fc-base-path); empty
	// for custom domains, whose functions see the whole path.
	basePath string
	// declared: the target is public configuration (a custom domain's
	// route), so a missing function may be named before authentication.
	declared bool
}

// serveHTTPFunction serves an HTTP request with a function, for HTTP
// triggers and custom domains alike: it finds the function's http trigger,
// checks its authType and methods, runs the handler in its HTTP form and
// writes back what it answered.
func (s *Server) serveHTTPFunction(w http.ResponseWriter, r *http.Request, reqID string, t httpTarget) error {
	account, service, qualifier, function, path := t.account, t.service, t.qualifier, t.function, t.path
	ctx := r.Context()
	// Only an anonymous trigger answers an unsigned request: anything else
	// (a function-auth trigger, or no trigger at all) demands the signature
	// first, so the answer never tells whether a service, function or
	// trigger exists.
	trigger, cfg, lookupErr := s.httpTrigger(r, account, service, function)
	if lookupErr != nil && t.declared {
		return lookupErr
	}
	if lookupErr != nil || cfg.AuthType != "anonymous" {
		keyID, err := s.authenticate(r)
		if err != nil {
			return err
		}
		if err := s.authorize(keyID, account); err != nil {
			return err
		}
		if lookupErr != nil {
			return lookupErr
		}
	}
	if !slices.ContainsFunc(cfg.Methods, func(m string) bool { return strings.EqualFold(m, r.Method) }) {
		w.Header().Set("Allow", strings.Join(cfg.Methods, ", "))
		return fc.NewError(fc.CodeMethodNotAllowed, "HTTP trigger %s of function %s/%s does not accept %s; it accepts %s", trigger, service, function, r.Method, strings.Join(cfg.Methods, ", "))
	}
	if s.runtime == nil {
		return errNoRuntime
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	clientIP, _, _ := net.SplitHostPort(r.RemoteAddr)
	res, _, err := s.invoke(ctx, invocation{
		account: account, service: service, qualifier: qualifier, function: function, requestID: reqID,
		http: &runtime.HTTPRequest{Method: r.Method, Path: path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: body, ClientIP: clientIP,
			Host: r.Host, BasePath: t.basePath},
	})
	if err != nil {
		return err
	}
	if res.ErrorType != "" || res.HTTP == nil {
		w.Header().Set(fc.HeaderErrorType, res.ErrorType)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadGateway)
		w.Write(stripErrorFrames(res.Body))
		return nil
	}
	for k, vs := range res.HTTP.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	status := res.HTTP.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	w.Write(res.HTTP.Body)
	return nil
}

// httpTrigger finds the http trigger of a function.
func (s *Server) httpTrigger(r *http.Request, account, service, function string) (string, fc.HTTPTriggerConfig, error) {
	var cfg fc.HTTPTriggerConfig
	out, err := s.store.ListTriggers(r.Context(), account, service, function, fc.ListOptions{Limit: fc.MaxListLimit})
	if err != nil {
		return "", cfg, err
	}
	for _, t := range out.Triggers {
		if t.TriggerType != "http" {
			continue
		}
		if err := json.Unmarshal(t.TriggerConfig, &cfg); err != nil {
			return "", cfg, err
		}
		return t.TriggerName, cfg, nil
	}
	return "", cfg, fc.NewError(fc.CodeTriggerNotFound, "function %s/%s has no http trigger", service, function)
}
