package render

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/applier"
	"github.com/fcdeploy/fcdeploy/planner"
)

func TestAnElapsedTimeOfATenthIsShownInSecondsAndJustBelowInMilliseconds(t *testing.T) {
	for elapsed, want := range map[time.Duration]string{
		100 * time.Millisecond: "function.shop/api: updated in 0.1s\n",
		99 * time.Millisecond:  "function.shop/api: updated in 99ms\n",
	} {
		var buf bytes.Buffer
		require.NoError(t, Event(&buf, applier.Event{Address: "function.shop/api", Outcome: applier.Updated, Phase: applier.PhaseDone, Elapsed: elapsed}, TextOptions{}))
		assert.Equal(t, want, buf.String())
	}
}

func TestProblemsWithoutConflictsStartWithTheFailuresNotABlankLine(t *testing.T) {
	r := &applier.Result{Steps: []applier.StepResult{
		{Address: "trigger.shop/api/web", Action: applier.Failed, Err: errors.New("trigger shop/api/web: InvalidArgument (HTTP 400): bad methods")},
		{Address: "version.shop", Action: applier.Skipped},
	}}
	var buf bytes.Buffer
	require.NoError(t, ApplyProblems(&buf, r, TextOptions{}))
	assert.Equal(t, "Failed:\n"+
		"  trigger shop/api/web: InvalidArgument (HTTP 400): bad methods\n"+
		"\n"+
		"1 step skipped (they depend on a step that did not succeed, or the apply was interrupted):\n"+
		"  version.shop\n", buf.String())

	buf.Reset()
	require.NoError(t, ApplyProblems(&buf, &applier.Result{Steps: r.Steps[1:]}, TextOptions{}))
	assert.Equal(t, "1 step skipped (they depend on a step that did not succeed, or the apply was interrupted):\n"+
		"  version.shop\n", buf.String())
}

func TestChangedFilesAllListedWithTheirDiffsSayNothingWasLeftOut(t *testing.T) {
	files := &planner.CodeFiles{Added: 1, Files: []planner.FileChange{
		{Path: "new.txt", Change: planner.FileAdded, AfterSize: 4, Diff: "@@ -0,0 +1,1 @@\n+hi\n"},
	}}
	assert.Equal(t, []string{
		"files: 1 added, 0 modified, 0 removed",
		"  added    new.txt (4 B)",
		"@@ -0,0 +1,1 @@",
		"+hi",
	}, codeFileLines(files))

	files.Omitted, files.DiffsOmitted = 1, 1
	assert.Equal(t, []string{
		"files: 1 added, 0 modified, 0 removed",
		"  added    new.txt (4 B)",
		"@@ -0,0 +1,1 @@",
		"+hi",
		"  … 1 more changed files not listed (the plan's diff budget is spent)",
		"  … the diffs of 1 listed files left out (the plan's diff budget is spent)",
	}, codeFileLines(files))
}
