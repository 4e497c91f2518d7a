//go:build unix

package packager

import "syscall"

const oNonblock = syscall.O_NONBLOCK
