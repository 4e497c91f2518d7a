package render

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/planner"
)

func TestSizesChangeUnitExactlyAtAThousand(t *testing.T) {
	assert.Equal(t, "999 B", size(999))
	assert.Equal(t, "1.0 kB", size(1000))
	assert.Equal(t, "1000.0 kB", size(999_999))
	assert.Equal(t, "1.0 MB", size(1_000_000))
}

// updatePlan is one function update with the given field changes.
func updatePlan(fcs ...planner.FieldChange) *planner.Plan {
	return &planner.Plan{
		FormatVersion: planner.FormatVersion, Project: "shop", Target: target,
		CreatedAt: time.Date(2026, 11, 27, 1, 2, 3, 0, time.UTC),
		Changes: []planner.Change{{
			Address: "function.shop/api", Kind: planner.KindFunction, Action: planner.ActionUpdate,
			Service: "shop", Function: "api", ETag: "e-api", FieldChanges: fcs,
		}},
	}
}

func text(t *testing.T, p *planner.Plan) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, Text(&buf, p, TextOptions{}))
	return buf.String()
}

func TestASecretAddedByAnUpdateShowsNoArrow(t *testing.T) {
	out := text(t, updatePlan(planner.FieldChange{Path: "environmentVariables.NEW_TOKEN", After: "t0k3n", Sensitive: true}))
	assert.Contains(t, out, "environmentVariables.NEW_TOKEN = (sensitive)\n")
	assert.NotContains(t, out, "t0k3n")
}

func TestAShortValueBecomingLongIsALineDiff(t *testing.T) {
	out := text(t, updatePlan(planner.FieldChange{Path: "description", Before: "short", After: "first line\nsecond line"}))
	assert.Contains(t, out, "- short")
	assert.Contains(t, out, "+ first line")
	assert.Contains(t, out, "+ second line")
	assert.NotContains(t, out, "->", "not a one-line change")
}

func TestTheMarkdownTableNamesFiveFieldsAndCountsTheRest(t *testing.T) {
	var fcs []planner.FieldChange
	for _, p := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		fcs = append(fcs, planner.FieldChange{Path: p, Before: "1", After: "2"})
	}
	var buf bytes.Buffer
	require.NoError(t, Markdown(&buf, updatePlan(fcs...)))
	assert.Contains(t, buf.String(), "| a, b, c, d, e, and 2 more |")

	buf.Reset()
	require.NoError(t, Markdown(&buf, updatePlan(fcs[:5]...)))
	assert.Contains(t, buf.String(), "| a, b, c, d, e |", "five fit")
}
