package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/planner"
)

// budgetPlan updates two functions, each with a field diff, and deletes a
// trigger, which has none.
func budgetPlan() *planner.Plan {
	return &planner.Plan{Project: "shop", Target: target, Changes: []planner.Change{
		{
			Address: "function.shop/api", Kind: planner.KindFunction, Action: planner.ActionUpdate, Service: "shop", Function: "api",
			FieldChanges: []planner.FieldChange{{Path: "memorySize", Before: 128.0, After: 256.0}},
		},
		{
			Address: "function.shop/web", Kind: planner.KindFunction, Action: planner.ActionUpdate, Service: "shop", Function: "web",
			FieldChanges: []planner.FieldChange{{Path: "timeout", Before: 3.0, After: 30.0}},
		},
		{
			Address: "trigger.shop/api/old", Kind: planner.KindTrigger, Action: planner.ActionDelete, Service: "shop", Function: "api", Name: "old",
		},
	}}
}

// markdownWithRoom renders p leaving exactly room bytes for everything
// but the closing note.
func markdownWithRoom(t *testing.T, p *planner.Plan, room int) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, MarkdownWith(&buf, p, MarkdownOptions{MaxBytes: room + noteReserve}))
	return buf.String()
}

// wholeMarkdown renders p with room for all of it.
func wholeMarkdown(t *testing.T, p *planner.Plan) string {
	t.Helper()
	md := markdownWithRoom(t, p, 1<<20)
	require.NotContains(t, md, "[!NOTE]")
	return md
}

// notShown is the closing note of a comment limited to room bytes.
func notShown(room int, what string) string {
	return fmt.Sprintf("> [!NOTE]\n> Not shown, to keep this comment under %d bytes: %s.\n"+
		"> The full plan: save it with `fcdeploy plan --out plan.json` and read it with `fcdeploy show plan.json`\n", room+noteReserve, what)
}

func TestATableWhoseHeaderEndsExactlyAtTheBudgetIsLeftOutAndEveryChangeCounted(t *testing.T) {
	whole := wholeMarkdown(t, budgetPlan())
	const header = "| Action | Resource | Details |\n|---|---|---|\n"
	start := strings.Index(whole, header)
	require.Positive(t, start)

	room := start + len(header)
	assert.Equal(t, whole[:start]+notShown(room, "3 changes (2 update, 1 delete)"), markdownWithRoom(t, budgetPlan(), room))
}

func TestARowThatEndsTheBudgetExactlyIsShownAndOneByteLessLeavesItOut(t *testing.T) {
	whole := wholeMarkdown(t, budgetPlan())
	const row = "| 🔄 update | `function.shop/api` | memorySize |\n"
	end := strings.Index(whole, row) + len(row)
	require.Greater(t, end, len(row))

	// The row and the blank line closing the table fill the room.
	room := end + 1
	assert.Equal(t, whole[:end]+"\n"+notShown(room, "2 changes (1 update, 1 delete); the field diffs of 1 more change"),
		markdownWithRoom(t, budgetPlan(), room))

	// Without its first row the table goes whole: a header alone would
	// read as a plan without changes.
	md := markdownWithRoom(t, budgetPlan(), end)
	assert.NotContains(t, md, row)
	assert.NotContains(t, md, "| Action | Resource | Details |")
	assert.Contains(t, md, notShown(end, "3 changes (2 update, 1 delete)"))
}

func TestADetailsBlockThatEndsTheBudgetExactlyIsShown(t *testing.T) {
	whole := wholeMarkdown(t, budgetPlan())
	assert.Equal(t, whole, markdownWithRoom(t, budgetPlan(), len(whole)))
}

func TestDetailsThatDoNotFitAreCountedAloneWhenEveryRowIsShown(t *testing.T) {
	whole := wholeMarkdown(t, budgetPlan())
	first := strings.Index(whole, "<details><summary>🔄 update <code>function.shop/web</code>")
	require.Positive(t, first)

	room := len(whole) - 1
	assert.Equal(t, whole[:first]+notShown(room, "the field diffs of 1 more change"), markdownWithRoom(t, budgetPlan(), room))

	// Cut inside the first block: both blocks are counted, not the
	// deleted trigger, which has no field diffs.
	start := strings.Index(whole, "<details>")
	room = first - 1
	assert.Equal(t, whole[:start]+notShown(room, "the field diffs of 2 more changes"), markdownWithRoom(t, budgetPlan(), room))
}

func TestANotManagedListThatEndsTheBudgetExactlyIsShownAndOneByteLessIsCounted(t *testing.T) {
	p := &planner.Plan{Project: "shop", Target: target, NotManaged: []string{"alias.shop/beta", "function.shop/legacy"}}
	whole := wholeMarkdown(t, p)
	assert.Equal(t, whole, markdownWithRoom(t, p, len(whole)))

	start := strings.Index(whole, "<details>")
	require.Positive(t, start)
	room := len(whole) - 1
	assert.Equal(t, whole[:start]+notShown(room, "2 not managed resources"), markdownWithRoom(t, p, room))
}

func TestALongFullPlanTextIsTakenFromTheBudgetSoTheCommentStaysUnderIt(t *testing.T) {
	fullPlan := "the plan.json artifact of this workflow run, " + strings.Repeat("kept for 90 days, ", 30)
	var buf bytes.Buffer
	require.NoError(t, MarkdownWith(&buf, bigPlan(300), MarkdownOptions{MaxBytes: MinMarkdownMaxBytes, FullPlan: fullPlan}))
	assert.LessOrEqual(t, buf.Len(), MinMarkdownMaxBytes)
	assert.True(t, strings.HasSuffix(buf.String(), "> The full plan: "+fullPlan+"\n"))
	checkWellFormed(t, buf.String())
}

func TestTheTableShowsASizeChangeOnlyWhenThePreviousCodeHadBothSizeAndChecksum(t *testing.T) {
	cases := []struct {
		name string
		code planner.CodeChange
		want string
	}{
		{"both", planner.CodeChange{Upload: true, Before: "1", After: "2", BeforeSize: 2900, Size: 3100}, "code upload (3.1 kB, +200 B)"},
		{"a checksum without size (an old plan file)", planner.CodeChange{Upload: true, Before: "1", After: "2", Size: 3100}, "code upload (3.1 kB)"},
		{"a size without checksum", planner.CodeChange{Upload: true, After: "2", BeforeSize: 2900, Size: 3100}, "code upload (3.1 kB)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, markdownDetails(&planner.Change{Action: planner.ActionUpdate, Code: &tc.code}))
		})
	}
}

func TestMarkdownLeavesOutHomeWindowsAndNetworkSourcesButKeepsTheWorkingDirectory(t *testing.T) {
	for _, source := range []string{"~/src/api", `\\builder\share\api`, `C:\src\api`, "C:/src/api", "/srv/api"} {
		assert.Empty(t, markdownSource(source), source)
	}
	for _, source := range []string{".", "./api", "api", "a"} {
		assert.Equal(t, source, markdownSource(source))
	}
	c := &planner.CodeChange{Upload: true, After: "2", Size: 300, Source: "."}
	block := markdownDetailsBlock(&planner.Change{Address: "function.shop/api", Action: planner.ActionUpdate, Code: c})
	assert.Contains(t, block, "\n  code: 300 B from ., checksum 2 (upload)\n")
}
