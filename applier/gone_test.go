package applier

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/planner"
)

func TestAResourceDeletedSinceThePlanIsWhatADeleteWanted(t *testing.T) {
	t.Parallel()
	api := newStoreAPI(t)
	p := shopProject(t)
	ctx := context.Background()
	_, err := Apply(ctx, api, planFor(t, api, p, false), Options{Code: p.provider()})
	require.NoError(t, err)

	fns := p.desired.Services[0].Functions
	p.desired.Services[0].Functions = slices.DeleteFunc(slices.Clone(fns), func(f planner.DesiredFunction) bool { return f.Name == "api" })
	plan := planFor(t, api, p, true)
	// Someone deletes the trigger before the apply does.
	require.NoError(t, api.st.DeleteTrigger(ctx, api.account, "shop", "api", "web", ""))

	res, err := Apply(ctx, api, plan, Options{Code: p.provider()})
	require.NoError(t, err)
	assert.Equal(t, 0, res.ExitCode())
	assert.Equal(t, Deleted, stepActions(res)["trigger.shop/api/web"], "gone already: what the plan wanted")
	assert.Equal(t, Deleted, stepActions(res)["function.shop/api"])
}

func TestAResourceDeletedSinceAnUpdateWasPlannedIsAConflict(t *testing.T) {
	t.Parallel()
	api := newStoreAPI(t)
	p := shopProject(t)
	ctx := context.Background()
	_, err := Apply(ctx, api, planFor(t, api, p, false), Options{Code: p.provider()})
	require.NoError(t, err)

	p.function("shop", "api").Triggers[0].Input.TriggerConfig = []byte(`{"authType":"function","methods":["GET"]}`)
	plan := planFor(t, api, p, false)
	require.NoError(t, api.st.DeleteTrigger(ctx, api.account, "shop", "api", "web", ""))

	res, err := Apply(ctx, api, plan, Options{Code: p.provider()})
	require.Error(t, err)
	assert.Equal(t, 3, res.ExitCode(), "not re-created behind the back of whoever deleted it: plan again")
	assert.Equal(t, []string{"trigger.shop/api/web"}, res.Conflicts)
	assert.Contains(t, err.Error(), "changed since the plan was made")
}

// brokenTriggerUpdates fails every UpdateTrigger with a server error.
type brokenTriggerUpdates struct{ *storeAPI }

func (brokenTriggerUpdates) UpdateTrigger(context.Context, string, string, string, fc.TriggerInput, string) (*fc.Trigger, error) {
	return nil, &fc.APIError{HTTPStatus: 500, Code: fc.CodeInternalServerError, Message: "disk on fire"}
}

func TestAnUpdateThatFailsOnTheServerIsAFailureNotAConflict(t *testing.T) {
	t.Parallel()
	api := newStoreAPI(t)
	p := shopProject(t)
	ctx := context.Background()
	_, err := Apply(ctx, api, planFor(t, api, p, false), Options{Code: p.provider()})
	require.NoError(t, err)

	p.function("shop", "api").Triggers[0].Input.TriggerConfig = []byte(`{"authType":"function","methods":["GET"]}`)
	res, err := Apply(ctx, brokenTriggerUpdates{api}, planFor(t, api, p, false), Options{Code: p.provider()})
	require.Error(t, err)
	assert.Equal(t, 1, res.ExitCode(), "planning again would not help")
	assert.Empty(t, res.Conflicts)
	assert.Equal(t, Failed, stepActions(res)["trigger.shop/api/web"])
	assert.ErrorContains(t, err, "disk on fire")
}
