package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAFunctionErrorReadsLikeATraceback(t *testing.T) {
	body := `{"errorMessage": "boom", "errorType": "RuntimeError", "stackTrace": ["  File \"/d/1157/index.py\", line 4, in handler\n    raise RuntimeError(\"boom\")"]}`
	assert.Equal(t, "RuntimeError: boom\n    File \"/d/1157/index.py\", line 4, in handler\n      raise RuntimeError(\"boom\")", formatFunctionError([]byte(body)))
	assert.Equal(t, "not json", formatFunctionError([]byte("not json\n")))
}
