package render

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/planner"
)

func codePlan(files *planner.CodeFiles) *planner.Plan {
	return &planner.Plan{Project: "shop", Changes: []planner.Change{{
		Address: "function.shop/api", Kind: planner.KindFunction, Action: planner.ActionUpdate, Service: "shop", Function: "api",
		Code: &planner.CodeChange{Upload: true, Before: "1", After: "2", Size: 300, BeforeSize: 200, Files: files},
	}}}
}

func TestAMarkdownPlanShowsChangedFilesAndTheirDiffInADiffBlock(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Markdown(&b, codePlan(&planner.CodeFiles{
		Added: 1, Modified: 1, Omitted: 3, DiffsOmitted: 1,
		Files: []planner.FileChange{
			{Path: "new.txt", Change: planner.FileAdded, AfterSize: 4},
			{Path: "index.py", Change: planner.FileModified, BeforeSize: 10, AfterSize: 12, ModeChange: "executable", Diff: "@@ -1,1 +1,1 @@\n-old\n+new\n"},
		},
	})))
	out := b.String()
	assert.Contains(t, out, "```diff\n")
	assert.Contains(t, out, "  files: 1 added, 1 modified, 0 removed\n")
	assert.Contains(t, out, "  added    new.txt (4 B)\n")
	assert.Contains(t, out, "  modified index.py (10 B -> 12 B), now executable\n@@ -1,1 +1,1 @@\n-old\n+new\n")
	assert.Contains(t, out, "… 3 more changed files not listed")
	assert.Contains(t, out, "… the diffs of 1 listed files left out")
}

func TestATextPlanSaysWhyCodeWasNotCompared(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Text(&b, codePlan(&planner.CodeFiles{NotCompared: "the live code could not be read: AccessDenied"}), TextOptions{}))
	assert.Contains(t, b.String(), "files: not compared (the live code could not be read: AccessDenied)")
}
