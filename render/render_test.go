package render

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/applier"
	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/planner"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func ptr[T any](v T) *T { return &v }

// golden compares got with testdata/NAME.golden, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./render -update to create it")
	assert.Equal(t, string(want), string(got), "differs from %s (rerun with -update and review the diff)", path)
}

var target = planner.Target{Endpoint: "http://127.0.0.1:9000", AccountID: "111111", Region: "cn-hangzhou", Env: "staging"}

// fullPlan has every kind of change the renderers must show.
func fullPlan() *planner.Plan {
	return &planner.Plan{
		FormatVersion: planner.FormatVersion,
		Project:       "shop",
		Target:        target,
		CreatedAt:     time.Date(2026, 11, 27, 1, 2, 3, 0, time.UTC),
		Fingerprint:   "sha256:0a1b2c",
		NoOps:         4,
		NotManaged:    []string{"alias.shop/beta", "function.shop/legacy"},
		Changes: []planner.Change{
			{
				Address: "service.orders", Kind: planner.KindService, Action: planner.ActionCreate, Service: "orders",
				FieldChanges: []planner.FieldChange{
					{Path: "description", After: "Order processing"},
					{Path: "internetAccess", After: true},
				},
				ServiceInput: &fc.ServiceInput{ServiceName: "orders", Description: ptr("Order processing"), InternetAccess: ptr(true)},
			},
			{
				Address: "function.orders/worker", Kind: planner.KindFunction, Action: planner.ActionCreate,
				Service: "orders", Function: "worker", DependsOn: []string{"service.orders"},
				FieldChanges: []planner.FieldChange{
					{Path: "runtime", After: "python3"},
					{Path: "handler", After: "main.handler"},
					{Path: "memorySize", After: 128.0},
					{Path: "environmentVariables.QUEUE_TOKEN", After: "s3cr3t-token", Sensitive: true},
				},
				Code:          &planner.CodeChange{Upload: true, After: "456", Size: 3100, Source: "./functions/worker"},
				FunctionInput: &fc.FunctionInput{FunctionName: "worker", EnvironmentVariables: map[string]string{"QUEUE_TOKEN": "s3cr3t-token"}},
				Sensitive:     []string{"QUEUE_TOKEN"},
			},
			{
				Address: "function.shop/checkout", Kind: planner.KindFunction, Action: planner.ActionUpdate,
				Service: "shop", Function: "checkout", ETag: "e-checkout",
				FieldChanges: []planner.FieldChange{
					{Path: "description", Before: "Checkout: takes the basket, charges the card and writes the order.", After: "Checkout: takes the basket, charges the card, writes the order\nand sends the receipt."},
					{Path: "memorySize", Before: 256.0, After: 512.0},
					{Path: "environmentVariables.DB_PASSWORD", Before: "hunter2", After: "correct horse", Sensitive: true},
					{Path: "environmentVariables.DEBUG", Before: "1"},
					{Path: "environmentVariables.REGION", After: "cn-hangzhou"},
				},
				Code:          &planner.CodeChange{Upload: true, Before: "11051210869376104954", After: "4567012345678901234", Size: 3100, BeforeSize: 2900, Source: "./functions/checkout"},
				FunctionInput: &fc.FunctionInput{FunctionName: "checkout", EnvironmentVariables: map[string]string{"DB_PASSWORD": "correct horse"}},
				Sensitive:     []string{"DB_PASSWORD"},
			},
			{
				Address: "function.shop/api", Kind: planner.KindFunction, Action: planner.ActionUpdate,
				Service: "shop", Function: "api", ETag: "e-api",
				FieldChanges: []planner.FieldChange{{Path: "timeout", Before: 3.0, After: 30.0}},
				Code:         &planner.CodeChange{Before: "789", After: "789", Size: 1200},
			},
			{
				Address: "trigger.shop/api/web", Kind: planner.KindTrigger, Action: planner.ActionReplace,
				Service: "shop", Function: "api", Name: "web", ETag: "e-web", Reason: "triggerType cannot change in place",
				FieldChanges: []planner.FieldChange{
					{Path: "triggerType", Before: "timer", After: "http"},
					{Path: "triggerConfig.methods", Before: nil, After: []any{"GET", "POST"}},
				},
			},
			{
				Address: "trigger.shop/legacy/old", Kind: planner.KindTrigger, Action: planner.ActionDelete,
				Service: "shop", Function: "legacy", Name: "old", ETag: "e-old",
			},
			{
				Address: "version.shop", Kind: planner.KindVersion, Action: planner.ActionPublish, Service: "shop",
				Reason: "function checkout differs from version 3", DependsOn: []string{"function.shop/checkout"},
			},
			{
				Address: "alias.shop/live", Kind: planner.KindAlias, Action: planner.ActionUpdate, Service: "shop", Name: "live",
				ETag: "e-live", AliasToPublished: true, DependsOn: []string{"version.shop"},
				FieldChanges: []planner.FieldChange{{Path: "versionId", Before: "3", AfterUnknown: true}},
			},
		},
	}
}

