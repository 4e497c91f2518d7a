package localfc

import (
	"context"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/fcdeploy/fcdeploy/fc"
)

// The custom domain operations, and the serving of requests whose Host is a
// custom domain (fc-api-2016-08-15-current.md, section 8). Names are not
// resolved through DNS here, so DomainNameNotResolved never happens; a
// client reaches a domain by sending its name as Host to this server.

func createCustomDomain(ctx context.Context, s *Server, c *call) (response, error) {
	var in fc.CustomDomainInput
	if err := decodeBody(c.r, &in, false); err != nil {
		return response{}, err
	}
	if err := fc.ValidateCustomDomainInput(in, true); err != nil {
		return response{}, invalid("custom domain %s: %v", in.DomainName, err)
	}
	d, err := s.store.CreateCustomDomain(ctx, c.account, in)
	if err != nil {
		return response{}, err
	}
	return jsonOK(d, ""), nil
}

func getCustomDomain(ctx context.Context, s *Server, c *call) (response, error) {
	d, err := s.store.GetCustomDomain(ctx, c.account, c.domain)
	if err != nil {
		return response{}, err
	}
	return jsonOK(d, ""), nil
}

func updateCustomDomain(ctx context.Context, s *Server, c *call) (response, error) {
	var in fc.CustomDomainInput
	if err := decodeBody(c.r, &in, true); err != nil {
		return response{}, err
	}
	in.DomainName = ""
	if err := fc.ValidateCustomDomainInput(in, false); err != nil {
		return response{}, invalid("custom domain %s: %v", c.domain, err)
	}
	d, err := s.store.UpdateCustomDomain(ctx, c.account, c.domain, in)
	if err != nil {
		return response{}, err
	}
	return jsonOK(d, ""), nil
}

func deleteCustomDomain(ctx context.Context, s *Server, c *call) (response, error) {
	if err := s.store.DeleteCustomDomain(ctx, c.account, c.domain); err != nil {
		return response{}, err
	}
	return noContent(), nil
}

func listCustomDomains(ctx context.Context, s *Server, c *call) (response, error) {
	opt, err := listOptions(c.r.URL.Query())
	if err != nil {
		return response{}, err
	}
	out, err := s.store.ListCustomDomains(ctx, c.account, opt)
	if err != nil {
		return response{}, err
	}
	return jsonOK(out, ""), nil
}

// requestHostName is the request's Host without port, in lower case, when
// it is a DNS name that could be a custom domain: not an IP address, not
// localhost and not a Function Compute endpoint (whose first label is the
// account).
func requestHostName(r *http.Request) (string, bool) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	switch {
	case host == "", host == "localhost", !strings.Contains(host, "."),
		net.ParseIP(strings.Trim(host, "[]")) != nil,
		strings.HasSuffix(host, ".fc.aliyuncs.com"):
		return "", false
	}
	return host, true
}

// serveByHost serves the request if its Host is a custom domain. handled is
// false when the request is for the API (or an HTTP trigger) instead.
func (s *Server) serveByHost(w http.ResponseWriter, r *http.Request, reqID string) (handled bool, err error) {
	host, ok := requestHostName(r)
	if !ok {
		return false, nil
	}
	d, found, err := s.store.LookupCustomDomain(r.Context(), host)
	if err != nil {
		return true, err
	}
	if !found {
		if strings.HasPrefix(r.URL.Path, apiPrefix) {
			return false, nil
		}
		return true, fc.NewError(fc.CodeNotFound, "host %s is not a custom domain of this local Function Compute: create it with CreateCustomDomain (domainName %s), or call the API under %s", host, host, apiPrefix)
	}
	return true, s.serveCustomDomain(w, r, reqID, d)
}

// serveCustomDomain routes a request by d's route table and serves it
// like an HTTP trigger request to the routed function, which sees the
// original path.
func (s *Server) serveCustomDomain(w http.ResponseWriter, r *http.Request, reqID string, d fc.CustomDomain) error {
	path := r.URL.Path
	if path == "" {
		path = "/"
	}
	rt := matchRoute(d.RouteConfig.Routes, path)
	if rt == nil {
		return fc.NewError(fc.CodeNotFound, "custom domain %s has no route for path %s; its routes are %s", d.DomainName, path, routeList(d.RouteConfig.Routes))
	}
	via := "custom domain " + d.DomainName + " route " + rt.Path
	if len(rt.Methods) > 0 && !slices.Contains(rt.Methods, r.Method) {
		w.Header().Set("Allow", strings.Join(rt.Methods, ", "))
		return fc.NewError(fc.CodeMethodNotAllowed, "%s accepts %s, not %s", via, strings.Join(rt.Methods, ", "), r.Method)
	}
	if !rt.RewriteConfig.Empty() {
		return fc.NewError(fc.CodeNotImplemented, "%s has a rewriteConfig, which the local Function Compute does not apply; remove it to serve this route locally", via)
	}
	err := s.serveHTTPFunction(w, r, reqID, httpTarget{
		account: d.AccountID, service: rt.ServiceName, qualifier: rt.Qualifier, function: rt.FunctionName, path: path,
		declared: true,
	})
	if e := fc.AsAPIError(err); e != nil {
		out := *e
		out.Message = via + " -> " + qualifiedName(rt.ServiceName, rt.Qualifier) + "/" + rt.FunctionName + ": " + e.Message
		return &out
	}
	return err
}

// matchRoute picks the route of path: a route without * matches only its
// exact path and beats every prefix route; a prefix route ("/a/*") matches
// every path starting with the part before the *, and the longest such
// prefix wins ("/*" catches all). nil when nothing matches.
func matchRoute(routes []fc.PathConfig, path string) *fc.PathConfig {
	var best *fc.PathConfig
	for i := range routes {
		rt := &routes[i]
		prefix, wildcard := strings.CutSuffix(rt.Path, "*")
		switch {
		case !wildcard:
			if rt.Path == path {
				return rt
			}
		case strings.HasPrefix(path, prefix) && (best == nil || len(prefix) > len(best.Path)-1):
			best = rt
		}
	}
	return best
}

func routeList(routes []fc.PathConfig) string {
	if len(routes) == 0 {
		return "none (add one with UpdateCustomDomain)"
	}
	paths := make([]string, len(routes))
	for i, rt := range routes {
		paths[i] = rt.Path
	}
	return strings.Join(paths, ", ")
}

func qualifiedName(service, qualifier string) string {
	if qualifier == "" {
		return service
	}
	return service + "." + qualifier
}
