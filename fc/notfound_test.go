package fc

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestIsNotFoundIsOnlyA404(t *testing.T) {
	assert.True(t, IsNotFound(fmt.Errorf("wrapped: %w", &APIError{HTTPStatus: 404, Code: CodeFunctionNotFound})))
	assert.False(t, IsNotFound(&APIError{HTTPStatus: 500, Code: CodeInternalServerError}), "another API error")
	assert.False(t, IsNotFound(errors.New("connection refused")), "not an API error at all")
	assert.False(t, IsNotFound(nil))
}

func TestIsAlreadyExistsNamesEachKindOfResource(t *testing.T) {
	for _, code := range []string{CodeServiceAlreadyExists, CodeFunctionAlreadyExists, CodeTriggerAlreadyExists, CodeAliasAlreadyExists, CodeDomainNameAlreadyExists} {
		assert.True(t, IsAlreadyExists(fmt.Errorf("wrapped: %w", &APIError{HTTPStatus: 409, Code: code})), code)
	}
	assert.False(t, IsAlreadyExists(&APIError{HTTPStatus: 409, Code: CodeVersionPublishError}), "another conflict")
	assert.False(t, IsAlreadyExists(errors.New("connection refused")))
}

// Each kind's longest name is accepted and one character more is refused.
func TestNamesMayBeExactlyAsLongAsTheirKindAllows(t *testing.T) {
	for kind, most := range map[string]int{"service": MaxServiceNameLength, "function": MaxFunctionNameLength, "trigger": MaxTriggerNameLength, "alias": MaxAliasNameLength} {
		assert.NoError(t, ValidateName(kind, strings.Repeat("a", most)), kind)
		assert.ErrorContains(t, ValidateName(kind, strings.Repeat("a", most+1)), fmt.Sprintf("at most %d are allowed", most), kind)
	}
}
