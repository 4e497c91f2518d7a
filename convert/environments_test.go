package convert

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const sdBase = `edition: 1.0.0
vars: {size: 128, keep: x}
services:
  api:
    component: fc
    props:
      region: cn-hangzhou
      service: {name: shop}
      function: {name: web, runtime: python3, handler: index.handler, codeUri: ./code, memorySize: 128, timeout: 5, description: d, environmentVariables: {A: "1"}}
      triggers:
        - name: http
          type: http
          config: {authType: anonymous, methods: [GET]}
        - name: tick
          type: timer
          config: {cronExpression: "@every 1m", enable: true}
`

// Each s-ENV.yaml becomes an environment: values that differ become vars,
// and what cannot differ between environments is reported.
func TestServerlessDevsFilesMergeIntoEnvironmentsWithTheirDifferencesAsVars(t *testing.T) {
	prod := strings.NewReplacer(
		`memorySize: 128, timeout: 5, description: d, environmentVariables: {A: "1"}`, `memorySize: 512, timeout: 5, description: [d], instanceConcurrency: 2, caPort: 9000`,
		`vars: {size: 128, keep: x}`, `vars: {size: 512, keep: x, extra: y}`,
		`methods: [GET]`, `methods: [GET, POST]`,
		`@every 1m`, `@every 5m`,
	).Replace(sdBase)
	dir := writeFiles(t, map[string]string{"code/index.py": "x", "s.yaml": sdBase, "s-prod.yaml": prod})
	res, err := Convert(filepath.Join(dir, "s.yaml"), Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{"default", "prod"}, res.Environments)

	m := manifestOf(t, res)
	assert.Equal(t, map[string]any{
		"size": 128, "keep": "x", "extra": "y",
		"shop_web_memorySize": 128, "shop_web_tick_cronExpression": "@every 1m",
	}, m["vars"], "a var only in s-prod.yaml is declared for every environment")
	envs := m["environments"].(map[string]any)
	assert.Equal(t, map[string]any{"size": 512, "shop_web_memorySize": 512, "shop_web_tick_cronExpression": "@every 5m"}, envs["prod"].(map[string]any)["vars"])
	web := m["services"].(map[string]any)["shop"].(map[string]any)["functions"].(map[string]any)["web"].(map[string]any)
	assert.Equal(t, "${vars.shop_web_memorySize}", web["memorySize"])
	assert.Equal(t, 5, web["timeout"], "a value the files agree on stays as it is")

	var what []string
	for _, f := range res.Report {
		if filepath.Base(f.File) == "s-prod.yaml" && !strings.HasPrefix(f.What, "access") {
			what = append(what, f.What)
		}
	}
	assert.ElementsMatch(t, []string{
		"shop.functions.web.description differs in shape from the first file",
		"shop.functions.web.instanceConcurrency is only in s-prod.yaml",
		"shop.functions.web.caPort is only in s-prod.yaml",
		"shop.functions.web.environmentVariables is missing from s-prod.yaml",
		"shop.functions.web.triggers.http.config.methods differs in shape from the first file",
	}, what)
}

func TestAVarIsNamedByItsPathAndStartsWithALetter(t *testing.T) {
	assert.Equal(t, "shop_web_memorySize", varName([]string{"services", "shop", "functions", "web", "memorySize"}))
	assert.Equal(t, "shop_web_http_authType", varName([]string{"services", "shop", "functions", "web", "triggers", "http", "config", "authType"}))
	assert.Equal(t, "v_9s_x", varName([]string{"services", "9s", "x"}))
	assert.Equal(t, "v_0_a_b", varName([]string{"0", "a.b"}))
	assert.Equal(t, "a_b", varName([]string{"a-b"}))
	assert.Equal(t, "v_", varName([]string{"services"}))
}
