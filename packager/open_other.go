//go:build !unix

package packager

const openFlags = 0
