package schema

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/fcdeploy/fcdeploy/manifest"
)

func TestTheSchemaAndTheLoaderKnowTheSameBuildFields(t *testing.T) {
	t.Parallel()
	for ptr, fields := range map[string][]string{
		"/definitions/build":                    manifest.BuildFields,
		"/definitions/build/properties/options": manifest.BuildOptionsFields,
	} {
		s := at(t, ptr)
		assert.Equal(t, false, s["additionalProperties"], "%s must refuse unknown fields", ptr)
		assert.Equal(t, slices.Sorted(slices.Values(fields)), slices.Sorted(maps.Keys(s["properties"].(map[string]any))), ptr)
	}
	assert.Equal(t, manifest.BuildRecipes, strs(at(t, "/definitions/build/properties/recipe")["enum"]))
}

func TestTheSchemaAcceptsEachFormOfBuildAndNamesAWrongField(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"build: auto", "build: true", "build: false", "build: {}", "build: {recipe: command, command: make, inputs: [src], output: dist}", "build: {options: {findLinks: [w], noIndex: true}}"} {
		assert.Empty(t, check(t, minimal+"        "+ok+"\n"), ok)
	}
	assert.Equal(t, []string{
		`fcdeploy.yaml:9:17: services.svc.functions.fn.build.recip: unknown field "recip"; did you mean "recipe"?`,
	}, check(t, minimal+"        build: {recip: go}\n"))
	got := check(t, minimal+"        build: {recipe: rust}\n")
	if assert.Len(t, got, 1) {
		assert.True(t, strings.HasSuffix(got[0], `build.recipe: "rust" is not one of: python, nodejs, go, command`), got[0])
	}
}