func emptyPlan() *planner.Plan {
	return &planner.Plan{
		FormatVersion: planner.FormatVersion, Project: "shop", Target: target, NoOps: 7,
		CreatedAt: time.Date(2026, 11, 27, 1, 2, 3, 0, time.UTC), Changes: []planner.Change{},
	}
}

func TestTextRendersEveryKindOfChange(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Text(&buf, fullPlan(), TextOptions{}))
	golden(t, "plan_full.txt", buf.Bytes())

	out := buf.String()
	assert.Contains(t, out, "Plan: 3 to create, 3 to update, 2 to delete, 1 version to publish.", "a replace counts as a create and a delete")
	assert.Contains(t, out, "code: 2.9 kB -> 3.1 kB (+200 B) from ./functions/checkout, checksum 11051210… -> 45670123… (upload)",
		"code changes show short checksums and the size change")
	assert.Contains(t, out, "code: unchanged")
	assert.NotContains(t, out, "\x1b[", "no colour unless asked")
}

func TestTextNeverShowsSensitiveValues(t *testing.T) {
	for _, color := range []bool{false, true} {
		var buf bytes.Buffer
		require.NoError(t, Text(&buf, fullPlan(), TextOptions{Color: color}))
		out := buf.String()
		for _, secret := range []string{"hunter2", "correct horse", "s3cr3t-token"} {
			assert.NotContains(t, out, secret)
		}
		assert.Contains(t, out, "environmentVariables.DB_PASSWORD = (sensitive) -> (sensitive)")
	}
}

func TestTextWithColorUsesANSI(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Text(&buf, fullPlan(), TextOptions{Color: true}))
	golden(t, "plan_full_color.txt", buf.Bytes())
	assert.Contains(t, buf.String(), "\x1b[32m+\x1b[0m")
}

func TestTextOfAnEmptyPlanSaysNoChanges(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Text(&buf, emptyPlan(), TextOptions{}))
	golden(t, "plan_empty.txt", buf.Bytes())
	assert.Contains(t, buf.String(), "No changes.")
	assert.NotContains(t, buf.String(), "Plan:")
}

func TestMarkdownIsAPullRequestComment(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Markdown(&buf, fullPlan()))
	golden(t, "plan_full.md", buf.Bytes())
	out := buf.String()
	assert.Contains(t, out, "> [!WARNING]")
	assert.Contains(t, out, "| Action | Resource | Details |")
	assert.Contains(t, out, "<details><summary>🔄 update <code>function.shop/checkout</code></summary>")
	assert.Contains(t, out, "```diff\n")
	for _, secret := range []string{"hunter2", "correct horse", "s3cr3t-token"} {
		assert.NotContains(t, out, secret)
	}
}

func TestMarkdownWithoutDeletionsHasNoWarning(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Markdown(&buf, emptyPlan()))
	golden(t, "plan_empty.md", buf.Bytes())
	assert.NotContains(t, buf.String(), "WARNING")
	assert.Contains(t, buf.String(), "**No changes.**")
}

func TestJSONIsThePlanFileWithSecretsMarkedAndLeftOut(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, JSON(&buf, fullPlan()))
	golden(t, "plan_full.json", buf.Bytes())
	for _, secret := range []string{"hunter2", "correct horse", "s3cr3t-token"} {
		assert.NotContains(t, buf.String(), secret)
	}
	back, err := planner.ReadPlan(&buf)
	require.NoError(t, err)
	assert.Len(t, back.Changes, len(fullPlan().Changes))

	// Read back, it renders the same text.
	var a, b bytes.Buffer
	require.NoError(t, Text(&a, fullPlan(), TextOptions{}))
	require.NoError(t, Text(&b, back, TextOptions{}))
	assert.Equal(t, a.String(), b.String())
}

