package main

import (
	"encoding/json"
	"strings"
)

// functionError is the body of a failed invocation.
type functionError struct {
	ErrorMessage string   `json:"errorMessage"`
	ErrorType    string   `json:"errorType"`
	StackTrace   []string `json:"stackTrace"`
}

// formatFunctionError renders a failed invocation's body as a person reads
// a traceback: "Type: message" then the frames (the local Function Compute
// has already cut its own). A body that is not the error JSON is returned
// as it is.
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
		for _, l := range strings.Split(strings.TrimRight(frame, "\n"), "\n") {
			b.WriteString("\n  " + strings.TrimRight(l, " "))
		}
	}
	return b.String()
}
