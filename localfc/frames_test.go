package localfc

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const pythonTrace = `hi
Traceback (most recent call last):
  File "/data/code-cache/.bootstrap-ee42a86ffe61/bootstrap.py", line 225, in main
    out = to_body(handler(body, ctx))
                  ^^^^^^^^^^^^^^^^^^
  File "/data/code-cache/1157/index.py", line 4, in handler
    raise RuntimeError("boom")
RuntimeError: boom
`

func TestTheRuntimesOwnPythonFramesAreCutFromLogs(t *testing.T) {
	assert.Equal(t, `hi
Traceback (most recent call last):
  File "/data/code-cache/1157/index.py", line 4, in handler
    raise RuntimeError("boom")
RuntimeError: boom
`, StripRuntimeFrames(pythonTrace))
}

func TestTheRuntimesOwnNodeFramesAreCutFromLogs(t *testing.T) {
	in := "Error: boom\n    at exports.handler (/data/code-cache/42/index.js:2:9)\n    at invoke (/data/code-cache/.bootstrap-0a1b2c/bootstrap.js:77:12)\n"
	assert.Equal(t, "Error: boom\n    at exports.handler (/data/code-cache/42/index.js:2:9)\n", StripRuntimeFrames(in))
}

func TestTextWithoutRuntimeFramesIsLeftAlone(t *testing.T) {
	in := "  File \"/app/index.py\", line 1\n    x\nplain output\n"
	assert.Equal(t, in, StripRuntimeFrames(in))
}

func TestAFunctionErrorKeepsOnlyTheUsersFrames(t *testing.T) {
	body := `{"errorMessage": "boom", "errorType": "RuntimeError", "stackTrace": ["  File \"/d/.bootstrap-ee42/bootstrap.py\", line 225, in main\n    out = to_body(handler(body, ctx))", "  File \"/d/1157/index.py\", line 4, in handler\n    raise RuntimeError(\"boom\")"]}`
	var got struct {
		ErrorMessage, ErrorType string
		StackTrace              []string
	}
	require.NoError(t, json.Unmarshal(stripErrorFrames([]byte(body)), &got))
	assert.Equal(t, "boom", got.ErrorMessage)
	assert.Equal(t, "RuntimeError", got.ErrorType)
	assert.Equal(t, []string{"  File \"/d/1157/index.py\", line 4, in handler\n    raise RuntimeError(\"boom\")"}, got.StackTrace)

	assert.Equal(t, "hello", string(stripErrorFrames([]byte("hello"))), "a body that is no error is left alone")
}
