package main

import (
	"io"
	"os"
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

// ColorEnabled reports whether output may carry ANSI colours: only on a
// terminal, and never when NO_COLOR is set (https://no-color.org).
func (s *IOStreams) ColorEnabled() bool {
	_, noColor := os.LookupEnv("NO_COLOR")
	return s.OutTTY && !noColor && os.Getenv("TERM") != "dumb"
}
