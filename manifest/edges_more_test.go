package manifest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func fn(body string) string {
	return "project: demo\nservices:\n  shop:\n    functions:\n      api:\n" + body
}

func TestACustomContainerFunctionNeedsItsImage(t *testing.T) {
	diags := diagnostics(t, fn("        runtime: custom-container\n        handler: index.handler\n"), LoadOptions{})
	require.Len(t, diags, 1)
	assert.Contains(t, diags[0], `missing required field "customContainerConfig"`)
	p := load(t, fn("        runtime: custom-container\n        handler: index.handler\n        customContainerConfig: {image: registry.example.com/shop/api:1}\n"), LoadOptions{})
	assert.Equal(t, CodeImage, p.Services[0].Functions[0].Code.Kind)
}

func TestARuntimeOfNoKnownLanguageListsEveryRuntime(t *testing.T) {
	diags := diagnostics(t, fn("        runtime: cobol9\n        handler: index.handler\n        code: ./src\n"), LoadOptions{})
	require.Len(t, diags, 1)
	assert.Contains(t, diags[0], `"cobol9" is not one of: `+strings.Join(fc.Runtimes, ", "))
}

func TestATriggerTypeFarFromAnyListsThemAll(t *testing.T) {
	diags := diagnostics(t, fn("        runtime: python3\n        handler: index.handler\n        code: ./src\n        triggers:\n          t: {type: zzzzzzzz, config: {}}\n"), LoadOptions{})
	require.NotEmpty(t, diags)
	assert.Contains(t, diags[0], `"zzzzzzzz" is not one of: `+strings.Join(fc.TriggerTypes, ", "))
	assert.NotContains(t, diags[0], "did you mean")
}

func TestACodePathThatCannotBeReadIsNotCalledMissing(t *testing.T) {
	// A path through a file: stat fails, but not with "does not exist".
	diags := diagnostics(t, fn("        runtime: python3\n        handler: index.handler\n        code: ./src/index.py/x\n"), LoadOptions{})
	require.Len(t, diags, 1)
	assert.NotContains(t, diags[0], "does not exist")
	assert.Contains(t, diags[0], `"./src/index.py/x": `)
}

func TestACommandRecipesOutputMustStayInsideTheCodeDirectory(t *testing.T) {
	for _, out := range []string{"/abs", ".", "..", "../up", "a/../.."} {
		body := fmt.Sprintf("        runtime: python3\n        handler: index.handler\n        code: ./src\n        build: {recipe: command, command: make, output: %q}\n", out)
		diags := diagnostics(t, fn(body), LoadOptions{})
		require.Len(t, diags, 1, out)
		assert.Contains(t, diags[0], "must be a directory inside the code directory", out)
	}
	load(t, fn("        runtime: python3\n        handler: index.handler\n        code: ./src\n        build: {recipe: command, command: make, output: dist}\n"), LoadOptions{})
}

func TestAProjectFindsItsLayersByName(t *testing.T) {
	p := &Project{Layers: []Layer{{Name: "deps"}, {Name: "mylib"}}}
	require.NotNil(t, p.Layer("mylib"))
	assert.Equal(t, "mylib", p.Layer("mylib").Name)
	assert.Nil(t, p.Layer("other"))
}

func TestAServiceMayHaveAllButOneOfItsTagsBesidesFcdeploysOwn(t *testing.T) {
	tags := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "      t%d: v\n", i)
		}
		return b.String()
	}
	base := "project: demo\nservices:\n  shop:\n    tags:\n%s    functions:\n      api: {runtime: python3, handler: index.handler, code: ./src}\n"
	load(t, fmt.Sprintf(base, tags(fc.MaxTagsPerService-1)), LoadOptions{})
	diags := diagnostics(t, fmt.Sprintf(base, tags(fc.MaxTagsPerService)), LoadOptions{})
	require.Len(t, diags, 1)
	assert.Contains(t, diags[0], fmt.Sprintf("has %d tags; at most %d are allowed", fc.MaxTagsPerService, fc.MaxTagsPerService-1))
}
