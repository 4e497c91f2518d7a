package localfc

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func pathTo(path, function string, methods ...string) fc.PathConfig {
	return fc.PathConfig{Path: path, ServiceName: "s", FunctionName: function, Methods: methods}
}

func TestRoutePrecedenceExactThenLongestPrefix(t *testing.T) {
	t.Parallel()
	routes := []fc.PathConfig{
		pathTo("/*", "catchall"),
		pathTo("/login/*", "login"),
		pathTo("/login/a/*", "loginA"),
		pathTo("/login", "loginExact"),
		pathTo("/login/a/b", "loginABExact"),
		pathTo("/api/", "apiSlash"),
	}
	cases := []struct {
		path string
		want string // "" for no route
	}{
		{"/", "catchall"},
		{"/anything/else", "catchall"},
		{"/login", "loginExact"},       // exact beats the catch-all
		{"/login/", "login"},           // "/login/*" matches the empty rest
		{"/login/x", "login"},          // prefix route
		{"/login/b/c/d", "login"},      // prefix routes match any depth
		{"/login/a/b", "loginABExact"}, // exact beats every prefix route
		{"/login/a/b/c", "loginA"},     // the longest prefix wins
		{"/login/a/", "loginA"},        // longest prefix, empty rest
		{"/login/a", "login"},          // "/login/a/*" needs the slash
		{"/api/", "apiSlash"},          // exact paths keep their trailing slash
		{"/api", "catchall"},           // and do not match without it
		{"/loginx", "catchall"},        // a prefix is a path prefix, not a string one
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			got := matchRoute(routes, c.path)
			require.NotNil(t, got)
			assert.Equal(t, c.want, got.FunctionName)
		})
	}
	assert.Nil(t, matchRoute(routes[1:], "/other"), "without a catch-all an unrouted path matches nothing")
	assert.Nil(t, matchRoute(nil, "/"))
}

func TestCustomDomainOperationsWorkThroughRealHTTP(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	body := map[string]any{"domainName": "Shop.Example.com", "protocol": "HTTP", "routeConfig": map[string]any{
		"routes": []any{map[string]any{"path": "/api/*", "serviceName": "s", "functionName": "web", "methods": []string{"GET"}}},
	}}
	r := e.mustOK("POST", api+"/custom-domains", body)
	var d fc.CustomDomain
	r.json(t, &d)
	assert.Equal(t, "shop.example.com", d.DomainName)
	assert.Equal(t, testAccount, d.AccountID)
	assert.Equal(t, fc.APIVersion, d.APIVersion)
	assert.Contains(t, string(r.body), `"certConfig":{`, "responses carry every field")
	assert.Empty(t, r.header.Get("ETag"), "custom domains have no ETag")

	r = e.do("POST", api+"/custom-domains", body)
	assert.Equal(t, http.StatusConflict, r.status)
	assert.Equal(t, fc.CodeDomainNameAlreadyExists, r.errorCode(t))

	r = e.mustOK("GET", api+"/custom-domains/shop.example.com", nil)
	var got fc.CustomDomain
	r.json(t, &got)
	assert.Equal(t, d, got)

	r = e.mustOK("PUT", api+"/custom-domains/shop.example.com", map[string]any{"routeConfig": map[string]any{"routes": []any{
		map[string]any{"path": "/*", "serviceName": "s", "functionName": "web", "qualifier": "live"},
	}}})
	r.json(t, &got)
	require.Len(t, got.RouteConfig.Routes, 1, "a route table replaces the old one whole")
	assert.Equal(t, "live", got.RouteConfig.Routes[0].Qualifier)
	assert.Equal(t, "HTTP", got.Protocol)

	e.mustOK("POST", api+"/custom-domains", map[string]any{"domainName": "a.example.com"})
	r = e.mustOK("GET", api+"/custom-domains?limit=1", nil)
	var page fc.ListCustomDomainsOutput
	r.json(t, &page)
	require.Len(t, page.CustomDomains, 1)
	assert.Equal(t, "a.example.com", page.CustomDomains[0].DomainName)
	assert.NotEmpty(t, page.NextToken)

	r = e.do("DELETE", api+"/custom-domains/shop.example.com", nil)
	assert.Equal(t, http.StatusNoContent, r.status)
	r = e.do("GET", api+"/custom-domains/shop.example.com", nil)
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, fc.CodeDomainNameNotFound, r.errorCode(t))
}

