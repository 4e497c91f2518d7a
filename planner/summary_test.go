package planner

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTheSummaryCountsEveryAction(t *testing.T) {
	p := &Plan{NoOps: 4, Changes: []Change{
		{Action: ActionCreate}, {Action: ActionUpdate}, {Action: ActionUpdate},
		{Action: ActionDelete}, {Action: ActionReplace}, {Action: ActionReplace}, {Action: ActionReplace},
		{Action: ActionPublish},
	}}
	assert.Equal(t, Summary{Create: 1, Update: 2, Delete: 1, Replace: 3, Publish: 1, NoOp: 4}, p.Summary())
}

// Version ids are decimal numbers: 10 comes after 9, which a string
// comparison gets wrong; anything else falls back to the string order.
func TestVersionIDsAreOrderedAsNumbers(t *testing.T) {
	assert.Negative(t, versionOrder("9", "10"))
	assert.Positive(t, versionOrder("10", "9"))
	assert.Zero(t, versionOrder("3", "3"))
	assert.Positive(t, versionOrder("a", "10"), "not a number: string order")
	assert.Negative(t, versionOrder("10", "a"))
}
