package fc

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestApplyChangesOnlyTheFieldsAnInputSets(t *testing.T) {
	desc, mem := "new", int32(256)
	f := Function{Description: "old", Runtime: "python3", MemorySize: 128, EnvironmentVariables: map[string]string{"A": "1"}}
	f.Apply(FunctionInput{Description: &desc, MemorySize: &mem})
	assert.Equal(t, Function{Description: "new", Runtime: "python3", MemorySize: 256, EnvironmentVariables: map[string]string{"A": "1"}}, f)

	f.Apply(FunctionInput{EnvironmentVariables: map[string]string{}})
	assert.Empty(t, f.EnvironmentVariables, "an empty map clears the variables")

	on := true
	s := Service{Description: "keep", VPCConfig: VPCConfig{VPCID: "v"}}
	vpc := VPCConfig{VPCID: "w", VSwitchIDs: []string{"a"}}
	s.Apply(ServiceInput{InternetAccess: &on, VPCConfig: &vpc})
	vpc.VSwitchIDs[0] = "changed later"
	assert.Equal(t, "keep", s.Description)
	assert.True(t, s.InternetAccess)
	assert.Equal(t, []string{"a"}, s.VPCConfig.VSwitchIDs, "the input's slices are copied")
}

func TestApplyCopiesEveryFieldByItsJSONNameWithoutSharingIt(t *testing.T) {
	port := int32(8080)
	in := FunctionInput{
		CAPort: &port, Layers: []string{"l1"},
		CustomDNS:               &CustomDNS{NameServers: []string{"1.1.1.1"}},
		InstanceLifecycleConfig: &InstanceLifecycleConfig{PreStop: &LifecycleHook{Handler: "stop", Timeout: 3}},
	}
	var f Function
	f.Apply(in)
	in.Layers[0], in.CustomDNS.NameServers[0], in.InstanceLifecycleConfig.PreStop.Handler = "x", "x", "x"

	assert.Equal(t, int32(8080), f.CAPort)
	assert.Equal(t, []string{"l1"}, f.Layers)
	assert.Equal(t, []string{"1.1.1.1"}, f.CustomDNS.NameServers)
	assert.Equal(t, "stop", f.InstanceLifecycleConfig.PreStop.Handler, "pointers inside objects are copied too")
}

func TestATriggerTakesItsTypeAndConfigFromTheInput(t *testing.T) {
	tr := Trigger{TriggerName: "t", TriggerType: "timer", Qualifier: "LATEST"}
	tr.Apply(TriggerInput{TriggerName: "ignored", TriggerType: "http", TriggerConfig: []byte(`{"authType":"anonymous"}`)})
	assert.Equal(t, "t", tr.TriggerName, "the name is the resource's identity, never applied")
	assert.Equal(t, "http", tr.TriggerType)
	assert.Equal(t, "LATEST", tr.Qualifier)
	assert.JSONEq(t, `{"authType":"anonymous"}`, string(tr.TriggerConfig))
}

func TestAnUnknownFlagInAnFCTagIsAProgrammingError(t *testing.T) {
	type bad struct {
		X string `json:"x" fc:"mutable"`
	}
	assert.Panics(t, func() { Fields(reflect.TypeFor[bad]()) })
}
