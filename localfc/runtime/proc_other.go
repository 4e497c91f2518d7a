//go:build !unix

package runtime

import "os/exec"

// Without process groups only the worker itself can be stopped; processes
// it spawned may survive a timeout.
func ownProcessGroup(cmd *exec.Cmd) {}

func killGroup(cmd *exec.Cmd) { _ = cmd.Process.Kill() }