func applyResult() *applier.Result {
	return &applier.Result{
		Steps: []applier.StepResult{
			{Address: "service.orders", Action: applier.Created},
			{Address: "function.orders/worker", Action: applier.Created},
			{Address: "function.shop/checkout", Action: applier.Conflict, Err: errors.New("function shop/checkout: changed since the plan was made (PreconditionFailed (HTTP 412): etag mismatch): run plan again")},
			{Address: "function.shop/api", Action: applier.Updated},
			{Address: "trigger.shop/api/web", Action: applier.Failed, Err: errors.New("trigger shop/api/web: replace: InvalidArgument (HTTP 400): bad methods")},
			{Address: "version.shop", Action: applier.Skipped},
			{Address: "alias.shop/live", Action: applier.Skipped},
		},
		Conflicts: []string{"function.shop/checkout"},
		Published: map[string]string{"orders": "1"},
		Summary:   applier.Summary{Created: 2, Updated: 1, Published: 1, Conflicts: 1, Failed: 1, Skipped: 2},
		Duration:  1420 * time.Millisecond,
	}
}

func TestApplyResultSummarisesTheRun(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, ApplyResult(&buf, applyResult(), TextOptions{}))
	golden(t, "apply_result.txt", buf.Bytes())
	assert.Contains(t, buf.String(), "2 created, 1 updated, 1 version published, 0 deleted in 1.4s.")

	buf.Reset()
	ok := &applier.Result{Summary: applier.Summary{Created: 3, Updated: 2, Published: 1}, Duration: 1400 * time.Millisecond}
	require.NoError(t, ApplyResult(&buf, ok, TextOptions{}))
	assert.Equal(t, "Apply complete: 3 created, 2 updated, 1 version published, 0 deleted in 1.4s.\n", buf.String())
}

func TestEventLinesNameTheResourceAndTheElapsedTime(t *testing.T) {
	cases := []struct {
		name  string
		event applier.Event
		want  string
	}{
		{"a start", applier.Event{Address: "function.shop/api", Action: planner.ActionUpdate, Phase: applier.PhaseStart}, "function.shop/api: update...\n"},
		{"a success", applier.Event{Address: "function.shop/api", Outcome: applier.Updated, Phase: applier.PhaseDone, Elapsed: 230 * time.Millisecond}, "function.shop/api: updated in 0.2s\n"},
		{"a quick success", applier.Event{Address: "alias.shop/live", Outcome: applier.Created, Phase: applier.PhaseDone, Elapsed: 12 * time.Millisecond}, "alias.shop/live: created in 12ms\n"},
		{"a failure, its error kept for the summary", applier.Event{Address: "function.shop/api", Outcome: applier.Conflict, Phase: applier.PhaseFailed, Elapsed: time.Second, Err: errors.New("changed\nsince")}, "function.shop/api: conflict after 1.0s\n"},
		{"a skip, its reason once", applier.Event{Address: "version.shop", Phase: applier.PhaseSkipped, Err: &applier.SkippedError{Subject: "version of shop", Cause: "function.shop/api did not succeed"}}, "version.shop: skipped: function.shop/api did not succeed\n"},
		{"a skip of another error", applier.Event{Address: "version.shop", Phase: applier.PhaseSkipped, Err: errors.New("gone\naway")}, "version.shop: skipped: gone away\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, Event(&buf, tc.event, TextOptions{}))
			assert.Equal(t, tc.want, buf.String())
		})
	}
}

func TestLongStringsAreShownAsLineDiffs(t *testing.T) {
	got := lineDiff("one\ntwo\nthree", "one\n2\nthree")
	assert.Equal(t, []string{"  one", "- two", "+ 2", "  three"}, got)
	assert.True(t, isLong(strings.Repeat("x", 61)))
	assert.False(t, isLong(strings.Repeat("x", 60)))
}

func TestSizesUseSIUnits(t *testing.T) {
	assert.Equal(t, "512 B", size(512))
	assert.Equal(t, "3.1 kB", size(3100))
	assert.Equal(t, "12.4 MB", size(12_400_000))
}

func TestCodeChangesShowShortChecksumsAndTheSizeChange(t *testing.T) {
	grow := &planner.CodeChange{Upload: true, Before: "11051210869376104954", After: "4567012345678901234", Size: 3100, BeforeSize: 2900}
	assert.Equal(t, "code: 2.9 kB -> 3.1 kB (+200 B), checksum 11051210… -> 45670123… (upload)", codeLine(grow))
	shrink := &planner.CodeChange{Upload: true, Before: "1", After: "2", Size: 1000, BeforeSize: 2500}
	assert.Equal(t, "code: 2.5 kB -> 1.0 kB (-1.5 kB), checksum 1 -> 2 (upload)", codeLine(shrink))
	// A plan file written before sizes were recorded shows the new size only.
	old := &planner.CodeChange{Upload: true, Before: "1", After: "2", Size: 1000}
	assert.Equal(t, "code: 1.0 kB, checksum 1 -> 2 (upload)", codeLine(old))
}

