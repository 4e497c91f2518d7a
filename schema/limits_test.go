package schema

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/manifest"
)

// Schema and manifest problems together are capped like the manifest's own:
// 60 functions with a schema problem (an unknown key) and a manifest
// problem (memorySize) each make 120.
func TestValidateListsAtMostAHundredProblems(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("project: p\nservices:\n  s:\n    functions:\n")
	for i := range 60 {
		fmt.Fprintf(&b, "      f%02d: {runtime: python3, handler: index.handler, code: oss://b/o, memorySize: 100, typo: 1}\n", i)
	}
	diags := Validate("x/fcdeploy.yaml", []byte(b.String()), manifest.LoadOptions{LookupEnv: noEnv})
	require.Len(t, diags, manifest.MaxDiagnostics+1)
	assert.Equal(t, "20 more problems not shown; fix the ones above first", diags[manifest.MaxDiagnostics].Message)
	assert.Equal(t, 5, diags[0].Line, "sorted by position")
	assert.Equal(t, 5+49, diags[manifest.MaxDiagnostics-1].Line, "two problems a line: the 100th is on the 50th function")
}
