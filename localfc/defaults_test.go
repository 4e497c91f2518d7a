package localfc

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What a client that omits a field gets must be the API's documented
// default, read from the raw JSON so that a zero value cannot pass for one.
func TestCreateFillsTheAPIsDefaultsForOmittedFields(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	body := func(r reply) map[string]any {
		t.Helper()
		var m map[string]any
		require.NoError(t, json.Unmarshal(r.body, &m), "%s", r.body)
		return m
	}

	svc := body(e.mustOK("POST", api+"/services", map[string]any{"serviceName": "open"}))
	assert.Equal(t, true, svc["internetAccess"], "internetAccess defaults to true")
	assert.Equal(t, true, body(e.mustOK("GET", api+"/services/open", nil))["internetAccess"], "and is stored so")
	closed := body(e.mustOK("POST", api+"/services", map[string]any{"serviceName": "closed", "internetAccess": false}))
	assert.Equal(t, false, closed["internetAccess"], "an explicit false is kept")

	fn := body(e.mustOK("POST", api+"/services/open/functions", functionBody(t, "f")))
	assert.EqualValues(t, 128, fn["memorySize"], "memorySize defaults to 128 MB")
	assert.EqualValues(t, 3, fn["timeout"], "timeout defaults to 3 seconds")
	assert.EqualValues(t, 1, fn["instanceConcurrency"], "one request per instance")
	assert.Equal(t, map[string]any{}, fn["environmentVariables"])

	given := functionBody(t, "g")
	given["memorySize"], given["timeout"], given["instanceConcurrency"] = 512, 60, 10
	fn = body(e.mustOK("POST", api+"/services/open/functions", given))
	assert.EqualValues(t, 512, fn["memorySize"])
	assert.EqualValues(t, 60, fn["timeout"])
	assert.EqualValues(t, 10, fn["instanceConcurrency"])

	// An update that omits internetAccess leaves it as it is.
	r := e.mustOK("GET", api+"/services/closed", nil)
	r = e.do("PUT", api+"/services/closed", map[string]any{"description": "still closed"}, withIfMatch(r.header.Get("ETag")))
	require.Equal(t, 200, r.status, "%s", r.body)
	assert.Equal(t, false, body(r)["internetAccess"])

	// Listing without a limit answers at most 20.
	for i := range 21 {
		e.mustOK("POST", api+"/services", map[string]any{"serviceName": "s" + string(rune('a'+i))})
	}
	list := body(e.mustOK("GET", api+"/services", nil))
	assert.Len(t, list["services"], 20, "limit defaults to 20")
	assert.NotEmpty(t, list["nextToken"])
}
