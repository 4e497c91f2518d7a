package localfc

import (
	"encoding/json"
	"regexp"
	"strings"
)

// The runtime runs functions under a bootstrap script of its own
// (.bootstrap-*/bootstrap.py or .js in its code cache). Its frames say
// nothing about the user's code, and Function Compute shows none of its
// own, so they are cut from stack traces and logs before anyone sees them.

// bootstrapFrame matches a frame line that points into the bootstrap.
var bootstrapFrame = regexp.MustCompile(`[/\\]\.bootstrap-[0-9a-f]+[/\\]bootstrap\.(py|js)\b`)

// pythonFrameStart is the first line of a Python traceback frame.
var pythonFrameStart = regexp.MustCompile(`^\s*File "`)

// StripRuntimeFrames removes the bootstrap's frames from text holding
// Python tracebacks or Node stacks: a Python frame is its `File "..."` line
// and the indented source (and caret) lines under it; a Node frame is one
// `at ...` line. Other text is returned as it is.
func StripRuntimeFrames(text string) string {
	if !bootstrapFrame.MatchString(text) {
		return text
	}
	lines := strings.SplitAfter(text, "\n")
	out := make([]string, 0, len(lines))
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if !bootstrapFrame.MatchString(l) {
			out = append(out, l)
			continue
		}
		if pythonFrameStart.MatchString(l) {
			// Skip the source lines, indented deeper than the frame line.
			indent := len(l) - len(strings.TrimLeft(l, " "))
			for i+1 < len(lines) {
				next := lines[i+1]
				ni := len(next) - len(strings.TrimLeft(next, " "))
				if strings.TrimSpace(next) == "" || ni <= indent || pythonFrameStart.MatchString(next) {
					break
				}
				i++
			}
		}
	}
	return strings.Join(out, "")
}

// stripErrorFrames removes the bootstrap's frames from the stackTrace of a
// function error body ({"errorMessage","errorType","stackTrace"}); any
// other body is returned as it is.
func stripErrorFrames(body []byte) []byte {
	if !bootstrapFrame.Match(body) {
		return body
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return body
	}
	var trace []string
	if json.Unmarshal(m["stackTrace"], &trace) != nil {
		return body
	}
	kept := []string{}
	for _, frame := range trace {
		if !bootstrapFrame.MatchString(frame) {
			kept = append(kept, frame)
		}
	}
	b, err := json.Marshal(kept)
	if err != nil {
		return body
	}
	m["stackTrace"] = b
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}
