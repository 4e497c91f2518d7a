package planner

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func TestACreatedFunctionListsTheFieldsItSetsButNotItsNameNorEmptyValues(t *testing.T) {
	d := shopDesired()
	p, err := Diff(d, absentLive(d), diffOptions())
	require.NoError(t, err)
	c := p.Change("function.shop/checkout")
	require.NotNil(t, c)
	require.Equal(t, ActionCreate, c.Action)
	paths := fieldPaths(c)
	assert.Contains(t, paths, "runtime")
	assert.Contains(t, paths, "environmentVariables.STAGE")
	assert.NotContains(t, paths, "functionName", "the name is the address")
	assert.NotContains(t, paths, "description", "empty")
	assert.NotContains(t, paths, "initializer", "empty")
}

func TestAHookRemovedFromAFunctionListsEachOfItsFieldsAsRemoved(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	live.Services["shop"].Functions["api"].InstanceLifecycleConfig = fc.InstanceLifecycleConfig{PreFreeze: &fc.LifecycleHook{Handler: "index.freeze", Timeout: 3}}
	d.Services[0].Functions[1].Config.InstanceLifecycleConfig = &fc.InstanceLifecycleConfig{}
	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)
	c := p.Change("function.shop/api")
	require.NotNil(t, c)
	assert.Equal(t, []FieldChange{
		{Path: "instanceLifecycleConfig.preFreeze.handler", Before: "index.freeze"},
		{Path: "instanceLifecycleConfig.preFreeze.timeout", Before: float64(3)},
	}, c.FieldChanges)
}

func TestATimerWhoseLiveConfigIsNullIsUpdatedToTheDesiredOne(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	live.Services["shop"].Triggers["checkout"]["nightly"].TriggerConfig = json.RawMessage(`null`)
	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)
	assert.Equal(t, []string{"update trigger.shop/checkout/nightly"}, addresses(p))
}
