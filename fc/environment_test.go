package fc

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEnvironmentVariableNamesStartWithALetterAndHoldLettersDigitsAndUnderscores(t *testing.T) {
	// The edges of each character range, and the characters just outside.
	for _, ok := range []string{"a", "z", "A", "Z", "a0", "a9", "a_", "Db_Host_2"} {
		assert.NoError(t, ValidateEnvironmentVariables(map[string]string{ok: "v"}), ok)
	}
	for _, bad := range []string{"", "`", "{", "@", "[", "1a", "_a", "a/", "a:", "a-b", "a.b", "a b", "é"} {
		err := ValidateEnvironmentVariables(map[string]string{bad: "v"})
		require.Error(t, err, "%q", bad)
		assert.Contains(t, err.Error(), "is invalid", "%q", bad)
	}
}

func TestEnvironmentVariablesStartingWithFCAreReservedInAnyCase(t *testing.T) {
	for _, name := range []string{"FC_REGION", "fc_x", "Fc_Y"} {
		assert.ErrorContains(t, ValidateEnvironmentVariables(map[string]string{name: "v"}), "reserved", name)
	}
	assert.NoError(t, ValidateEnvironmentVariables(map[string]string{"FCX": "v"}))
}

func TestEnvironmentVariablesCountNamesAndValuesUpToTheLimit(t *testing.T) {
	name := strings.Repeat("N", 96)
	atLimit := map[string]string{name: strings.Repeat("v", MaxEnvironmentBytes-len(name))}
	assert.NoError(t, ValidateEnvironmentVariables(atLimit), "exactly the limit is allowed")

	// The values alone fit: the names are what passes the limit.
	over := map[string]string{name: strings.Repeat("v", MaxEnvironmentBytes-len(name)+1)}
	err := ValidateEnvironmentVariables(over)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "take 4097 bytes")
	assert.NotContains(t, err.Error(), "vvvv", "values may be secrets")
}
