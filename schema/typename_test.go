package schema

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The shipped schema's unions all carry their own wording today, so the
// general form is pinned here for the next field that has none.
func TestTypeNamesReadAsAnEnglishList(t *testing.T) {
	assert.Equal(t, "a string", typeName("string"))
	assert.Equal(t, "a string or a whole number", typeName([]any{"string", "integer"}))
	assert.Equal(t, "a string, a number or true or false", typeName([]any{"string", "number", "boolean"}))
	assert.Equal(t, "a mapping, a list, empty or a string", typeName([]any{"object", "array", "null", "string"}))
}
