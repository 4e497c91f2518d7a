package localfc

import (
	"encoding/json"
	"net/http"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestEveryOperationWorksThroughRealHTTP walks all 25 operations in the
// order a deployment uses them and checks status, ETag, request id and body.
func TestEveryOperationWorksThroughRealHTTP(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	check := func(r reply, status int, wantETag bool) {
		t.Helper()
		require.Equal(t, status, r.status, "body: %s", r.body)
		assert.Regexp(t, uuidRE, r.header.Get(fc.HeaderRequestID))
		if wantETag {
			assert.NotEmpty(t, r.header.Get("ETag"))
		}
		if len(r.body) > 0 {
			assert.Equal(t, "application/json", r.header.Get("Content-Type"))
		}
	}

	// Services.
	r := e.do("POST", api+"/services", map[string]any{"serviceName": "shop", "description": "Shop"})
	check(r, 200, true)
	var svc fc.Service
	r.json(t, &svc)
	assert.Equal(t, "shop", svc.ServiceName)
	assert.Equal(t, "Shop", svc.Description)
	assert.Contains(t, string(r.body), `"logConfig":{`, "responses carry every field")
	check(e.do("GET", api+"/services/shop", nil), 200, true)
	r = e.do("PUT", api+"/services/shop", map[string]any{"description": "Shop v2"}, withIfMatch(r.header.Get("ETag")))
	check(r, 200, true)
	r.json(t, &svc)
	assert.Equal(t, "Shop v2", svc.Description)
	r = e.do("GET", api+"/services", nil)
	check(r, 200, false)
	var services fc.ListServicesOutput
	r.json(t, &services)
	require.Len(t, services.Services, 1)

	// Functions.
	check(e.do("POST", api+"/services/shop/functions", functionBody(t, "checkout")), 200, true)
	r = e.do("GET", api+"/services/shop/functions/checkout", nil)
	check(r, 200, true)
	var fn fc.Function
	r.json(t, &fn)
	assert.Equal(t, fc.CodeChecksum(testZip(t, "def handler(e, c): return e")), fn.CodeChecksum)
	assert.EqualValues(t, fc.DefaultMemorySize, fn.MemorySize)
	r = e.do("PUT", api+"/services/shop/functions/checkout", map[string]any{"memorySize": 256}, withIfMatch(r.header.Get("ETag")))
	check(r, 200, true)
	r.json(t, &fn)
	assert.EqualValues(t, 256, fn.MemorySize)
	r = e.do("GET", api+"/services/shop/functions", nil)
	check(r, 200, false)
	var fns fc.ListFunctionsOutput
	r.json(t, &fns)
	require.Len(t, fns.Functions, 1)
	r = e.do("GET", api+"/services/shop/functions/checkout/code", nil)
	check(r, 200, false)
	var code fc.FunctionCode
	r.json(t, &code)
	assert.Equal(t, fn.CodeChecksum, code.Checksum)

	// Triggers.
	timer := map[string]any{"triggerName": "nightly", "triggerType": "timer",
		"triggerConfig": map[string]any{"cronExpression": "0 0 2 * * *", "enable": true}}
	check(e.do("POST", api+"/services/shop/functions/checkout/triggers", timer), 200, true)
	r = e.do("GET", api+"/services/shop/functions/checkout/triggers/nightly", nil)
	check(r, 200, true)
	r = e.do("PUT", api+"/services/shop/functions/checkout/triggers/nightly",
		map[string]any{"triggerConfig": map[string]any{"cronExpression": "@every 5m", "enable": false}}, withIfMatch(r.header.Get("ETag")))
	check(r, 200, true)
	var tr fc.Trigger
	r.json(t, &tr)
	assert.JSONEq(t, `{"cronExpression": "@every 5m", "enable": false}`, string(tr.TriggerConfig))
	r = e.do("GET", api+"/services/shop/functions/checkout/triggers", nil)
	check(r, 200, false)
	var trs fc.ListTriggersOutput
	r.json(t, &trs)
	require.Len(t, trs.Triggers, 1)

	// Versions and aliases.
	r = e.do("POST", api+"/services/shop/versions", map[string]any{"Description": "first"})
	check(r, 200, true)
	var v fc.Version
	r.json(t, &v)
	assert.Equal(t, "1", v.VersionID)
	assert.Equal(t, "first", v.Description, "the Go SDK's capitalised Description is read")
	r = e.do("GET", api+"/services/shop/versions", nil)
	check(r, 200, false)
	var vs fc.ListVersionsOutput
	r.json(t, &vs)
	require.Len(t, vs.Versions, 1)
	assert.Equal(t, fc.DirectionBackward, vs.Direction)
	check(e.do("POST", api+"/services/shop/aliases", map[string]any{"aliasName": "live", "versionId": "1"}), 200, true)
	r = e.do("GET", api+"/services/shop/aliases/live", nil)
	check(r, 200, true)
	check(e.do("PUT", api+"/services/shop/aliases/live", map[string]any{"description": "prod"}, withIfMatch(r.header.Get("ETag"))), 200, true)
	r = e.do("GET", api+"/services/shop/aliases", nil)
	check(r, 200, false)
	var als fc.ListAliasesOutput
	r.json(t, &als)
	require.Len(t, als.Aliases, 1)

	// Qualified reads.
	check(e.do("GET", api+"/services/shop.live", nil), 200, true)
	check(e.do("GET", api+"/services/shop.1/functions", nil), 200, false)
	r = e.do("GET", api+"/services/shop.live/functions/checkout", nil)
	check(r, 200, true)
	r.json(t, &fn)
	assert.EqualValues(t, 256, fn.MemorySize)
	check(e.do("GET", api+"/services/shop.LATEST/functions/checkout/code", nil), 200, false)

	// Invocation is another issue.
	r = e.do("POST", api+"/services/shop.live/functions/checkout/invocations", []byte(`{"a":1}`))
	check(r, 501, false)
	assert.Equal(t, fc.CodeNotImplemented, r.errorCode(t))
	assert.Contains(t, string(r.body), "started without function runtimes")

	// Deletes, children first.
	check(e.do("DELETE", api+"/services/shop/aliases/live", nil), 204, false)
	check(e.do("DELETE", api+"/services/shop/versions/1", nil), 204, false)
	check(e.do("DELETE", api+"/services/shop/functions/checkout/triggers/nightly", nil), 204, false)
	check(e.do("DELETE", api+"/services/shop/functions/checkout", nil), 204, false)
	r = e.do("DELETE", api+"/services/shop", nil)
	check(r, 204, false)
	assert.Empty(t, r.body)
	r = e.do("GET", api+"/services/shop", nil)
	check(r, 404, false)
	assert.Equal(t, fc.CodeServiceNotFound, r.errorCode(t))
}

func TestStoreErrorsKeepTheirCodeAndStatus(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "shop"})
	e.mustOK("POST", api+"/services/shop/functions", functionBody(t, "checkout"))
	tests := []struct {
		name, method, path string
		body               any
		ifMatch            string
		status             int
		code               string
	}{
		{"a function in a missing service names the service", "GET", "/services/nope/functions/x", nil, "", 404, fc.CodeServiceNotFound},
		{"a missing function in a service names the function", "GET", "/services/shop/functions/nope", nil, "", 404, fc.CodeFunctionNotFound},
		{"a second service of the same name conflicts", "POST", "/services", map[string]any{"serviceName": "shop"}, "", 409, fc.CodeServiceAlreadyExists},
		{"a service with functions cannot be deleted", "DELETE", "/services/shop", nil, "", 409, fc.CodeServiceNotEmpty},
		{"an update with a stale ETag is refused", "PUT", "/services/shop", map[string]any{"description": "x"}, "stale", 412, fc.CodePreconditionFailed},
		{"a missing alias is named", "GET", "/services/shop/aliases/live", nil, "", 404, fc.CodeAliasNotFound},
		{"a missing version is named", "DELETE", "/services/shop/versions/7", nil, "", 404, fc.CodeVersionNotFound},
		{"a missing trigger is named", "GET", "/services/shop/functions/checkout/triggers/t", nil, "", 404, fc.CodeTriggerNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mut []func(*http.Request)
			if tt.ifMatch != "" {
				mut = append(mut, withIfMatch(tt.ifMatch))
			}
			r := e.do(tt.method, api+tt.path, tt.body, mut...)
			assert.Equal(t, tt.status, r.status, "body: %s", r.body)
			assert.Equal(t, tt.code, r.errorCode(t))
			assert.Equal(t, "application/json", r.header.Get("Content-Type"))
			assert.NotEmpty(t, r.header.Get(fc.HeaderRequestID))
		})
	}
}

