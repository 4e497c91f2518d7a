package manifest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNoIndexTakesOnlyABoolean(t *testing.T) {
	got := strings.Join(diagnostics(t, buildBase+"        build: {recipe: python, options: {noIndex: \"yes\"}}\n", LoadOptions{}), "\n")
	assert.Contains(t, got, `options.noIndex: must be true or false, not "yes"`)
}

func TestBuildInputsMustBeNonEmptyStrings(t *testing.T) {
	got := strings.Join(diagnostics(t, buildBase+"        build: {recipe: command, command: make, output: dist, inputs: [~, \"\", ok]}\n", LoadOptions{}), "\n")
	assert.Contains(t, got, "inputs.0: must be a non-empty string, not an empty value")
	assert.Contains(t, got, `inputs.1: must be a non-empty string, not ""`)
	assert.NotContains(t, got, "inputs.2")
}
