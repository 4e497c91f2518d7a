package render

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/planner"
)

func TestAVersionToBePublishedReplacingNoneShowsNoOldValue(t *testing.T) {
	out := text(t, updatePlan(planner.FieldChange{Path: "versionId", AfterUnknown: true}))
	assert.Contains(t, out, "        versionId = (version published by this apply)\n")
	assert.NotContains(t, out, "null")
}

func TestACreatedFieldWaitingForAVersionShowsOnlyThatItWaits(t *testing.T) {
	// A create has nothing before it, even if a plan file says otherwise.
	l := renderField(planner.FieldChange{Path: "versionId", Before: "3", AfterUnknown: true}, true)
	assert.Equal(t, "(version published by this apply)", l.text)
}

func TestABlankLineAddedToALongStringIsALineOfItsDiff(t *testing.T) {
	assert.Equal(t, []string{"  first", "+ ", "  second"}, lineDiff("first\nsecond\n", "first\n\nsecond\n"))
	assert.Equal(t, []string{"  first", "- ", "  second"}, lineDiff("first\n\nsecond\n", "first\nsecond\n"))
}

func TestAChecksumOfTenCharactersIsShownWholeAndALongerOneIsShortened(t *testing.T) {
	assert.Equal(t, "1234567890", shortChecksum("1234567890"))
	assert.Equal(t, "1234567", shortChecksum("1234567"))
	assert.Equal(t, "12345678…", shortChecksum("12345678901"))
	c := &planner.CodeChange{Upload: true, Before: "1234567890", After: "98765432101", Size: 300}
	assert.Equal(t, "code: 300 B, checksum 1234567890 -> 98765432… (upload)", codeLine(c))
}

func TestADestroyLineCountsAReplaceAsADeletionAsThePlanLineDoes(t *testing.T) {
	p := &planner.Plan{Project: "shop", Target: target, Changes: []planner.Change{
		{Address: "function.shop/api", Kind: planner.KindFunction, Action: planner.ActionDelete, Service: "shop", Function: "api"},
		{Address: "trigger.shop/web/http", Kind: planner.KindTrigger, Action: planner.ActionReplace, Service: "shop", Function: "web", Name: "http"},
	}}
	assert.Equal(t, "Destroy: 2 to delete.", destroyLine(p))
	var buf bytes.Buffer
	require.NoError(t, Text(&buf, p, TextOptions{Verb: "destroy", SummaryOnly: true}))
	assert.Equal(t, "Destroy: 2 to delete.\n", buf.String())
	assert.Equal(t, "Plan: 1 to create, 0 to update, 2 to delete, 0 versions to publish.", summaryLine(p))
}