// bigPlan updates n functions, each with field and code changes, and
// deletes one trigger.
func bigPlan(n int) *planner.Plan {
	p := &planner.Plan{FormatVersion: planner.FormatVersion, Project: "big", Target: target}
	for i := range n {
		fn := fmt.Sprintf("fn%03d", i)
		p.Changes = append(p.Changes, planner.Change{
			Address: "function.big/" + fn, Kind: planner.KindFunction, Action: planner.ActionUpdate,
			Service: "big", Function: fn, ETag: "e",
			FieldChanges: []planner.FieldChange{
				{Path: "description", Before: strings.Repeat("old words ", 10), After: strings.Repeat("new words ", 12)},
				{Path: "memorySize", Before: 128.0, After: 256.0},
				{Path: "environmentVariables.STAGE", Before: "staging", After: "prod"},
			},
			Code: &planner.CodeChange{Upload: true, Before: "11051210869376104954", After: "4567012345678901234", Size: 3100, BeforeSize: 2900, Source: "./functions/" + fn},
		})
	}
	p.Changes = append(p.Changes, planner.Change{
		Address: "trigger.big/fn000/old", Kind: planner.KindTrigger, Action: planner.ActionDelete,
		Service: "big", Function: "fn000", Name: "old", ETag: "e",
	})
	for i := range 40 {
		p.NotManaged = append(p.NotManaged, fmt.Sprintf("function.big/stray%02d", i))
	}
	return p
}

// checkWellFormed fails unless every code fence and <details> block is
// closed and every table row is whole.
func checkWellFormed(t *testing.T, md string) {
	t.Helper()
	fences := 0
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "```") {
			fences++
		}
		if strings.HasPrefix(line, "|") {
			assert.True(t, strings.HasSuffix(line, "|"), "a table row is cut: %q", line)
		}
	}
	assert.Zero(t, fences%2, "a code fence is left open")
	assert.Equal(t, strings.Count(md, "<details>"), strings.Count(md, "</details>"), "a <details> block is left open")
	assert.True(t, utf8.ValidString(md), "a character is cut")
}

func TestMarkdownOfA300FunctionPlanFitsAPullRequestComment(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, MarkdownWith(&buf, bigPlan(300), MarkdownOptions{FullPlan: "the plan.json artifact of this workflow run (`fcdeploy show plan.json`)"}))
	md := buf.String()
	assert.Less(t, len(md), DefaultMarkdownMaxBytes)
	checkWellFormed(t, md)

	// Summary and table come first; the deletion is listed loudly.
	assert.True(t, strings.HasPrefix(md, "### fcdeploy plan for `big`"))
	assert.Contains(t, md, "**Plan: 0 to create, 300 to update, 1 to delete, 0 versions to publish.**")
	assert.Contains(t, md, "> - `trigger.big/fn000/old`")
	assert.Less(t, strings.Index(md, "| Action |"), strings.Index(md, "<details>"))

	// What does not fit is counted, and the note says where the rest is.
	rows := strings.Count(md, "\n| 🔄 update |") + strings.Count(md, "\n| ❌ delete |")
	note := md[strings.Index(md, "> [!NOTE]"):]
	assert.Contains(t, note, "the plan.json artifact of this workflow run")
	if rows < 301 {
		assert.Contains(t, note, fmt.Sprintf("%d changes (", 301-rows), "every change is either a row or counted")
	}
	assert.Contains(t, note, "the field diffs of")
	assert.Contains(t, note, "40 not managed resources")
	assert.True(t, strings.HasSuffix(md, "\n"))
}

func TestMarkdownStaysWithinASmallBudget(t *testing.T) {
	for _, limit := range []int{MinMarkdownMaxBytes, 5_000, 20_000} {
		var buf bytes.Buffer
		require.NoError(t, MarkdownWith(&buf, bigPlan(300), MarkdownOptions{MaxBytes: limit}))
		assert.LessOrEqual(t, buf.Len(), limit, "budget %d", limit)
		md := buf.String()
		checkWellFormed(t, md)
		assert.Contains(t, md, "fcdeploy show plan.json", "the default note says how to see the full plan")
		rows := strings.Count(md, "\n| 🔄 update |") + strings.Count(md, "\n| ❌ delete |")
		require.Less(t, rows, 301, "budget %d cannot hold every row", limit)
		assert.Contains(t, md, fmt.Sprintf("Not shown, to keep this comment under %d bytes: %d changes (", limit, 301-rows), "every change is either a row or counted")
	}
}

