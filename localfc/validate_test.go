package localfc

import (
	"bytes"
	"encoding/base64"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func TestInvalidRequestsAreRefusedBeforeTheStore(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "shop"})
	e.mustOK("POST", api+"/services/shop/functions", functionBody(t, "checkout"))
	fn := func(mod func(map[string]any)) map[string]any {
		b := functionBody(t, "f2")
		mod(b)
		return b
	}
	zip64 := base64.StdEncoding.EncodeToString(testZip(t, "x"))
	trig := func(typ string, cfg any) map[string]any {
		return map[string]any{"triggerName": "t", "triggerType": typ, "triggerConfig": cfg}
	}
	fpath := "/services/shop/functions"
	tpath := "/services/shop/functions/checkout/triggers"
	tests := []struct {
		name, method, path string
		body               any
		code, message      string
	}{
		{"a service name starting with a digit", "POST", "/services", map[string]any{"serviceName": "1shop"}, fc.CodeInvalidArgument, "must start with a letter"},
		{"a service without a name", "POST", "/services", map[string]any{}, fc.CodeInvalidArgument, "service name is empty"},
		{"a body that is not JSON", "POST", "/services", "{not json", fc.CodeInvalidArgument, "not valid JSON"},
		{"an empty body on a create", "POST", "/services", "", fc.CodeInvalidArgument, "body is empty"},
		{"a description longer than the limit", "PUT", "/services/shop", map[string]any{"description": strings.Repeat("d", fc.MaxDescriptionLength+1)}, fc.CodeInvalidArgument, "description"},
		{"a function name longer than 64", "POST", fpath, fn(func(b map[string]any) { b["functionName"] = "f" + strings.Repeat("x", 64) }), fc.CodeInvalidArgument, "at most 64"},
		{"a memorySize that is not a multiple of 64", "POST", fpath, fn(func(b map[string]any) { b["memorySize"] = 200 }), fc.CodeInvalidArgument, "memorySize 200"},
		{"a memorySize above the limit", "PUT", fpath + "/checkout", map[string]any{"memorySize": 4096}, fc.CodeInvalidArgument, "memorySize 4096"},
		{"a timeout of zero", "PUT", fpath + "/checkout", map[string]any{"timeout": 0}, fc.CodeInvalidArgument, "timeout 0"},
		{"an unknown runtime", "POST", fpath, fn(func(b map[string]any) { b["runtime"] = "cobol" }), fc.CodeInvalidArgument, "cobol"},
		{"a missing runtime", "POST", fpath, fn(func(b map[string]any) { delete(b, "runtime") }), fc.CodeInvalidArgument, "runtime is required"},
		{"a missing handler", "POST", fpath, fn(func(b map[string]any) { delete(b, "handler") }), fc.CodeInvalidArgument, "handler is required"},
		{"missing code", "POST", fpath, fn(func(b map[string]any) { delete(b, "code") }), fc.CodeInvalidArgument, "code is required"},
		{"an initializationTimeout above 300", "PUT", fpath + "/checkout", map[string]any{"initializationTimeout": 301}, fc.CodeInvalidArgument, "initializationTimeout 301"},
		{"an instanceConcurrency above 100", "PUT", fpath + "/checkout", map[string]any{"instanceConcurrency": 101}, fc.CodeInvalidArgument, "instanceConcurrency 101"},
		{"a memorySize of the wrong JSON type", "PUT", fpath + "/checkout", map[string]any{"memorySize": "big"}, fc.CodeInvalidArgument, "not valid JSON"},
		{"code from OSS says the local FC has no OSS", "POST", fpath, fn(func(b map[string]any) {
			b["code"] = map[string]any{"ossBucketName": "b", "ossObjectName": "o.zip"}
		}), fc.CodeInvalidArgument, "has no OSS; upload the zip inline as code.zipFile"},
		{"code with both zipFile and OSS", "POST", fpath, fn(func(b map[string]any) {
			b["code"] = map[string]any{"zipFile": zip64, "ossBucketName": "b", "ossObjectName": "o"}
		}), fc.CodeInvalidArgument, "exactly one of"},
		{"a zipFile that is not base64", "PUT", fpath + "/checkout", map[string]any{"code": map[string]any{"zipFile": "%%%"}}, fc.CodeInvalidArgument, "not valid base64"},
		{"a zipFile that is not a zip", "PUT", fpath + "/checkout", map[string]any{"code": map[string]any{"zipFile": base64.StdEncoding.EncodeToString([]byte("hello"))}}, fc.CodeInvalidArgument, "not a valid zip"},
		{"an unknown trigger type", "POST", tpath, trig("carrier-pigeon", map[string]any{}), fc.CodeInvalidArgument, "trigger type"},
		{"a trigger config that is not an object", "POST", tpath, trig("oss", []int{1}), fc.CodeInvalidArgument, "must be a JSON object"},
		{"a 5-field cron", "POST", tpath, trig("timer", map[string]any{"cronExpression": "0 2 * * *", "enable": true}), fc.CodeInvalidArgument, "has 5 fields"},
		{"a cron second out of range", "POST", tpath, trig("timer", map[string]any{"cronExpression": "60 0 2 * * *", "enable": true}), fc.CodeInvalidArgument, "seconds must be 0-59, not 60"},
		{"an @every below a minute", "POST", tpath, trig("timer", map[string]any{"cronExpression": "@every 10s", "enable": true}), fc.CodeInvalidArgument, "at least 1m"},
		{"a timer without cronExpression", "POST", tpath, trig("timer", map[string]any{"enable": true}), fc.CodeInvalidArgument, "needs cronExpression"},
		{"a timer enable that is a string", "POST", tpath, trig("timer", map[string]any{"cronExpression": "@every 5m", "enable": "yes"}), fc.CodeInvalidArgument, "enable is a boolean"},
		{"an http authType that is unknown", "POST", tpath, trig("http", map[string]any{"authType": "magic", "methods": []string{"GET"}}), fc.CodeInvalidArgument, "authType"},
		{"an http method that is unknown", "POST", tpath, trig("http", map[string]any{"authType": "anonymous", "methods": []string{"BREW"}}), fc.CodeInvalidArgument, "BREW"},
		{"an alias named LATEST", "POST", "/services/shop/aliases", map[string]any{"aliasName": "LATEST", "versionId": "1"}, fc.CodeInvalidArgument, "reserved"},
		{"an alias without a version", "POST", "/services/shop/aliases", map[string]any{"aliasName": "live"}, fc.CodeInvalidArgument, "versionId is required"},
		{"an alias weight above 1", "POST", "/services/shop/aliases", map[string]any{"aliasName": "live", "versionId": "1", "additionalVersionWeight": map[string]float64{"2": 1.5}}, fc.CodeInvalidArgument, "between 0 and 1"},
		{"a list limit of zero", "GET", "/services?limit=0", nil, fc.CodeInvalidArgument, "limit"},
		{"a list limit above 100", "GET", "/services/shop/functions?limit=101", nil, fc.CodeInvalidArgument, "limit"},
		{"a list limit that is not a number", "GET", "/services/shop/aliases?limit=ten", nil, fc.CodeInvalidArgument, "limit"},
		{"an unknown version direction", "GET", "/services/shop/versions?direction=SIDEWAYS", nil, fc.CodeInvalidArgument, "direction"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(tt.method, api+tt.path, tt.body)
			assert.Equal(t, 400, r.status, "body: %s", r.body)
			assert.Equal(t, tt.code, r.errorCode(t))
			assert.Contains(t, string(r.body), tt.message)
		})
	}
}