func TestBadCustomDomainsAreRefusedWithTheFieldNamed(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	routeTo := func(path string, extra map[string]any) map[string]any {
		rt := map[string]any{"path": path, "serviceName": "s", "functionName": "f"}
		for k, v := range extra {
			rt[k] = v
		}
		return map[string]any{"domainName": "x.example.com", "routeConfig": map[string]any{"routes": []any{rt}}}
	}
	cases := []struct {
		name string
		body map[string]any
		want string
	}{
		{"an IP address", map[string]any{"domainName": "10.0.0.1"}, "is an IP address"},
		{"a bare host", map[string]any{"domainName": "intranet"}, "must be fully qualified"},
		{"an unknown protocol", map[string]any{"domainName": "x.example.com", "protocol": "TCP"}, `protocol "TCP" is invalid`},
		{"HTTPS without a certificate", map[string]any{"domainName": "x.example.com", "protocol": "HTTPS"}, "needs certConfig"},
		{"a path without a slash", routeTo("api", nil), "must start with /"},
		{"a star inside a path", routeTo("/a*b", nil), "* is allowed only"},
		{"a lower-case method", routeTo("/a", map[string]any{"methods": []string{"get"}}), `method "get"`},
		{"a bad qualifier", routeTo("/a", map[string]any{"qualifier": "-x"}), "qualifier"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("POST", api+"/custom-domains", c.body)
			require.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
			var body struct{ ErrorCode, ErrorMessage string }
			r.json(t, &body)
			assert.Equal(t, fc.CodeInvalidArgument, body.ErrorCode)
			assert.Contains(t, body.ErrorMessage, c.want)
		})
	}
	r := e.mustOK("GET", api+"/custom-domains", nil)
	assert.JSONEq(t, `{"customDomains":[]}`, string(r.body), "nothing refused was stored")
}

func TestTheGoSDKsPascalCaseCertConfigIsAccepted(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert, key := testCertificate(t, "secure.example.com")
	// fc-go-sdk's malformed struct tags send certConfig fields in PascalCase.
	raw := `{"domainName":"secure.example.com","protocol":"HTTP,HTTPS","certConfig":{"CertName":"c1","Certificate":` +
		jsonString(cert) + `,"PrivateKey":` + jsonString(key) + `},"routeConfig":null}`
	r := e.mustOK("POST", api+"/custom-domains", raw)
	var d fc.CustomDomain
	r.json(t, &d)
	assert.Equal(t, "c1", d.CertConfig.CertName)
	assert.Equal(t, cert, d.CertConfig.Certificate)
	assert.Empty(t, d.CertConfig.PrivateKey, "the private key is never answered")
	assert.NotContains(t, string(r.body), "PRIVATE KEY")
}

func TestARequestForACustomDomainReachesTheRoutedFunction(t *testing.T) {
	e := newTestEnv(t, withRuntime(t))
	e.deploy("s", "web", "index.web", nil)
	e.deploy("s", "other", "index.web", nil)
	for _, f := range []string{"web", "other"} {
		e.mustOK("POST", api+"/services/s/functions/"+f+"/triggers", map[string]any{
			"triggerName": "h", "triggerType": "http",
			"triggerConfig": map[string]any{"authType": "anonymous", "methods": []string{"GET", "POST"}},
		})
	}
	e.mustOK("POST", api+"/custom-domains", map[string]any{"domainName": "shop.example.com", "routeConfig": map[string]any{"routes": []any{
		map[string]any{"path": "/api/*", "serviceName": "s", "functionName": "web"},
		map[string]any{"path": "/admin", "serviceName": "s", "functionName": "other", "methods": []string{"GET"}},
	}}})

	get := func(method, host, path string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(method, e.url+path, nil)
		require.NoError(t, err)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, string(b)
	}

	resp, body := get("POST", "Shop.Example.com:8080", "/api/orders/7?x=1")
	require.Equal(t, http.StatusCreated, resp.StatusCode, body)
	assert.Equal(t, "method POST", body)
	assert.Equal(t, "/api/orders/7", resp.Header.Get("X-Path"), "the function sees the original path")

	resp, body = get("GET", "shop.example.com", "/admin")
	require.Equal(t, http.StatusCreated, resp.StatusCode, body)
	assert.Equal(t, "method GET", body)

	resp, body = get("POST", "shop.example.com", "/admin")
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, body)
	assert.Equal(t, "GET", resp.Header.Get("Allow"))

	resp, body = get("GET", "shop.example.com", "/nowhere")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Contains(t, body, "custom domain shop.example.com has no route for path /nowhere; its routes are /api/*, /admin")

	resp, body = get("GET", "unknown.example.com", "/api/x")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Contains(t, body, "host unknown.example.com is not a custom domain")

	// A route to a function without an http trigger says which route failed.
	e.mustOK("PUT", api+"/custom-domains/shop.example.com", map[string]any{"routeConfig": map[string]any{"routes": []any{
		map[string]any{"path": "/*", "serviceName": "s", "functionName": "missing"},
	}}})
	resp, body = get("GET", "shop.example.com", "/x")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Contains(t, body, "custom domain shop.example.com route /* -> s/missing:")
	assert.Contains(t, body, fc.CodeFunctionNotFound)

	// The API keeps working on an address that is not a custom domain.
	r := e.do("GET", api+"/custom-domains", nil)
	assert.Equal(t, http.StatusOK, r.status)
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// testCertificate makes a self-signed PEM certificate and key for name.
func testCertificate(t *testing.T, name string) (certPEM, keyPEM string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Unix(0, 0), NotAfter: time.Unix(4102444800, 0),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	kder, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}))
}
