package fc

import (
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
