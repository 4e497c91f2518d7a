package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
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

func TestTheLocalRuntimesOwnPythonFramesAreCutFromLogs(t *testing.T) {
	assert.Equal(t, `hi
Traceback (most recent call last):
  File "/data/code-cache/1157/index.py", line 4, in handler
    raise RuntimeError("boom")
RuntimeError: boom
`, stripRuntimeFrames(pythonTrace))
}

func TestTheLocalRuntimesOwnNodeFramesAreCutFromLogs(t *testing.T) {
	in := "Error: boom\n    at exports.handler (/data/code-cache/42/index.js:2:9)\n    at invoke (/data/code-cache/.bootstrap-0a1b2c/bootstrap.js:77:12)\n"
	assert.Equal(t, "Error: boom\n    at exports.handler (/data/code-cache/42/index.js:2:9)\n", stripRuntimeFrames(in))
}

func TestTextWithoutRuntimeFramesIsLeftAlone(t *testing.T) {
	in := "  File \"/app/index.py\", line 1\n    x\nplain output\n"
	assert.Equal(t, in, stripRuntimeFrames(in))
}

func TestAFunctionErrorReadsLikeATracebackWithoutRuntimeFrames(t *testing.T) {
	body := `{"errorMessage": "boom", "errorType": "RuntimeError", "stackTrace": ["  File \"/d/.bootstrap-ee42/bootstrap.py\", line 225, in main\n    out = to_body(handler(body, ctx))", "  File \"/d/1157/index.py\", line 4, in handler\n    raise RuntimeError(\"boom\")"]}`
	assert.Equal(t, "RuntimeError: boom\n    File \"/d/1157/index.py\", line 4, in handler\n      raise RuntimeError(\"boom\")", formatFunctionError([]byte(body)))
	assert.Equal(t, "not json", formatFunctionError([]byte("not json\n")))
}
