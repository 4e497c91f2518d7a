package planner

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

// savedPlan diffs d against live, records live and round-trips the plan
// through a plan file, as plan --out and apply PLANFILE do.
func savedPlan(t *testing.T, d *Desired, live *Live) *Plan {
	t.Helper()
	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)
	p.RecordLive(live)
	var buf bytes.Buffer
	require.NoError(t, WritePlan(&buf, p))
	back, err := ReadPlan(&buf)
	require.NoError(t, err)
	return back
}

func staleResources(t *testing.T, err error) []string {
	t.Helper()
	var lc *LiveChangedError
	require.True(t, errors.As(err, &lc), "want a *LiveChangedError, got %v", err)
	return lc.Resources
}

func TestASavedPlanMatchesTheLiveStateItWasMadeAgainst(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	live.Services["shop"].Functions["api"].Timeout = 30
	p := savedPlan(t, d, live)
	require.True(t, p.HasChanges())
	assert.Equal(t, "etag-function-api", p.LiveETags["function.shop/api"])
	assert.Equal(t, "1", p.LiveETags["version.shop"], "the newest version is recorded")
	assert.NoError(t, p.CheckLive(live))
}

func TestAPlanThatCreatesIsRefusedOnceTheResourcesExist(t *testing.T) {
	d := shopDesired()
	p := savedPlan(t, d, absentLive(d))
	err := p.CheckLive(convergedLive(d))
	got := staleResources(t, err)
	assert.Contains(t, got, "service.shop (exists already)")
	assert.Contains(t, got, "function.shop/api (exists already)")
	assert.Contains(t, err.Error(), "applied already")
}

func TestAPlanIsRefusedWhenAResourceItUpdatesChanged(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	live.Services["shop"].Functions["api"].Timeout = 30
	p := savedPlan(t, d, live)

	live.Services["shop"].Functions["api"].ETag = "etag-after-someone-else"
	assert.Equal(t, []string{"function.shop/api (changed since the plan)"}, staleResources(t, p.CheckLive(live)))

	delete(live.Services["shop"].Functions, "api")
	assert.Contains(t, staleResources(t, p.CheckLive(live)), "function.shop/api (deleted since the plan)")
}

func TestAPlanIsRefusedWhenAnythingItReadChanged(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	live.Services["shop"].Functions["api"].Timeout = 30
	p := savedPlan(t, d, live)

	// Nothing the plan changes, but what it was computed from.
	live.Services["shop"].Aliases["live"].ETag = "etag-moved"
	live.Services["shop"].Versions = append([]fc.Version{{VersionID: "2"}}, live.Services["shop"].Versions...)
	live.Services["shop"].Functions["extra"] = &fc.Function{FunctionName: "extra", ETag: "etag-extra"}
	assert.Equal(t, []string{
		"alias.shop/live (changed since the plan)",
		"function.shop/extra (created since the plan)",
		"version.shop (version 2 was published since the plan)",
	}, staleResources(t, p.CheckLive(live)))
}

func TestAPlanFileWithoutLiveETagsIsCheckedByItsChanges(t *testing.T) {
	d := shopDesired()
	p := savedPlan(t, d, absentLive(d))
	p.LiveETags = nil // written by an older fcdeploy
	assert.NoError(t, p.CheckLive(absentLive(d)))
	assert.NotEmpty(t, staleResources(t, p.CheckLive(convergedLive(d))))
}

func TestRecordLiveKeepsTheLiveCodeSize(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	d.Services[0].Functions[1].Code = DesiredCode{Checksum: "333", Size: 1500, Source: "./functions/api"}
	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)
	p.RecordLive(live)
	c := p.Change("function.shop/api")
	require.NotNil(t, c)
	assert.Equal(t, int64(1200), c.Code.BeforeSize)
	assert.Equal(t, int64(1500), c.Code.Size)
}

func TestPlanServicesIncludesWhatItRead(t *testing.T) {
	p := &Plan{
		Changes:   []Change{{Address: "function.b/f", Service: "b"}},
		LiveETags: map[string]string{"service.a": "e", "trigger.c/f/t": "e"},
	}
	assert.Equal(t, []string{"a", "b", "c"}, p.Services())
}

func TestAnOlderPlanFileIsRefusedOnlyWhenTheETagOfAChangeMoved(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	live.Services["shop"].Functions["api"].Timeout = 30
	live.Services["shop"].Functions["api"].ETag = "etag-planned"
	p := savedPlan(t, d, live)
	p.LiveETags = nil // written by an older fcdeploy: its changes' ETags are all it has
	c := p.Change("function.shop/api")
	require.NotNil(t, c)
	c.ETag = "etag-planned"

	assert.NoError(t, p.CheckLive(live), "the same ETag: the plan still holds")
	live.Services["shop"].Functions["api"].ETag = "etag-after-someone-else"
	assert.Equal(t, []string{"function.shop/api (changed since the plan)"}, staleResources(t, p.CheckLive(live)))
}
