package runtime

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/internal/crcforge"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// forgeCRC returns a valid zip of files whose fc.CodeChecksum is target:
// the zip's comment ends the file, and its last 8 bytes are chosen as an
// attacker would.
func forgeCRC(t *testing.T, target string, files ...file) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.Create(f.name)
		require.NoError(t, err)
		_, err = w.Write([]byte(f.body))
		require.NoError(t, err)
	}
	require.NoError(t, zw.SetComment("12345678"))
	require.NoError(t, zw.Close())
	b, err := crcforge.Forge(buf.Bytes(), target)
	require.NoError(t, err)
	_, err = zip.NewReader(bytes.NewReader(b), int64(len(b)))
	require.NoError(t, err, "the forged zip still reads")
	return b
}

func TestAZipForgedToCollideWithAnotherAccountsCRCNeverRunsAsItsCode(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{})
	victim := fn(t, "python3", "index.handler", py("def handler(e, c):\n    return 'genuine'\n"))
	victim.AccountID = "222222"
	evilZip := forgeCRC(t, victim.CodeChecksum, py("def handler(e, c):\n    return 'forged'\n"))
	attacker := victim
	attacker.AccountID = "333333"
	attacker.CodeSHA256 = sha256Hex(evilZip)
	attacker.Code = func() ([]byte, error) { return evilZip, nil }
	require.Equal(t, victim.CodeChecksum, fc.CodeChecksum(evilZip), "same CRC-64")

	// The attacker's code is unpacked first, so a CRC-keyed cache would
	// hand it to the victim.
	assert.Equal(t, "forged", string(invoke(t, p, attacker).Body))
	assert.Equal(t, "genuine", string(invoke(t, p, victim).Body))
}

func TestACodeCacheEntryGoesWithItsLastUseAndStaysWhileProvisioned(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	cache := t.TempDir()
	p := newPool(t, Config{CacheDir: cache, IdleTimeout: time.Hour})
	used := fn(t, "python3", "index.handler", py("def handler(e, c):\n    return 'once'\n"))
	warm := fn(t, "python3", "index.handler", py("def handler(e, c):\n    return 'warm'\n"))
	warm.Function = "warm"
	invoke(t, p, used)
	have, err := p.Provision(context.Background(), warm, 1)
	require.NoError(t, err)
	require.Equal(t, 1, have)
	usedDir := filepath.Join(cache, "code-"+used.CodeSHA256)
	warmDir := filepath.Join(cache, "code-"+warm.CodeSHA256)
	require.DirExists(t, usedDir)
	require.DirExists(t, warmDir)

	p.reapIdle(time.Now()) // nothing is idle for an hour yet
	assert.DirExists(t, usedDir)

	p.reapIdle(time.Now().Add(2 * time.Hour))
	assert.NoDirExists(t, usedDir, "no function uses it any more")
	assert.DirExists(t, warmDir, "its provisioned instance still runs from it")
	assert.Equal(t, "warm", string(invoke(t, p, warm).Body))

	// Used again after removal: unpacked again.
	assert.Equal(t, "once", string(invoke(t, p, used).Body))
}

func TestAZipBombIsInflatedOnceNotAtEveryInvocation(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{MaxUnpackedBytes: 1 << 20})
	bomb := fn(t, "python3", "index.handler", file{name: "index.py", body: strings.Repeat("#", 4<<20)})
	load := bomb.Code
	loads := 0
	bomb.Code = func() ([]byte, error) { loads++; return load() }
	for range 3 {
		_, err := p.Invoke(context.Background(), bomb)
		require.ErrorIs(t, err, ErrCodeTooLarge)
	}
	assert.Equal(t, 1, loads, "the zip is loaded and inflated once per SHA-256")
}

func TestCacheEntriesOfTheCRCKeyedCacheAreRemovedAtStart(t *testing.T) {
	t.Parallel()
	cache := t.TempDir()
	for _, name := range []string{"1234567890123", "layer-42", "opt-0123456789abcdef01234567"} {
		require.NoError(t, os.MkdirAll(filepath.Join(cache, name), 0o755))
	}
	keep := filepath.Join(cache, "code-"+strings.Repeat("ab", 32))
	require.NoError(t, os.MkdirAll(keep, 0o755))
	newPool(t, Config{CacheDir: cache})
	entries, err := os.ReadDir(cache)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	assert.Equal(t, []string{filepath.Base(keep)}, names)
}
