//go:build !unix

package packager

const oNonblock = 0
