package crcforge

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func TestForgedBytesCarryTheChosenChecksum(t *testing.T) {
	target := fc.CodeChecksum([]byte("genuine code"))
	forged, err := Forge([]byte("impostor with 8 free bytes: 12345678"), target)
	require.NoError(t, err)
	assert.Equal(t, target, fc.CodeChecksum(forged))
	assert.NotEqual(t, []byte("genuine code"), forged)
	_, err = Forge([]byte("short"), target)
	assert.Error(t, err)
}