func TestValidRequestShapesAreAccepted(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "shop"})
	tests := []struct {
		name, method, path string
		body               any
	}{
		{"unknown fields are ignored", "POST", "/services/shop/functions", func() map[string]any {
			b := functionBody(t, "f1")
			b["somethingNew"] = 42
			return b
		}()},
		{"field names are matched case-insensitively", "PUT", "/services/shop/functions/f1", map[string]any{"MemorySize": 512}},
		{"null leaves a field unchanged", "PUT", "/services/shop/functions/f1", map[string]any{"memorySize": nil, "timeout": 30}},
		{"a cron with names, ranges, steps and lists", "POST", "/services/shop/functions/f1/triggers",
			map[string]any{"triggerName": "t1", "triggerType": "timer", "triggerConfig": map[string]any{"cronExpression": "0 */5 9-17 ? JAN,MAR MON-FRI", "enable": true, "payload": "p"}}},
		{"a timer without enable, which FC reads as disabled", "POST", "/services/shop/functions/f1/triggers",
			map[string]any{"triggerName": "t0", "triggerType": "timer", "triggerConfig": map[string]any{"cronExpression": "@every 5m"}}},
		{"an http trigger", "POST", "/services/shop/functions/f1/triggers",
			map[string]any{"triggerName": "t2", "triggerType": "http", "triggerConfig": map[string]any{"authType": "function", "methods": []string{"GET", "POST"}}}},
		{"other trigger types are stored as given", "POST", "/services/shop/functions/f1/triggers",
			map[string]any{"triggerName": "t3", "triggerType": "oss", "triggerConfig": map[string]any{"events": []string{"oss:ObjectCreated:*"}, "anything": 1}}},
		{"a list with unknown query parameters", "GET", "/services?limit=100&colour=blue", nil},
		{"PublishVersion without a body", "POST", "/services/shop/versions", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(tt.method, api+tt.path, tt.body)
			assert.Equal(t, 200, r.status, "body: %s", r.body)
		})
	}
	r := e.do("GET", api+"/services/shop/functions/f1", nil)
	var fn fc.Function
	r.json(t, &fn)
	assert.EqualValues(t, 512, fn.MemorySize, "null left the memory size as it was")
	assert.EqualValues(t, 30, fn.Timeout)
}

