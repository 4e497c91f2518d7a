//go:build unix

package packager

import "syscall"

// openFlags for reading a file the walk listed: O_NOFOLLOW so a file
// swapped for a symlink after the walk is refused instead of followed
// outside the code directory; O_NONBLOCK so a fifo swapped in does not
// block the open.
const openFlags = syscall.O_NOFOLLOW | syscall.O_NONBLOCK
