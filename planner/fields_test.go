package planner

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/fcdeploy/fcdeploy/fc"
)

func TestTheFieldDiffComparesObjectsKeyByKeyAndListsWhole(t *testing.T) {
	live := &fc.Service{
		Description: "kept", Role: "r",
		LogConfig: fc.LogConfig{Project: "p", Logstore: "old"},
		VPCConfig: fc.VPCConfig{VPCID: "v", VSwitchIDs: []string{"a", "b"}, SecurityGroupID: "sg"},
	}
	role := "r"
	in := &fc.ServiceInput{
		Role:      &role,
		LogConfig: &fc.LogConfig{Project: "p", Logstore: "new"},
		VPCConfig: &fc.VPCConfig{VPCID: "v", VSwitchIDs: []string{"a", "c"}, SecurityGroupID: "sg"},
	}
	d := serviceFieldChanges(in, live)
	assert.Equal(t, []FieldChange{
		{Path: "logConfig.logstore", Before: "old", After: "new"},
		{Path: "vpcConfig.vSwitchIds", Before: []any{"a", "b"}, After: []any{"a", "c"}},
	}, d.changes, "the description is not set by the input, so it is not compared")
	assert.Empty(t, d.replaceReason())
}

func TestAnEmptyValueEqualsAnAbsentOne(t *testing.T) {
	live := &fc.Function{EnvironmentVariables: nil}
	in := &fc.FunctionInput{EnvironmentVariables: map[string]string{}}
	assert.Empty(t, functionFieldChanges(in, live, nil).changes, "nil, {} and [] are the same value")
}

func TestAChangedImmutableFieldIsTheReasonForAReplacement(t *testing.T) {
	live := &fc.Trigger{TriggerType: "timer", Qualifier: "", TriggerConfig: []byte(`{"cronExpression":"@every 1m","enable":true}`)}
	in := &fc.TriggerInput{TriggerType: "http", Qualifier: ptr("LATEST"), TriggerConfig: []byte(`{"authType":"anonymous","methods":["GET"]}`)}
	d := triggerFieldChanges(in, live)
	assert.Equal(t, "triggerType cannot change in place", d.replaceReason())
	assert.Equal(t, []string{"triggerType", "triggerConfig.authType", "triggerConfig.cronExpression", "triggerConfig.enable", "triggerConfig.methods"}, pathsOf(d.changes),
		"the live qualifier \"\" is LATEST; configs are compared key by key")
}

func TestSecretNamedEnvironmentKeysAreSensitiveEvenWhenOnlyLive(t *testing.T) {
	live := &fc.Function{EnvironmentVariables: map[string]string{"OLD_TOKEN": "t", "PLAIN": "p"}}
	in := &fc.FunctionInput{EnvironmentVariables: map[string]string{"CHOSEN": "c"}}
	got := functionFieldChanges(in, live, map[string]bool{"CHOSEN": true}).changes
	assert.Equal(t, []FieldChange{
		{Path: "environmentVariables.CHOSEN", After: "c", Sensitive: true},
		{Path: "environmentVariables.OLD_TOKEN", Before: "t", Sensitive: true},
		{Path: "environmentVariables.PLAIN", Before: "p"},
	}, got)
}

func pathsOf(cs []FieldChange) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Path)
	}
	return out
}

func TestAContainerFunctionIsCreatedAndUpdatedWithoutCode(t *testing.T) {
	d := shopDesired()
	fn := &d.Services[0].Functions[0]
	fn.Code = DesiredCode{Image: true, Source: "image registry/app:1"}
	fn.Config.Runtime = ptr(fc.RuntimeCustomContainer)
	fn.Config.CustomContainerConfig = &fc.CustomContainerConfig{Image: "registry/app:1"}

	p, err := Diff(d, absentLive(d), diffOptions())
	assert.NoError(t, err)
	c := p.Change("function.shop/checkout")
	if assert.NotNil(t, c) {
		assert.Nil(t, c.Code, "no code is sent: the image is configuration")
		assert.Contains(t, pathsOf(c.FieldChanges), "customContainerConfig.image")
	}

	live := convergedLive(d)
	live.Services["shop"].Functions["checkout"].CustomContainerConfig = fc.CustomContainerConfig{Image: "registry/app:0"}
	p, err = Diff(d, live, diffOptions())
	assert.NoError(t, err)
	c = p.Change("function.shop/checkout")
	if assert.NotNil(t, c) {
		assert.Equal(t, []FieldChange{{Path: "customContainerConfig.image", Before: "registry/app:0", After: "registry/app:1"}}, c.FieldChanges)
	}
}
