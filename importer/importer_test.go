package importer

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type entry struct {
	name, body string
	mode       os.FileMode
}

func zipOf(t *testing.T, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name}
		h.SetMode(e.mode)
		fw, err := w.CreateHeader(h)
		require.NoError(t, err)
		_, err = fw.Write([]byte(e.body))
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	return buf.Bytes()
}

func TestUnzipKeepsFilesDirectoriesAndTheExecutableBit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "code")
	require.NoError(t, Unzip(zipOf(t,
		entry{"lib/", "", os.ModeDir | 0o755},
		entry{"index.py", "print(1)\n", 0o644},
		entry{"bin/run", "#!/bin/sh\n", 0o755},
		entry{"current", "lib", os.ModeSymlink | 0o777},
	), dir))
	b, err := os.ReadFile(filepath.Join(dir, "index.py"))
	require.NoError(t, err)
	assert.Equal(t, "print(1)\n", string(b))
	st, err := os.Stat(filepath.Join(dir, "bin/run"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o755), st.Mode().Perm())
	link, err := os.Readlink(filepath.Join(dir, "current"))
	require.NoError(t, err)
	assert.Equal(t, "lib", link)
}

func TestUnzipRefusesEntriesThatLandOutsideTheDirectory(t *testing.T) {
	for name, z := range map[string][]byte{
		"dot-dot":          zipOf(t, entry{"../evil.txt", "x", 0o644}),
		"nested dot-dot":   zipOf(t, entry{"a/../../evil.txt", "x", 0o644}),
		"absolute":         zipOf(t, entry{"/etc/evil", "x", 0o644}),
		"backslashes":      zipOf(t, entry{`..\evil.txt`, "x", 0o644}),
		"symlink out":      zipOf(t, entry{"a/link", "../../outside", os.ModeSymlink | 0o777}),
		"absolute symlink": zipOf(t, entry{"link", "/etc/passwd", os.ModeSymlink | 0o777}),
	} {
		t.Run(name, func(t *testing.T) {
			base := t.TempDir()
			err := Unzip(z, filepath.Join(base, "code"))
			require.Error(t, err)
			_, statErr := os.Stat(filepath.Join(base, "evil.txt"))
			assert.True(t, os.IsNotExist(statErr), "nothing is written next to the code directory")
		})
	}
}

func TestSecretLookingNamesAreRecognised(t *testing.T) {
	for _, n := range []string{"DB_PASSWORD", "api_key", "GithubToken", "AWS_SECRET_ACCESS_KEY", "GOOGLE_APPLICATION_CREDENTIALS"} {
		assert.True(t, LooksSecret(n), n)
	}
	for _, n := range []string{"STAGE", "LOG_LEVEL", "PATH", "REGION"} {
		assert.False(t, LooksSecret(n), n)
	}
}

func TestTwoFunctionsWithTheSameSecretNameButOtherValuesGetTwoVariables(t *testing.T) {
	im := &importer{secrets: map[string]*secretUse{}}
	assert.Equal(t, "DB_PASSWORD", im.secretName("shop", "api", "DB_PASSWORD", "a"))
	assert.Equal(t, "DB_PASSWORD", im.secretName("shop", "worker", "DB_PASSWORD", "a"))
	assert.Equal(t, "BILLING_JOB_DB_PASSWORD", im.secretName("billing", "job", "DB_PASSWORD", "b"))
	assert.Equal(t, []string{"shop/api:DB_PASSWORD", "shop/worker:DB_PASSWORD"}, im.secrets["DB_PASSWORD"].functions)
}
