package schema

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"gopkg.in/yaml.v3"

	"github.com/fcdeploy/fcdeploy/manifest"
)

func messages(t *testing.T, doc string) string {
	t.Helper()
	var out []string
	for _, d := range Validate("x/fcdeploy.yaml", []byte(doc), manifest.LoadOptions{LookupEnv: noEnv}) {
		out = append(out, d.String())
	}
	return strings.Join(out, "\n")
}

func TestEveryMissingAndEveryUnknownFieldOfOneMappingIsReported(t *testing.T) {
	got := messages(t, "services: {}\ncolour: red\nflavour: mint\n")
	for _, want := range []string{
		`missing required field "project"`,
		`unknown field "colour"`,
		`unknown field "flavour"`,
	} {
		assert.Contains(t, got, want)
	}
	got = messages(t, "project: p\nservices:\n  s:\n    logConfig: {}\n")
	assert.Contains(t, got, `missing required field "project"`, "inside logConfig too")
	assert.Contains(t, got, `missing required field "logstore"`)
}

func TestAValueOfFortyCharactersIsQuotedWholeAndALongerOneIsCut(t *testing.T) {
	forty := strings.Repeat("a", 40)
	assert.Equal(t, `"`+forty+`"`, describe(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: forty}))
	assert.Equal(t, `"`+forty+`…"`, describe(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: forty + "b"}))
}
