package render

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/planner"
)

// --quiet prints the summary line alone, worded for the verb.
func TestTheSummaryLineAloneSaysWhatThePlanDoes(t *testing.T) {
	destroying := &planner.Plan{Changes: []planner.Change{
		{Address: "function.shop/api", Kind: planner.KindFunction, Action: planner.ActionDelete, Service: "shop", Name: "api"},
		{Address: "service.shop", Kind: planner.KindService, Action: planner.ActionDelete, Name: "shop"},
	}}
	cases := []struct {
		name string
		plan *planner.Plan
		verb string
		want string
	}{
		{"a plan with changes", fullPlan(), "", "Plan: 3 to create, 3 to update, 2 to delete, 1 version to publish.\n"},
		{"a plan without changes", emptyPlan(), "", "No changes.\n"},
		{"a destroy with something to delete", destroying, "destroy", "Destroy: 2 to delete.\n"},
		{"a destroy with nothing left", emptyPlan(), "destroy", "Nothing to destroy.\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, Text(&buf, tc.plan, TextOptions{SummaryOnly: true, Verb: tc.verb}))
			assert.Equal(t, tc.want, buf.String())
		})
	}
}

func TestASizeChangeHasItsSignAndNoneWhenTheSizeIsTheSame(t *testing.T) {
	assert.Equal(t, "+200 B", sizeDelta(2900, 3100))
	assert.Equal(t, "-1 B", sizeDelta(3100, 3099))
	assert.Equal(t, "same size", sizeDelta(3100, 3100))
}
