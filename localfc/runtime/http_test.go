package runtime

import (
	"encoding/json"
	"testing"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func httpRequest() *HTTPRequest {
	return &HTTPRequest{
		Method:   "POST",
		Path:     "/orders/7",
		RawQuery: "a=1&b=2&b=3",
		Header:   map[string][]string{"Content-Type": {"application/json"}, "X-Custom": {"yes"}},
		Body:     []byte(`{"qty":2}`),
		ClientIP: "10.0.0.9",
	}
}

func TestWSGIHandlersServeHTTPTriggers(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{})
	req := fn(t, "python3", "index.handler", py(`import json
def handler(environ, start_response):
    body = environ['wsgi.input'].read(int(environ['CONTENT_LENGTH']))
    out = json.dumps({
        'method': environ['REQUEST_METHOD'], 'path': environ['PATH_INFO'],
        'query': environ['QUERY_STRING'], 'type': environ['CONTENT_TYPE'],
        'custom': environ['HTTP_X_CUSTOM'], 'ip': environ['REMOTE_ADDR'],
        'body': body.decode(), 'fn': environ['fc.context'].function.name,
    }).encode()
    start_response('201 Created', [('Content-Type', 'application/json'), ('Set-Cookie', 'a=1'), ('Set-Cookie', 'b=2')])
    return [out[:5], out[5:]]
`))
	req.HTTP = httpRequest()
	res := invoke(t, p, req)
	require.Empty(t, res.ErrorType, "body %s", res.Body)
	require.NotNil(t, res.HTTP)
	assert.Equal(t, 201, res.HTTP.Status)
	assert.Equal(t, []string{"application/json"}, res.HTTP.Header["Content-Type"])
	assert.Equal(t, []string{"a=1", "b=2"}, res.HTTP.Header["Set-Cookie"])
	var got map[string]string
	require.NoError(t, json.Unmarshal(res.HTTP.Body, &got))
	assert.Equal(t, map[string]string{
		"method": "POST", "path": "/orders/7", "query": "a=1&b=2&b=3", "type": "application/json",
		"custom": "yes", "ip": "10.0.0.9", "body": `{"qty":2}`, "fn": "fn",
	}, got)
}

func TestNodeHTTPHandlersServeHTTPTriggers(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "node")
	p := newPool(t, Config{})
	req := fn(t, "nodejs14", "index.handler", js(`
exports.handler = (request, response, context) => {
  const chunks = [];
  request.on('data', (c) => chunks.push(c));
  request.on('end', () => {
    response.setStatusCode(202);
    response.setHeader('Content-Type', 'application/json');
    response.setHeader('X-Gone', 'soon');
    response.deleteHeader('X-Gone');
    response.send(JSON.stringify({
      method: request.method, path: request.path, url: request.url, queries: request.queries,
      type: request.headers['content-type'], custom: request.headers['x-custom'], ip: request.clientIP,
      streamed: Buffer.concat(chunks).toString(), body: request.body.toString(), fn: context.function.name,
    }));
  });
};`))
	req.HTTP = httpRequest()
	res := invoke(t, p, req)
	require.Empty(t, res.ErrorType, "body %s", res.Body)
	require.NotNil(t, res.HTTP)
	assert.Equal(t, 202, res.HTTP.Status)
	assert.Equal(t, map[string][]string{"Content-Type": {"application/json"}}, res.HTTP.Header)
	var got map[string]any
	require.NoError(t, json.Unmarshal(res.HTTP.Body, &got))
	assert.Equal(t, map[string]any{
		"method": "POST", "path": "/orders/7", "url": "/orders/7?a=1&b=2&b=3",
		"queries": map[string]any{"a": "1", "b": []any{"2", "3"}},
		"type":    "application/json", "custom": "yes", "ip": "10.0.0.9",
		"streamed": `{"qty":2}`, "body": `{"qty":2}`, "fn": "fn",
	}, got)
}

func TestHTTPHandlerErrorsAreHandledInvocationErrors(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	needInterpreter(t, "node")
	p := newPool(t, Config{})
	for _, req := range []Request{
		fn(t, "python3", "index.handler", py("def handler(environ, start_response):\n    raise KeyError('nope')\n")),
		fn(t, "nodejs14", "index.handler", js("exports.handler = (req, resp, ctx) => { throw new Error('nope'); };")),
	} {
		t.Run(req.Runtime, func(t *testing.T) {
			req.HTTP = httpRequest()
			res := invoke(t, p, req)
			assert.Equal(t, fc.HandledInvocationError, res.ErrorType)
			assert.Nil(t, res.HTTP)
			msg, _, _ := errorBody(t, res)
			assert.Contains(t, msg, "nope")
		})
	}
}
