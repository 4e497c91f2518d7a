// Package crcforge forges data with a chosen Function Compute code checksum
// (CRC-64/XZ), as an attacker can, so that tests can prove a collision never
// hands one function another's code. It is for tests only.
package crcforge

import (
	"errors"
	"strconv"

	"github.com/fcdeploy/fcdeploy/fc"
)

// Forge overwrites the last 8 bytes of b so that fc.CodeChecksum(b) is
// target, solving the CRC's linear system over those bytes, and returns b.
// Whatever format b has must tolerate any value there (a zip's comment,
// say).
func Forge(b []byte, target string) ([]byte, error) {
	want, err := strconv.ParseUint(target, 10, 64)
	if err != nil {
		return nil, err
	}
	if len(b) < 8 {
		return nil, errors.New("crcforge: need at least 8 bytes to choose")
	}
	tail := len(b) - 8
	crc := func(s uint64) uint64 {
		for i := range 8 {
			b[tail+i] = byte(s >> (8 * i))
		}
		v, _ := strconv.ParseUint(fc.CodeChecksum(b), 10, 64)
		return v
	}
	// crc(s) = crc(0) ^ L(s) with L linear: find s with L(s) = want ^ crc(0)
	// by Gaussian elimination over the columns L(e_i).
	base := crc(0)
	type row struct{ col, bits uint64 }
	var basis [64]*row
	for i := range 64 {
		r := &row{col: crc(1<<i) ^ base, bits: 1 << i}
		for bit := 63; bit >= 0 && r.col != 0; bit-- {
			if r.col>>bit&1 == 0 {
				continue
			}
			if basis[bit] == nil {
				basis[bit] = r
				break
			}
			r.col ^= basis[bit].col
			r.bits ^= basis[bit].bits
		}
	}
	need, s := want^base, uint64(0)
	for bit := 63; bit >= 0; bit-- {
		if need>>bit&1 == 1 {
			if basis[bit] == nil {
				return nil, errors.New("crcforge: the checksum cannot be reached with 8 bytes")
			}
			need ^= basis[bit].col
			s ^= basis[bit].bits
		}
	}
	if got := strconv.FormatUint(crc(s), 10); got != target {
		return nil, errors.New("crcforge: forged " + got + ", not " + target)
	}
	return b, nil
}