func TestPathsThatNameNoOperationAreRefused(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	tests := []struct {
		name, method, path string
		status             int
		code               string
	}{
		{"an unknown path is a 404 with a JSON body", "GET", "/2016-08-15/nothing/here", 404, fc.CodeNotFound},
		{"another API version is unknown", "GET", "/2017-01-01/services", 404, fc.CodeNotFound},
		{"a known path with the wrong method is a 405", "PATCH", api + "/services", 405, fc.CodeMethodNotAllowed},
		{"a qualifier on a write path is a 400", "PUT", api + "/services/shop.live", 400, fc.CodeInvalidArgument},
		{"a qualifier on a trigger path is a 400", "GET", api + "/services/shop.1/functions/f/triggers", 400, fc.CodeInvalidArgument},
		{"an empty qualifier is a 400", "GET", api + "/services/shop./functions", 400, fc.CodeInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(tt.method, tt.path, nil)
			assert.Equal(t, tt.status, r.status, "body: %s", r.body)
			assert.Equal(t, tt.code, r.errorCode(t))
			assert.Regexp(t, uuidRE, r.header.Get(fc.HeaderRequestID))
		})
	}
}

func TestAProxyPathWithoutAnHTTPTriggerIsNotFoundForASignedRequest(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	r := e.do("GET", api+"/proxy/shop.LATEST/checkout/anything", nil)
	assert.Equal(t, http.StatusNotFound, r.status, "body: %s", r.body)
	assert.NotEmpty(t, r.header.Get(fc.HeaderRequestID))
}

