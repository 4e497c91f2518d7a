package fc

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCodeChecksumMatchesTheCRC64XZCheckValue(t *testing.T) {
	assert.Equal(t, "11051210869376104954", CodeChecksum([]byte("123456789")))
}

func TestValidateNameAcceptsFCNamesAndRejectsOthers(t *testing.T) {
	for _, ok := range []string{"a", "_x", "shop-api_2", "A"} {
		assert.NoError(t, ValidateName("service", ok), ok)
	}
	for _, bad := range []string{"", "1abc", "-x", "a.b", "a b", string(make([]byte, 65))} {
		assert.Error(t, ValidateName("function", bad), bad)
	}
	assert.Error(t, ValidateName("alias", "LATEST"))
}

func TestValidateMemorySizeWantsMultiplesOf64InRange(t *testing.T) {
	assert.NoError(t, ValidateMemorySize(128))
	assert.NoError(t, ValidateMemorySize(3072))
	assert.Error(t, ValidateMemorySize(64))
	assert.Error(t, ValidateMemorySize(200))
	assert.Error(t, ValidateMemorySize(3136))
}
