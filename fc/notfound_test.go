package fc

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestIsNotFoundIsOnlyA404(t *testing.T) {
	assert.True(t, IsNotFound(fmt.Errorf("wrapped: %w", &APIError{HTTPStatus: 404, Code: CodeFunctionNotFound})))
	assert.False(t, IsNotFound(&APIError{HTTPStatus: 500, Code: CodeInternalServerError}), "another API error")
	assert.False(t, IsNotFound(errors.New("connection refused")), "not an API error at all")
	assert.False(t, IsNotFound(nil))
}
