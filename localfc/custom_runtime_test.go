//go:build unix

package localfc

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// customRuntimeZip is a custom runtime function: an executable shell
// bootstrap starting the runtime package's test server.
func customRuntimeZip(t *testing.T) string {
	server, err := os.ReadFile("runtime/testdata/server.py")
	require.NoError(t, err)
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, f := range []struct {
		name, body string
		mode       os.FileMode
	}{
		{"bootstrap", "#!/bin/sh\nexec python3 server.py\n", 0o755},
		{"server.py", string(server), 0o644},
	} {
		h := &zip.FileHeader{Name: f.name, Method: zip.Deflate}
		h.SetMode(f.mode)
		fw, err := w.CreateHeader(h)
		require.NoError(t, err)
		_, err = fw.Write([]byte(f.body))
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

func TestACustomRuntimeFunctionServesInvocationsAndHTTPTriggers(t *testing.T) {
	e := newTestEnv(t, withRuntime(t))
	e.mustOK("POST", "/2016-08-15/services", map[string]any{"serviceName": "s"})
	e.mustOK("POST", "/2016-08-15/services/s/functions", map[string]any{
		"functionName": "c", "runtime": "custom", "handler": "index.handler", "timeout": 10,
		"environmentVariables": map[string]string{"STOP_FILE": t.TempDir() + "/stopped"},
		"code":                 map[string]any{"zipFile": customRuntimeZip(t)},
	})
	r := invoke(e, "/2016-08-15/services/s/functions/c/invocations", "hi", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, "echo:hi", string(r.body))

	r = invoke(e, "/2016-08-15/services/s/functions/c/invocations", "fail", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, fc.UnhandledInvocationError, r.header.Get(fc.HeaderErrorType))
	assert.JSONEq(t, `{"errorMessage":"asked to fail"}`, string(r.body))

	e.mustOK("POST", "/2016-08-15/services/s/functions/c/triggers", map[string]any{
		"triggerName": "h", "triggerType": "http",
		"triggerConfig": map[string]any{"authType": "anonymous", "methods": []string{"PUT"}},
	})
	req, _ := http.NewRequest(http.MethodPut, e.url+"/2016-08-15/proxy/s.LATEST/c/orders/7?a=1", bytes.NewReader([]byte("raw body")))
	req.Header.Set("X-Custom", "yes")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", body)
	assert.Equal(t, []string{"a=1", "b=2"}, resp.Header.Values("Set-Cookie"))
	var got struct {
		Method, Path, Host, Body string
		Custom                   []string
		Fc                       map[string]string
	}
	require.NoError(t, json.Unmarshal(body, &got), "%s", body)
	assert.Equal(t, "PUT", got.Method)
	assert.Equal(t, "/orders/7?a=1", got.Path)
	assert.Equal(t, req.URL.Host, got.Host)
	assert.Equal(t, "raw body", got.Body)
	assert.Equal(t, []string{"yes"}, got.Custom)
	assert.Equal(t, "/2016-08-15/proxy/s.LATEST/c/", got.Fc["x-fc-base-path"])
	assert.Equal(t, "LATEST", got.Fc["x-fc-qualifier"])
}
