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

func TestARuntimeSuggestionIsNeverAnOlderMajorVersion(t *testing.T) {
	for typed, excluded := range map[string][]string{
		"nodejs99":   RuntimesOf("nodejs"),
		"nodejs18":   {"nodejs4.4", "nodejs6", "nodejs8", "nodejs10", "nodejs12", "nodejs14", "nodejs16"},
		"python3.11": {"python2.7"},
	} {
		for _, r := range excluded {
			assert.NotContains(t, RuntimeCandidates(typed), r, typed)
		}
	}
	assert.Contains(t, RuntimeCandidates("python3.11"), "python3.10", "the same major version may be proposed")
	assert.Equal(t, Runtimes, RuntimeCandidates("pyhton3"), "a typo in the language keeps every runtime")
}

func TestRuntimeLanguages(t *testing.T) {
	for r, want := range map[string]struct {
		lang  string
		major int
	}{
		"nodejs18": {"nodejs", 18}, "python3.10": {"python", 3}, "go1": {"go", 1},
		"custom.debian10": {"custom", -1}, "custom-container": {"custom", -1}, "dotnetcore3.1": {"dotnetcore", 3},
	} {
		lang, major := RuntimeLanguage(r)
		assert.Equal(t, want.lang, lang, r)
		assert.Equal(t, want.major, major, r)
	}
	assert.Equal(t, []string{"nodejs4.4", "nodejs6", "nodejs8", "nodejs10", "nodejs12", "nodejs14", "nodejs16", "nodejs18", "nodejs20"}, RuntimesOf("nodejs"))
}
