// Package ziptree resolves the symlinks of a code archive virtually,
// through the archive's own entries, so that a link chain leaving the
// code directory is caught before anything is written: at create time
// (localfc's code check) and at unpack time (the runtime's cache), with
// one piece of logic.
//
// It works on clean slash paths relative to the code directory and never
// touches the file system.
package ziptree
