package manifest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

const locateDoc = `project: shop
services:
  shop:
    functions:
      api: {runtime: python3, handler: index.handler, code: ./src}
    aliases: [live, next]
`

// Locate is how schema errors find their file:line:col.
func TestLocateFindsKeysAndListItemsAndSaysWhenAPathIsNotThere(t *testing.T) {
	doc, diags := Parse("m.yaml", []byte(locateDoc))
	require.Empty(t, diags)

	key, value, ok := doc.Locate([]string{"services", "shop", "functions", "api", "handler"})
	require.True(t, ok)
	assert.Equal(t, "handler", key.Value)
	assert.Equal(t, "index.handler", value.Value)
	assert.Equal(t, 5, value.Line)

	for i, want := range []string{"live", "next"} {
		key, value, ok := doc.Locate([]string{"services", "shop", "aliases", strconv.Itoa(i)})
		require.True(t, ok, want)
		assert.Nil(t, key, "a list item has no key")
		assert.Equal(t, want, value.Value)
	}

	key, value, ok = doc.Locate(nil)
	assert.True(t, ok)
	assert.Nil(t, key)
	assert.Equal(t, yaml.MappingNode, value.Kind, "the root")

	for _, missing := range [][]string{
		{"services", "shop", "aliases", "2"},
		{"services", "shop", "aliases", "-1"},
		{"services", "shop", "aliases", "first"},
		{"services", "billing"},
		{"project", "name"},
	} {
		_, _, ok := doc.Locate(missing)
		assert.False(t, ok, "%v", missing)
	}
	key, value, ok = doc.Locate([]string{"services", "shop", "timeout"})
	assert.False(t, ok)
	assert.Equal(t, "shop", key.Value, "the deepest key found")
	assert.Equal(t, yaml.MappingNode, value.Kind)
}

func TestAPositionWithoutALineIsTheFileAlone(t *testing.T) {
	assert.Equal(t, "m.yaml", Pos{File: "m.yaml"}.String())
	assert.Equal(t, "m.yaml:3:7", Pos{File: "m.yaml", Line: 3, Col: 7}.String())
}

func TestAMergeOfSeveralMappingsTakesTheFirstValueOfEachKey(t *testing.T) {
	doc, diags := Parse("m.yaml", []byte("a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  <<: [*a, *b]\n  w: 0\n"))
	require.Empty(t, diags)
	_, c, ok := doc.Locate([]string{"c"})
	require.True(t, ok)
	v, err := Value(c)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"w": json.Number("0"), "x": json.Number("1"), "y": json.Number("1"), "z": json.Number("2")}, v)
}

func TestIntegersUpToTheLargestUnsignedOneAreKept(t *testing.T) {
	v, err := Value(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "18446744073709551615"})
	require.NoError(t, err)
	assert.Equal(t, json.Number("18446744073709551615"), v)
	_, err = Value(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "18446744073709551616"})
	assert.ErrorContains(t, err, "too large")
}

// Document.Load is the schema package's way in: it resolves ${env.*} with
// the given lookup, or the process environment when none is given.
func TestALoadedDocumentReadsTheProcessEnvironmentOnlyWithoutALookup(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "src"), 0o755))
	src := []byte("project: shop\nservices:\n  shop:\n    description: ${env.FCDEPLOY_TEST_DESC}\n    functions:\n      api: {runtime: python3, handler: index.handler, code: ./src}\n")
	t.Setenv("FCDEPLOY_TEST_DESC", "from the process")

	doc, _ := Parse(filepath.Join(dir, "fcdeploy.yaml"), src)
	p, diags := doc.Load(LoadOptions{})
	require.Empty(t, diags)
	assert.Equal(t, "from the process", *p.Services[0].Spec.Description)

	doc, _ = Parse(filepath.Join(dir, "fcdeploy.yaml"), src)
	p, diags = doc.Load(LoadOptions{LookupEnv: func(string) (string, bool) { return "given", true }})
	require.Empty(t, diags)
	assert.Equal(t, "given", *p.Services[0].Spec.Description)
}

func TestAnUnknownEnvironmentOfAManifestWithoutEnvironmentsSaysSo(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "src"), 0o755))
	doc, _ := Parse(filepath.Join(dir, "fcdeploy.yaml"), []byte("project: shop\nservices:\n  shop:\n    functions:\n      api: {runtime: python3, handler: index.handler, code: ./src}\n"))
	_, diags := doc.Load(LoadOptions{Env: "prod", LookupEnv: noEnv})
	require.NotEmpty(t, diags)
	assert.Contains(t, diags[0].Message, `unknown environment "prod"; this manifest defines no environments`)
}
