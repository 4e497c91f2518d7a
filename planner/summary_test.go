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

// A saved plan applies only where it was made: account, region and
// endpoint each count on their own.
func TestAPlanIsRefusedForAnotherAccountRegionOrEndpoint(t *testing.T) {
	made := Target{AccountID: "111", Region: "cn-hangzhou", Endpoint: "http://127.0.0.1:9000"}
	p := &Plan{Target: made, Fingerprint: "sha256:f"}
	assert.NoError(t, p.CheckApplicable(made, "sha256:f"))
	for name, change := range map[string]func(*Target){
		"account":  func(t *Target) { t.AccountID = "222" },
		"region":   func(t *Target) { t.Region = "cn-shanghai" },
		"endpoint": func(t *Target) { t.Endpoint = "http://127.0.0.1:9001" },
	} {
		other := made
		change(&other)
		var stale *StalePlanError
		assert.ErrorAs(t, p.CheckApplicable(other, "sha256:f"), &stale, name)
	}
}

func TestEmptyMapsAndListsCountAsAbsent(t *testing.T) {
	assert.True(t, isEmpty(nil))
	assert.True(t, isEmpty(map[string]any{}))
	assert.True(t, isEmpty([]any{}))
	assert.False(t, isEmpty([]any{"GET"}))
	assert.False(t, isEmpty(map[string]any{"a": 1}))
	assert.False(t, isEmpty(""))
}

func TestAVersionWithAnIdIsNamedByIt(t *testing.T) {
	assert.Equal(t, "version shop/3", (&Change{Kind: KindVersion, Service: "shop", Name: "3"}).Subject())
}

// Code with neither a checksum nor an OSS object cannot be compared with
// what runs: the diff says so rather than guessing.
func TestDesiredCodeWithoutAChecksumIsRefusedUnlessItIsInOSS(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	d.Services[0].Functions[0].Code = DesiredCode{}
	_, err := Diff(d, live, diffOptions())
	assert.ErrorContains(t, err, "desired code has no checksum")

	d.Services[0].Functions[0].Code = DesiredCode{OSSBucket: "b", OSSObject: "code.zip"}
	_, err = Diff(d, live, diffOptions())
	assert.NoError(t, err)
}
