package applier

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/localfctest"
	"github.com/fcdeploy/fcdeploy/planner"
)

// builtElsewhere creates the shop service the way the console would:
// no fcdeploy tag, or the tag of another project when owner is set.
func builtElsewhere(t *testing.T, c *fc.Client, owner string) {
	t.Helper()
	ctx := context.Background()
	_, err := c.CreateService(ctx, fc.ServiceInput{ServiceName: "shop", Description: ptr("made in the console")})
	require.NoError(t, err)
	if owner != "" {
		require.NoError(t, c.TagResource(ctx, fc.TagResourceInput{ResourceARN: "services/shop", Tags: map[string]string{planner.TagProject: owner}}))
	}
}

func TestAnApplyThatAdoptsIsRefusedBeforeAnyWriteWithoutConsent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client, err := fc.NewClient(localfctest.Start(t).Config())
	require.NoError(t, err)
	builtElsewhere(t, client, "")
	p := newCurrentProject(t)
	plan := currentPlan(t, client, p, false)
	require.Len(t, plan.Adoptions(), 1)

	res, err := Apply(ctx, client, plan, Options{Code: p.provider()})
	var ae *planner.AdoptionError
	require.ErrorAs(t, err, &ae)
	assert.Nil(t, res, "refused before anything was sent")
	assert.Equal(t, []string{"shop"}, ae.Untagged)
	fns, err := client.ListAllFunctions(ctx, "shop", "")
	require.NoError(t, err)
	assert.Empty(t, fns, "nothing was written")

	res, err = Apply(ctx, client, plan, Options{Code: p.provider(), Adopt: true})
	require.NoError(t, err)
	assert.Equal(t, 0, res.ExitCode())
	tags, err := client.GetResourceTags(ctx, "services/shop")
	require.NoError(t, err)
	assert.Equal(t, "shop", tags.Tags[planner.TagProject], "the adopted service is tagged as the project's")
	again := currentPlan(t, client, p, false)
	assert.False(t, again.HasChanges(), "not converged: %v", again.Changes)
}

func TestAnotherProjectsServiceIsAdoptedOnlyByForce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client, err := fc.NewClient(localfctest.Start(t).Config())
	require.NoError(t, err)
	builtElsewhere(t, client, "legacy")
	p := newCurrentProject(t)
	plan := currentPlan(t, client, p, false)

	_, err = Apply(ctx, client, plan, Options{Code: p.provider(), Adopt: true})
	var ae *planner.AdoptionError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, map[string]string{"shop": "legacy"}, ae.Owned, "adopt alone never takes another project's service")

	res, err := Apply(ctx, client, plan, Options{Code: p.provider(), ForceAdopt: true})
	require.NoError(t, err)
	assert.Equal(t, 0, res.ExitCode())
	tags, err := client.GetResourceTags(ctx, "services/shop")
	require.NoError(t, err)
	assert.Equal(t, "shop", tags.Tags[planner.TagProject])
}
