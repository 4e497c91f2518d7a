package render

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/planner"
)

// adoptingPlan takes over an untagged service and one of project legacy.
func adoptingPlan() *planner.Plan {
	tagChange := func(before any) []planner.FieldChange {
		return []planner.FieldChange{{Path: "tags." + planner.TagProject, Before: before, After: "shop"}}
	}
	return &planner.Plan{
		FormatVersion: planner.FormatVersion, Project: "shop", Target: target, CreatedAt: time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC),
		Changes: []planner.Change{
			{Address: "service.console", Kind: planner.KindService, Action: planner.ActionUpdate, Service: "console",
				FieldChanges: tagChange(nil), Tags: map[string]string{planner.TagProject: "shop"}, Adopt: &planner.Adoption{}},
			{Address: "service.old", Kind: planner.KindService, Action: planner.ActionUpdate, Service: "old",
				FieldChanges: tagChange("legacy"), Tags: map[string]string{planner.TagProject: "shop"}, Adopt: &planner.Adoption{From: "legacy"}},
			{Address: "service.mine", Kind: planner.KindService, Action: planner.ActionUpdate, Service: "mine",
				FieldChanges: []planner.FieldChange{{Path: "description", Before: "a", After: "b"}}},
		},
		NotManaged: []string{},
	}
}

func TestAnAdoptionIsMarkedInEveryFormat(t *testing.T) {
	p := adoptingPlan()

	var text bytes.Buffer
	require.NoError(t, Text(&text, p, TextOptions{}))
	assert.Contains(t, text.String(), "~ service.console (adopt untagged)")
	assert.Contains(t, text.String(), "~ service.old (adopt from project legacy)")
	assert.Contains(t, text.String(), `tags.fcdeploy:project = "legacy" -> "shop"`, "the tag change is part of the adoption")
	assert.NotContains(t, text.String(), "service.mine (adopt", "a service the project owns is no adoption")

	var md bytes.Buffer
	require.NoError(t, Markdown(&md, p))
	assert.Contains(t, md.String(), "**This plan adopts live services it did not create:**")
	assert.Contains(t, md.String(), "> - `console` (untagged)")
	assert.Contains(t, md.String(), "> - `old` (from project legacy)")
	assert.Contains(t, md.String(), "**adopt from project legacy**")

	var js bytes.Buffer
	require.NoError(t, JSON(&js, p))
	var doc struct {
		Changes []struct {
			Address string            `json:"address"`
			Adopt   *planner.Adoption `json:"adopt"`
		} `json:"changes"`
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &doc))
	adopt := map[string]*planner.Adoption{}
	for _, c := range doc.Changes {
		adopt[c.Address] = c.Adopt
	}
	assert.Equal(t, map[string]*planner.Adoption{"service.console": {}, "service.old": {From: "legacy"}, "service.mine": nil}, adopt)
	assert.Contains(t, js.String(), `"from_project": "legacy"`)
}