func TestAnOversizedBodyIsEntityTooLarge(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, func(c *Config) { c.MaxBodyBytes = 1024 })
	e.mustOK("POST", api+"/services", map[string]any{"serviceName": "shop"})
	b := functionBody(t, "big")
	b["description"] = strings.Repeat("x", 2048)
	r := e.do("POST", api+"/services/shop/functions", b)
	assert.Equal(t, 400, r.status, "body: %s", r.body)
	assert.Equal(t, fc.CodeEntityTooLarge, r.errorCode(t))
}

func TestAZipAboveTheLimitIsEntityTooLarge(t *testing.T) {
	t.Parallel()
	// Checked on the decoder directly: sending 50 MB through HTTP in a unit
	// test would be slow for no extra proof.
	big := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0}, fc.MaxZipSize+1))
	_, err := decodeCode("function s/f", &fc.Code{ZipFile: big})
	require.Error(t, err)
	assert.Equal(t, fc.CodeEntityTooLarge, fc.AsAPIError(err).Code)
	assert.Contains(t, err.Error(), "allowed inline")
}

func TestCheckCron(t *testing.T) {
	t.Parallel()
	good := []string{"0 0 4 * * *", "*/10 * * * * ?", "0 30 8 1-15 * MON-FRI", "0 0 0 1,15 * *", "@every 1h30m"}
	for _, expr := range good {
		assert.NoError(t, checkCron(expr), expr)
	}
	bad := []string{"", "* * * * *", "0 0 24 * * *", "0 0 0 0 * *", "0 0 0 * 13 *", "0 0 0 * * 7", "0 0 5-1 * * *", "0 0 0 * * */0", "@every soon", "@every 30s"}
	for _, expr := range bad {
		assert.Error(t, checkCron(expr), expr)
	}
}

func TestABodyWithDataAfterItsJSONObjectIsRefused(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	for _, body := range []string{`{"serviceName":"a"}{"serviceName":"b"}`, `{"serviceName":"a"} junk`} {
		r := e.do("POST", api+"/services", []byte(body))
		assert.Equal(t, 400, r.status, "body %q: %s", body, r.body)
		assert.Contains(t, string(r.body), "data after its JSON object")
	}
	r := e.do("POST", api+"/services", []byte("{\"serviceName\":\"c\"}\n  "))
	assert.Equal(t, 200, r.status, "trailing white space is fine: %s", r.body)
}

func TestTheHTTPServerRefusesOversizedHeaders(t *testing.T) {
	t.Parallel()
	srv := NewHTTPServer(http.NotFoundHandler(), nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/", nil)
	req.Header.Set("X-Big", strings.Repeat("a", 200<<10))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)
	assert.NotZero(t, srv.ReadTimeout, "a client that stops sending its body cannot hold the connection")
	assert.NotZero(t, srv.IdleTimeout)
}