func TestMarkdownWithinBudgetLeavesNothingOut(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, MarkdownWith(&buf, bigPlan(3), MarkdownOptions{}))
	assert.NotContains(t, buf.String(), "[!NOTE]")
	assert.Equal(t, 4, strings.Count(buf.String(), "<details><summary>"), "three diffs and the not-managed list")
}

func TestMarkdownShowsNoLocalPaths(t *testing.T) {
	p := fullPlan()
	p.Target = planner.Target{Endpoint: "local:/home/runner/.local/share/fcdeploy", AccountID: "111111", Region: "cn-hangzhou"}
	p.Changes[1].Code.Source = "/home/runner/work/shop/functions/worker"
	p.Changes[2].Code.Source = "../../../tmp/build-123/functions/checkout"
	var buf bytes.Buffer
	require.NoError(t, Markdown(&buf, p))
	assert.NotContains(t, buf.String(), "/home/runner")
	assert.NotContains(t, buf.String(), "tmp/build-123")
	assert.Contains(t, buf.String(), "Target: account 111111, region cn-hangzhou, endpoint local (embedded)")
	buf.Reset()
	require.NoError(t, Markdown(&buf, fullPlan()))
	assert.Contains(t, buf.String(), "from ./functions/checkout", "sources inside the working directory are kept")
}

func TestALimitedPlanSaysSo(t *testing.T) {
	p := fullPlan()
	p.Only = []string{"shop/api"}
	var text, md bytes.Buffer
	require.NoError(t, Text(&text, p, TextOptions{}))
	require.NoError(t, Markdown(&md, p))
	for _, out := range []string{text.String(), md.String()} {
		assert.Contains(t, out, "Limited to shop/api and what it depends on (--target)")
	}
}

func TestMarkdownListsAtMostTwentyDeletionsInItsWarning(t *testing.T) {
	p := &planner.Plan{Project: "big", Target: target}
	for i := range 30 {
		p.Changes = append(p.Changes, planner.Change{
			Address: fmt.Sprintf("function.big/fn%02d", i), Kind: planner.KindFunction, Action: planner.ActionDelete,
			Service: "big", Function: fmt.Sprintf("fn%02d", i),
		})
	}
	var buf bytes.Buffer
	require.NoError(t, Markdown(&buf, p))
	warning := buf.String()[strings.Index(buf.String(), "> [!WARNING]"):strings.Index(buf.String(), "| Action |")]
	assert.Contains(t, warning, "**This plan deletes 30 resources:**")
	assert.Equal(t, 21, strings.Count(warning, "\n> - "))
	assert.Contains(t, warning, "> - and 10 more (see the table)")
	assert.Equal(t, 30, strings.Count(buf.String(), "| ❌ delete |"), "the table lists every one")
}

func TestADestroySaysDestroyNotPlanOrApply(t *testing.T) {
	p := &planner.Plan{Project: "shop", Target: target, Changes: []planner.Change{
		{Address: "function.shop/api", Kind: planner.KindFunction, Action: planner.ActionDelete, Service: "shop", Function: "api"},
		{Address: "service.shop", Kind: planner.KindService, Action: planner.ActionDelete, Service: "shop"},
	}}
	opt := TextOptions{Verb: "destroy"}
	var buf bytes.Buffer
	require.NoError(t, Text(&buf, p, opt))
	assert.True(t, strings.HasPrefix(buf.String(), "fcdeploy destroy for project shop\n"), buf.String())
	assert.Contains(t, buf.String(), "Destroy: 2 to delete.")
	assert.NotContains(t, buf.String(), "Plan:")

	buf.Reset()
	require.NoError(t, Text(&buf, &planner.Plan{Project: "shop", Target: target}, opt))
	assert.Contains(t, buf.String(), "Nothing to destroy.")

	buf.Reset()
	require.NoError(t, ApplySummary(&buf, &applier.Result{Summary: applier.Summary{Deleted: 2}, Duration: 800 * time.Millisecond}, opt))
	assert.Equal(t, "Destroy complete: 2 deleted in 0.8s.\n", buf.String())
}

func TestProblemsNameTheCommandThatMakesANewPlan(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, ApplyProblems(&buf, applyResult(), TextOptions{Replan: "fcdeploy promote --from staging --to prod"}))
	assert.Contains(t, buf.String(), "run fcdeploy promote --from staging --to prod again:")
	assert.Equal(t, 1, strings.Count(buf.String(), "bad methods"), "each error once")

	buf.Reset()
	require.NoError(t, ApplyProblems(&buf, &applier.Result{}, TextOptions{}))
	assert.Empty(t, buf.String(), "a run without problems has none to list")
}
