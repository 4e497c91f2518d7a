package main

import (
	"fmt"
	"io"
	"os"
	"time"
)

// IOStreams is where a command reads and writes. Tests inject buffers;
// IsTTY decides colours and prompts.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// OutTTY and InTTY say whether stdout and stdin are terminals.
	OutTTY bool
	InTTY  bool

	// Set by the global flags (root.go).
	Quiet bool   // --quiet: only errors and the final summary
	Color string // --color: auto (default), always or never
	// RetryFor is --retry-for: how long each request is retried.
	RetryFor time.Duration

	// Getenv reads the environment (NO_COLOR, FORCE_COLOR, TERM); nil
	// means os.Getenv. Tests inject their own.
	Getenv func(string) string

	// events is set when the running command writes JSON events
	// (--format json): stdout then carries only those.
	events *eventWriter
}

func systemStreams() *IOStreams {
	return &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		OutTTY: isTerminal(os.Stdout), InTTY: isTerminal(os.Stdin),
	}
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func (s *IOStreams) getenv(key string) string {
	if s.Getenv != nil {
		return s.Getenv(key)
	}
	return os.Getenv(key)
}

// colorModes are the values of --color.
var colorModes = []string{"auto", "always", "never"}

func checkColorMode(mode string) error {
	for _, m := range colorModes {
		if mode == m {
			return nil
		}
	}
	return fmt.Errorf("--color %q is not supported; use auto, always or never", mode)
}

// ColorEnabled reports whether output may carry ANSI colours. --color
// always/never decide alone. With auto: FORCE_COLOR set to anything but ""
// or "0" turns colours on; NO_COLOR set to anything but "" turns them off
// (https://no-color.org: an empty NO_COLOR is as if unset); otherwise only
// a terminal other than TERM=dumb gets colours. JSON output never has any.
func (s *IOStreams) ColorEnabled() bool {
	if s.events != nil {
		return false
	}
	switch s.Color {
	case "always":
		return true
	case "never":
		return false
	}
	if f := s.getenv("FORCE_COLOR"); f != "" && f != "0" {
		return true
	}
	if s.getenv("NO_COLOR") != "" {
		return false
	}
	return s.OutTTY && s.getenv("TERM") != "dumb"
}

// Info is where progress and other non-essential output goes: stdout,
// or nowhere with --quiet or when stdout carries JSON events.
func (s *IOStreams) Info() io.Writer {
	if s.Quiet || s.events != nil {
		return io.Discard
	}
	return s.Out
}

// Prompt is where questions are asked: stdout, or stderr when stdout
// carries JSON events.
func (s *IOStreams) Prompt() io.Writer {
	if s.events != nil {
		return s.ErrOut
	}
	return s.Out
}
