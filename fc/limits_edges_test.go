package fc

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestARangeAllowsItsEndsAndStepsOnly(t *testing.T) {
	cpu := Ranges["function.cpu"]
	for _, ok := range []float64{MinCPU, 0.1, 1.35, MaxCPU} {
		assert.NoError(t, cpu.Check(ok), "%v", ok)
	}
	for _, bad := range []float64{0, 0.04, 0.12, 16.05} {
		assert.ErrorContains(t, cpu.Check(bad), "must be a multiple of 0.05 between 0.05 and 16", "%v", bad)
	}
	gpu := Ranges["function.gpuMemorySize"]
	assert.NoError(t, gpu.Check(80*1024), "the largest GPU has 80 GB")
	assert.Error(t, gpu.Check(81*1024))
	assert.Error(t, gpu.Check(1536), "not a multiple of 1024")
}

func TestNamesMayBeExactlyAsLongAsTheirLimit(t *testing.T) {
	assert.NoError(t, ValidateLayerName(strings.Repeat("l", MaxLayerNameLength)))
	assert.Error(t, ValidateLayerName(strings.Repeat("l", MaxLayerNameLength+1)))
	assert.NoError(t, validateTagKey(strings.Repeat("k", MaxTagKeyLength)))

	// 253 characters in labels of at most 63.
	label := strings.Repeat("d", 63)
	longest := strings.Join([]string{label, label, label, strings.Repeat("d", 61)}, ".")
	assert.Len(t, longest, MaxDomainNameLength)
	assert.NoError(t, ValidateDomainName(longest))
	assert.ErrorContains(t, ValidateDomainName("d"+longest), "at most 253")
}

func TestARewriteConfigIsEmptyOnlyWithoutAnyRule(t *testing.T) {
	var none *RewriteConfig
	assert.True(t, none.Empty())
	assert.True(t, (&RewriteConfig{}).Empty())
	rule := []RewriteRule{{}}
	for name, r := range map[string]*RewriteConfig{
		"equal and wildcard": {EqualRules: rule, WildcardRules: rule},
		"wildcard and regex": {WildcardRules: rule, RegexRules: rule},
		"regex alone":        {RegexRules: rule},
	} {
		assert.False(t, r.Empty(), name)
	}
}

func TestARangeWithoutAStepAllowsAnyValueBetweenItsEnds(t *testing.T) {
	timeout := Ranges["function.timeout"]
	for _, ok := range []float64{MinTimeout, 2.5, 17, MaxTimeout} {
		assert.NoError(t, timeout.Check(ok), "%v", ok)
	}
	assert.Error(t, timeout.Check(MaxTimeout+1))
	uid := Ranges["service.nasConfig.userId"]
	assert.NoError(t, uid.Check(-1), "-1 is the API's 'nobody'")
	assert.Error(t, uid.Check(-2))
	assert.NoError(t, Ranges["service.nasConfig.groupId"].Check(-1))
	assert.Error(t, Ranges["service.nasConfig.groupId"].Check(-2))
}

func TestARangeSaysItsRuleInWords(t *testing.T) {
	assert.Equal(t, "must be a multiple of 64 between 128 and 3072", Ranges["function.memorySize"].Rule())
	assert.Equal(t, "must be between 1 and 300 seconds", Ranges["function.timeout"].Rule())
	assert.Equal(t, "must be between 1 and 100", Ranges["function.instanceConcurrency"].Rule())
	assert.Equal(t, "must be a multiple of 0.05 between 0.05 and 16", Ranges["function.cpu"].Rule())
}
