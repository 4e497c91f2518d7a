package localfc

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

// TestFuncraftDeployBodiesAreAccepted replays the bodies Funcraft 3.6.24
// sends (recorded in compat/FINDINGS.md): empty strings meaning "none",
// PascalCase nasConfig with -1 ids, unknown fields, function JSON as a
// chunked octet-stream without Content-MD5, and an UpdateTrigger that
// repeats triggerType.
func TestFuncraftDeployBodiesAreAccepted(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	stream := func(r *http.Request) {
		r.Header.Set("Content-Type", "application/octet-stream")
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		r.ContentLength = -1
		r.Host = "127.0.0.1"
	}
	svc := `{"serviceName":"fcdeploy-compat","description":"d","role":"","tracingConfig":{},
	  "logConfig":{"project":"","logstore":"","enableRequestMetrics":false,"enableInstanceMetrics":false},
	  "vpcConfig":{"securityGroupId":"","vSwitchIds":[],"vpcId":""},
	  "nasConfig":{"UserId":-1,"GroupId":-1,"MountPoints":[]}}`
	r := e.do("POST", api+"/services", svc)
	require.Equal(t, 200, r.status, "body: %s", r.body)
	var got fc.Service
	r.json(t, &got)
	assert.Equal(t, -1, got.NASConfig.UserID, "PascalCase keys are read")

	fn := `{"description":"","handler":"index.handler","initializer":"","layers":[],"timeout":10,
	  "initializationTimeout":3,"memorySize":128,"runtime":"python3",
	  "InstanceLifecycleConfig":{"PreFreeze":{"Handler":""},"PreStop":{"Handler":""}},
	  "code":{"zipFile":"` + encodeZip(t, "def handler(e, c): return e") + `"},
	  "environmentVariables":{"PYTHONUSERBASE":"/code/.fun/python"},"functionName":"hello"}`
	r = e.do("POST", api+"/services/fcdeploy-compat/functions", fn, stream)
	require.Equal(t, 200, r.status, "body: %s", r.body)
	r = e.do("PUT", api+"/services/fcdeploy-compat/functions/hello", strings.Replace(fn, `,"functionName":"hello"`, "", 1), stream)
	require.Equal(t, 200, r.status, "body: %s", r.body)

	trig := `{"triggerType":"timer","triggerConfig":{"payload":"nightly","cronExpression":"0 0 2 * * *","enable":true},"triggerName":"nightly"}`
	r = e.do("POST", api+"/services/fcdeploy-compat/functions/hello/triggers", trig)
	require.Equal(t, 200, r.status, "body: %s", r.body)
	r = e.do("PUT", api+"/services/fcdeploy-compat/functions/hello/triggers/nightly", trig)
	require.Equal(t, 200, r.status, "body: %s", r.body)
	var tr fc.Trigger
	r.json(t, &tr)
	assert.Equal(t, "timer", tr.TriggerType)
}
