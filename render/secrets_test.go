package render

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/planner"
)

// removedSecretPlan removes a sensitive variable from a function: the plan
// knows its old value (it is live), and no output may show it.
func removedSecretPlan() *planner.Plan {
	return &planner.Plan{
		FormatVersion: planner.FormatVersion, Project: "shop", Target: target,
		CreatedAt: time.Date(2026, 11, 27, 1, 2, 3, 0, time.UTC),
		Changes: []planner.Change{{
			Address: "function.shop/checkout", Kind: planner.KindFunction, Action: planner.ActionUpdate,
			Service: "shop", Function: "checkout", ETag: "e-checkout",
			FieldChanges: []planner.FieldChange{
				{Path: "environmentVariables.API_KEY", Before: "old-api-key-value", Sensitive: true},
				{Path: "environmentVariables.DEBUG", Before: "1"},
			},
		}},
	}
}

func TestRemovingASensitiveVariableNeverShowsItsOldValue(t *testing.T) {
	for _, color := range []bool{false, true} {
		var buf bytes.Buffer
		require.NoError(t, Text(&buf, removedSecretPlan(), TextOptions{Color: color}))
		out := buf.String()
		assert.NotContains(t, out, "old-api-key-value", "colour %v", color)
		assert.Contains(t, out, "environmentVariables.API_KEY = (sensitive) -> (removed)")
		assert.Contains(t, out, `environmentVariables.DEBUG   = "1" -> (removed)`, "a plain variable still shows what goes")
	}

	var md bytes.Buffer
	require.NoError(t, Markdown(&md, removedSecretPlan()))
	assert.NotContains(t, md.String(), "old-api-key-value")
	assert.Contains(t, md.String(), "- environmentVariables.API_KEY = (sensitive)\n")

	var js bytes.Buffer
	require.NoError(t, JSON(&js, removedSecretPlan()))
	assert.NotContains(t, js.String(), "old-api-key-value")
}
