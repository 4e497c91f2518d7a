package packager

import (
	"io/fs"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestHumanSizesChangeUnitAtEachPowerOf1024(t *testing.T) {
	assert.Equal(t, "1023 B", HumanSize(1023))
	assert.Equal(t, "1.0 KiB", HumanSize(1<<10))
	assert.Equal(t, "1024.0 KiB", HumanSize(1<<20-1))
	assert.Equal(t, "1.0 MiB", HumanSize(1<<20))
	assert.Equal(t, "3.5 MiB", HumanSize(3<<20+1<<19))
}

// What a refused file is called; a character device is also a device.
func TestIrregularFilesAreNamedByKind(t *testing.T) {
	assert.Equal(t, "socket", kindOf(fs.ModeSocket))
	assert.Equal(t, "named pipe", kindOf(fs.ModeNamedPipe))
	assert.Equal(t, "character device", kindOf(fs.ModeDevice|fs.ModeCharDevice))
	assert.Equal(t, "device", kindOf(fs.ModeDevice))
	assert.Equal(t, "irregular file", kindOf(fs.ModeIrregular))
}
