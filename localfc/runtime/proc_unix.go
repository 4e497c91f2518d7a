//go:build unix

package runtime

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup starts the worker in a process group of its own, so a
// timeout kills whatever the function spawned too.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

func killGroup(cmd *exec.Cmd) {
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}
