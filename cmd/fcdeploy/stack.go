package main

import (
	"encoding/json"
	"regexp"
	"strings"
)

// The local Function Compute runs functions under a bootstrap script of its
// own (.bootstrap-*/bootstrap.py or .js in its code cache). Its frames say
// nothing about the user's code, and Function Compute shows none of its
// own, so they are cut from stack traces and logs before printing.

// bootstrapFrame matches a frame line that points into the bootstrap.
var bootstrapFrame = regexp.MustCompile(`[/\\]\.bootstrap-[0-9a-f]+[/\\]bootstrap\.(py|js)\b`)

// pythonFrameStart is the first line of a Python traceback frame.
var pythonFrameStart = regexp.MustCompile(`^\s*File "`)

// stripRuntimeFrames removes the bootstrap's frames from text holding
// Python tracebacks or Node stacks: a Python frame is its `File "..."` line
// and the indented source (and caret) lines under it; a Node frame is one
// `at ...` line.
func stripRuntimeFrames(text string) string {
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

// functionError is the body of a failed invocation.
type functionError struct {
	ErrorMessage string   `json:"errorMessage"`
	ErrorType    string   `json:"errorType"`
	StackTrace   []string `json:"stackTrace"`
}

// formatFunctionError renders a failed invocation's body as a person reads
// a traceback: "Type: message" then the user's frames. A body that is not
// the error JSON is returned as it is.
func formatFunctionError(body []byte) string {
	var fe functionError
	if json.Unmarshal(body, &fe) != nil || (fe.ErrorMessage == "" && fe.ErrorType == "") {
		return strings.TrimSpace(string(body))
	}
	var b strings.Builder
	if fe.ErrorType != "" {
		b.WriteString(fe.ErrorType + ": ")
	}
	b.WriteString(fe.ErrorMessage)
	for _, frame := range fe.StackTrace {
		if bootstrapFrame.MatchString(frame) {
			continue
		}
		for _, l := range strings.Split(strings.TrimRight(frame, "\n"), "\n") {
			b.WriteString("\n  " + strings.TrimRight(l, " "))
		}
	}
	return b.String()
}
