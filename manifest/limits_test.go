package manifest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nestedIn returns a manifest whose top-level key x holds a value n lists
// deep: x: [[[...1...]]].
func nestedIn(n int) []byte {
	return []byte("project: p\nservices: {}\nx: " + strings.Repeat("[", n) + "1" + strings.Repeat("]", n) + "\n")
}

func depthMessages(t *testing.T, n int) []string {
	t.Helper()
	_, diags := LoadDiagnostics(DefaultFile, nestedIn(n), LoadOptions{LookupEnv: noEnv})
	var out []string
	for _, d := range diags {
		out = append(out, d.Message)
	}
	return out
}

func TestValuesNestedDeeperThanTheLimitAreRefused(t *testing.T) {
	t.Parallel()
	tooDeep := fmt.Sprintf("values are nested more than %d levels deep", MaxDepth)
	// The document root is a mapping and x is in it, so x's lists start
	// one level down: MaxDepth-1 lists still fit.
	assert.NotContains(t, depthMessages(t, MaxDepth-1), tooDeep)
	got := depthMessages(t, MaxDepth)
	require.Contains(t, got, tooDeep)
	assert.Len(t, got, 1, "the limit stops the load; nothing else is reported about the deep value")

	// Aliases count the depth they expand to, not the depth they are written at.
	var b strings.Builder
	b.WriteString("project: p\nservices: {}\nd: &deep " + strings.Repeat("[", MaxDepth-1) + "1" + strings.Repeat("]", MaxDepth-1) + "\n")
	b.WriteString("x: [*deep]\n")
	_, diags := LoadDiagnostics(DefaultFile, []byte(b.String()), LoadOptions{LookupEnv: noEnv})
	require.Len(t, diags, 1)
	assert.Equal(t, tooDeep, diags[0].Message)
}

// manyProblems has n functions with one problem each (memorySize: 100).
func manyProblems(n int) []byte {
	var b strings.Builder
	b.WriteString("project: p\nservices:\n  s:\n    functions:\n")
	for i := range n {
		fmt.Fprintf(&b, "      f%03d: {runtime: python3, handler: index.handler, code: oss://b/o, memorySize: 100}\n", i)
	}
	return []byte(b.String())
}

func TestAtMostAHundredProblemsAreListed(t *testing.T) {
	t.Parallel()
	_, diags := LoadDiagnostics(DefaultFile, manyProblems(MaxDiagnostics), LoadOptions{LookupEnv: noEnv})
	require.Len(t, diags, MaxDiagnostics, "exactly the limit: all listed, no summary line")
	assert.Equal(t, "services.s.functions.f099.memorySize", diags[MaxDiagnostics-1].Path)

	_, diags = LoadDiagnostics(DefaultFile, manyProblems(MaxDiagnostics+23), LoadOptions{LookupEnv: noEnv})
	require.Len(t, diags, MaxDiagnostics+1)
	for i, d := range diags[:MaxDiagnostics] {
		assert.Equal(t, fmt.Sprintf("services.s.functions.f%03d.memorySize", i), d.Path, "the first problems in file order")
	}
	last := diags[MaxDiagnostics]
	assert.Equal(t, "23 more problems not shown; fix the ones above first", last.Message)
	assert.Equal(t, DefaultFile, last.File)
}
