package planner

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func TestAnUntaggedLiveServiceIsAdoptedAndTagged(t *testing.T) {
	d := currentDesired()
	live := currentLive(d)
	delete(live.Services["shop"].Tags, TagProject)
	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)
	svc := p.Change("service.shop")
	require.NotNil(t, svc, "the adoption is a change of the service")
	require.NotNil(t, svc.Adopt)
	assert.Equal(t, "", svc.Adopt.From)
	assert.Equal(t, "untagged", svc.Adopt.String())
	assert.Equal(t, map[string]string{TagProject: "shop"}, svc.Tags, "adopting tags the service as the project's")
	assert.Equal(t, []*Change{svc}, p.Adoptions())
}

func TestAnotherProjectsServiceIsAdoptedFromThatProject(t *testing.T) {
	d := currentDesired()
	live := currentLive(d)
	live.Services["shop"].Tags[TagProject] = "legacy"
	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)
	svc := p.Change("service.shop")
	require.NotNil(t, svc)
	require.NotNil(t, svc.Adopt)
	assert.Equal(t, "legacy", svc.Adopt.From)
	assert.Equal(t, "from project legacy", svc.Adopt.String())
	assert.Equal(t, "shop", svc.Tags[TagProject], "the tag moves to the adopting project")
	assert.Contains(t, svc.FieldChanges, FieldChange{Path: "tags." + TagProject, Before: "legacy", After: "shop"})
}

func TestTheProjectsOwnServiceIsNotAdopted(t *testing.T) {
	d := currentDesired()
	p, err := Diff(d, currentLive(d), diffOptions())
	require.NoError(t, err)
	assert.False(t, p.HasChanges(), "%v", addresses(p))
	assert.Empty(t, p.Adoptions())
}

func TestAServiceThePlanCreatesIsNotAdopted(t *testing.T) {
	d := currentDesired()
	live := currentLive(d)
	live.Services["shop"] = &LiveService{Tags: map[string]string{}}
	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)
	svc := p.Change("service.shop")
	require.NotNil(t, svc)
	assert.Equal(t, ActionCreate, svc.Action)
	assert.Nil(t, svc.Adopt)
	assert.NoError(t, p.CheckAdoptions(false, false))
}

func TestAdoptingNeedsConsentAndAnotherProjectsServiceNeedsForce(t *testing.T) {
	p := &Plan{Project: "shop", Changes: []Change{
		{Address: "service.a", Kind: KindService, Action: ActionUpdate, Service: "a", Adopt: &Adoption{}},
		{Address: "service.b", Kind: KindService, Action: ActionUpdate, Service: "b", Adopt: &Adoption{From: "legacy"}},
		{Address: "service.c", Kind: KindService, Action: ActionUpdate, Service: "c"},
	}}
	err := p.CheckAdoptions(false, false)
	var ae *AdoptionError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, []string{"a"}, ae.Untagged)
	assert.Equal(t, map[string]string{"b": "legacy"}, ae.Owned)
	assert.Contains(t, err.Error(), "service a exists live but not tagged")
	assert.Contains(t, err.Error(), "service b belongs to project legacy")

	err = p.CheckAdoptions(true, false)
	require.ErrorAs(t, err, &ae)
	assert.Empty(t, ae.Untagged, "adopt takes untagged services")
	assert.Equal(t, map[string]string{"b": "legacy"}, ae.Owned, "but not another project's")

	assert.NoError(t, p.CheckAdoptions(false, true), "a forced adoption takes both")
}

func TestDestroyNeverDeletesAnotherProjectsService(t *testing.T) {
	d := currentDesired()
	live := currentLive(d)
	p, err := DestroyPlan(live, []string{"shop"})
	require.NoError(t, err)
	require.NoError(t, CheckOwners(p, live, "shop"), "the project's own service")

	delete(live.Services["shop"].Tags, TagProject)
	require.NoError(t, CheckOwners(p, live, "shop"), "an untagged service the manifest declares")

	live.Services["shop"].Tags[TagProject] = "legacy"
	err = CheckOwners(p, live, "shop")
	var oe *OwnerError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, map[string]string{"shop": "legacy"}, oe.Owned)
	assert.Contains(t, err.Error(), "service shop belongs to project legacy")
}

func TestLimitingToAFunctionOfAnAdoptedServiceKeepsTheAdoption(t *testing.T) {
	d := currentDesired()
	live := currentLive(d)
	delete(live.Services["shop"].Tags, TagProject)
	d.Services[0].Functions[0].Config.Timeout = ptr(int32(42))
	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)
	require.NoError(t, p.Limit([]string{"shop/" + d.Services[0].Functions[0].Name}))
	require.NotNil(t, p.Change("service.shop"), "the adoption stays: %v", addresses(p))
	assert.Error(t, p.CheckAdoptions(false, false), "so a limited plan still needs consent")
}

func TestAdoptingAnotherProjectsServiceNeitherClaimsNorPrunesItsLayers(t *testing.T) {
	d := currentDesired()
	live := currentLive(d)
	ls := live.Services["shop"]
	ls.Tags[TagProject] = "legacy"
	ls.Tags[TagLayers] = "deps,legacy-lib"
	live.Layers["legacy-lib"] = &fc.Layer{LayerName: "legacy-lib", Version: 3}
	live.LayerVersions["legacy-lib"] = []int32{3}
	opt := diffOptions()
	opt.Prune = true
	p, err := Diff(d, live, opt)
	require.NoError(t, err)
	assert.Nil(t, p.Change(LayerAddress("legacy-lib")), "legacy's layer is not deleted: %v", addresses(p))
	svc := p.Change("service.shop")
	require.NotNil(t, svc)
	require.NotNil(t, svc.Adopt)
	assert.Equal(t, "deps", svc.Tags[TagLayers], "the adopting project claims only its own layers")
}

func TestAServiceTheProjectCreatedButDidNotTagIsTaggedNotAdopted(t *testing.T) {
	d := currentDesired()
	live := currentLive(d)
	delete(live.Services["shop"].Tags, TagProject) // an apply killed between create and tag
	opt := diffOptions()
	opt.Created = map[string]bool{"shop": true}
	p, err := Diff(d, live, opt)
	require.NoError(t, err)
	svc := p.Change("service.shop")
	require.NotNil(t, svc, "the tag is still written")
	assert.Nil(t, svc.Adopt, "no consent is needed for the project's own service")
	assert.Equal(t, map[string]string{TagProject: "shop"}, svc.Tags)

	live.Services["shop"].Tags[TagProject] = "legacy"
	p, err = Diff(d, live, opt)
	require.NoError(t, err)
	require.NotNil(t, p.Change("service.shop").Adopt, "another project's tag is never overridden by what was created here")
}