func TestAnUnsignedProxyRequestCannotTellWhetherAFunctionExists(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	require.Equal(t, 200, e.do("POST", api+"/services", map[string]any{"serviceName": "shop"}).status)
	require.Equal(t, 200, e.do("POST", api+"/services/shop/functions", functionBody(t, "checkout")).status)
	unsigned := func(path string) (int, string) {
		resp, err := http.Get(e.url + api + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		var body struct{ ErrorCode string }
		json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body.ErrorCode
	}
	existing, existingCode := unsigned("/proxy/shop/checkout/x")
	missing, missingCode := unsigned("/proxy/nope/nothing/x")
	assert.Equal(t, http.StatusForbidden, existing)
	assert.Equal(t, existing, missing, "a missing service answers like an existing function without an anonymous trigger")
	assert.Equal(t, existingCode, missingCode)
}

func TestParseRequestFindsNamesAndQualifiers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, method, path, op string
		want                   call
	}{
		{"a plain function read", "GET", api + "/services/s/functions/f", "GetFunction", call{service: "s", function: "f"}},
		{"a qualified function read", "GET", api + "/services/s.live/functions/f", "GetFunction", call{service: "s", qualifier: "live", function: "f"}},
		{"a trailing slash is tolerated", "GET", api + "/services/", "ListServices", call{}},
		{"a trigger path", "DELETE", api + "/services/s/functions/f/triggers/t", "DeleteTrigger", call{service: "s", function: "f", trigger: "t"}},
		{"a version path", "DELETE", api + "/services/s/versions/3", "DeleteVersion", call{service: "s", version: "3"}},
		{"an alias path", "PUT", api + "/services/s/aliases/a", "UpdateAlias", call{service: "s", alias: "a"}},
		{"a code download", "GET", api + "/code/tok", "DownloadCode", call{token: "tok"}},
		{"a qualified invocation", "POST", api + "/services/s.2/functions/f/invocations", "InvokeFunction", call{service: "s", qualifier: "2", function: "f"}},
		{"a custom domain", "GET", api + "/custom-domains/api.example.com", "GetCustomDomain", call{domain: "api.example.com"}},
		{"an async config as the Node SDK names LATEST", "PUT", api + "/services/s.LATEST/functions/f/async-invoke-config", "PutFunctionAsyncInvokeConfig", call{service: "s", qualifier: "LATEST", function: "f"}},
		{"an async config as the Go SDK names LATEST", "DELETE", api + "/services/s/functions/f/async-invoke-config", "DeleteFunctionAsyncInvokeConfig", call{service: "s", function: "f"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt, c, err := parseRequest(tt.method, tt.path)
			require.NoError(t, err)
			assert.Equal(t, tt.op, rt.op)
			assert.Equal(t, tt.want, *c)
		})
	}
}

func TestTheRouteTableCoversEveryOperationOfTheSpec(t *testing.T) {
	t.Parallel()
	ops := map[string]bool{}
	for _, rt := range routes {
		ops[rt.op] = true
	}
	for _, op := range []string{
		"CreateService", "ListServices", "GetService", "UpdateService", "DeleteService",
		"CreateFunction", "ListFunctions", "GetFunction", "UpdateFunction", "DeleteFunction", "GetFunctionCode", "InvokeFunction",
		"CreateTrigger", "ListTriggers", "GetTrigger", "UpdateTrigger", "DeleteTrigger",
		"PublishVersion", "ListVersions", "DeleteVersion",
		"CreateAlias", "ListAliases", "GetAlias", "UpdateAlias", "DeleteAlias",
	} {
		assert.True(t, ops[op], op)
	}
	for _, op := range []string{
		"CreateCustomDomain", "ListCustomDomains", "GetCustomDomain", "UpdateCustomDomain", "DeleteCustomDomain",
		"PutFunctionAsyncInvokeConfig", "GetFunctionAsyncInvokeConfig", "DeleteFunctionAsyncInvokeConfig", "ListFunctionAsyncInvokeConfigs",
	} {
		assert.True(t, ops[op], op)
	}
}
