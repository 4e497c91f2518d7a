package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestColourFollowsTheFlagThenFORCE_COLORThenNO_COLORThenTheTerminal(t *testing.T) {
	cases := []struct {
		name  string
		mode  string
		tty   bool
		env   map[string]string
		color bool
	}{
		{"a terminal", "auto", true, nil, true},
		{"a pipe", "auto", false, nil, false},
		{"an empty NO_COLOR is as if unset", "auto", true, map[string]string{"NO_COLOR": ""}, true},
		{"a set NO_COLOR turns colour off", "auto", true, map[string]string{"NO_COLOR": "1"}, false},
		{"FORCE_COLOR colours a pipe", "auto", false, map[string]string{"FORCE_COLOR": "1"}, true},
		{"FORCE_COLOR=0 forces nothing", "auto", false, map[string]string{"FORCE_COLOR": "0"}, false},
		{"FORCE_COLOR wins over NO_COLOR", "auto", false, map[string]string{"FORCE_COLOR": "1", "NO_COLOR": "1"}, true},
		{"a dumb terminal", "auto", true, map[string]string{"TERM": "dumb"}, false},
		{"--color always colours a pipe", "always", false, map[string]string{"NO_COLOR": "1"}, true},
		{"--color never wins over FORCE_COLOR", "never", true, map[string]string{"FORCE_COLOR": "1"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &IOStreams{OutTTY: tc.tty, Color: tc.mode, Getenv: func(k string) string { return tc.env[k] }}
			assert.Equal(t, tc.color, s.ColorEnabled())
		})
	}
}

func TestJSONOutputNeverHasColour(t *testing.T) {
	s := &IOStreams{OutTTY: true, Color: "always", events: &eventWriter{}}
	assert.False(t, s.ColorEnabled())
}
