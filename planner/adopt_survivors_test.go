package planner

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAProjectWithoutANameAdoptsNothing(t *testing.T) {
	d := currentDesired()
	live := currentLive(d)
	live.Services["shop"].Tags[TagProject] = "legacy"
	d.Project = ""
	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)
	assert.Empty(t, p.Adoptions())
}

func TestAdoptingOnlyAnotherProjectsServiceSaysNothingOfUntaggedOnes(t *testing.T) {
	p := &Plan{Project: "shop", Changes: []Change{
		{Address: "service.b", Kind: KindService, Action: ActionUpdate, Service: "b", Adopt: &Adoption{From: "legacy"}},
	}}
	err := p.CheckAdoptions(false, false)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "not tagged")
	assert.NotContains(t, err.Error(), "adopt ")
	assert.Contains(t, err.Error(), "service b belongs to project legacy")
}

func TestCheckOwnersLooksOnlyAtWhatThePlanDeletes(t *testing.T) {
	d := currentDesired()
	live := currentLive(d)
	live.Services["shop"].Tags[TagProject] = "legacy"
	p := &Plan{Changes: []Change{
		{Address: "function.shop/api", Kind: KindFunction, Action: ActionUpdate, Service: "shop", Function: "api"},
	}}
	assert.NoError(t, CheckOwners(p, live, "shop"))
}
