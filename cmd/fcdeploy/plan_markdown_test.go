package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAThreeHundredFunctionPlanFitsAPullRequestComment plans a project of
// 300 functions, each with a trigger and settings, from scratch: the
// Markdown must stay under the default budget and be well formed, as
// GitHub accepts comments of at most 65,536 characters.
func TestAThreeHundredFunctionPlanFitsAPullRequestComment(t *testing.T) {
	t.Setenv("FCDEPLOY_HOME", t.TempDir())
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "src"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "src", "index.py"), []byte("def handler(event, context):\n    return event\n"), 0o644))
	var m strings.Builder
	m.WriteString("project: big\nservices:\n  big:\n    description: A service with many functions\n    functions:\n")
	for i := range 300 {
		fmt.Fprintf(&m, `      fn%03d:
        runtime: python3
        handler: index.handler
        code: ./src
        memorySize: 256
        timeout: 30
        description: Function %d of a project big enough to need a byte budget for its plan.
        environmentVariables: {STAGE: staging, QUEUE: queue-%d}
        triggers:
          nightly: {type: timer, config: {cronExpression: "0 0 2 * * *", enable: true}}
`, i, i, i)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "fcdeploy.yaml"), []byte(m.String()), 0o644))

	code, md, errOut := runCLI(t, "plan", dir, "--format", "markdown")
	require.Equal(t, 0, code, errOut)
	assert.Less(t, len(md), 60_000)
	assert.Contains(t, md, "**Plan: 601 to create, 0 to update, 0 to delete, 0 versions to publish.**")
	assert.Contains(t, md, "> Not shown, to keep this comment under 60000 bytes: ")
	fences := 0
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "```") {
			fences++
		}
		if strings.HasPrefix(line, "|") {
			assert.True(t, strings.HasSuffix(line, "|"), "a cut table row: %q", line)
		}
	}
	assert.Zero(t, fences%2, "an open code fence")
	assert.Equal(t, strings.Count(md, "<details>"), strings.Count(md, "</details>"))
	t.Logf("300 functions: %d bytes of Markdown", len(md))
}
