package localfc

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

func TestKeysAreCreatedOnceWithMode0600(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	first, created, err := LoadOrCreateKeys(dir)
	require.NoError(t, err)
	assert.True(t, created)
	assert.NotEmpty(t, first.AccessKeyID)
	assert.GreaterOrEqual(t, len(first.AccessKeySecret), 32)
	fi, err := os.Stat(filepath.Join(dir, CredentialsFileName))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	again, created, err := LoadOrCreateKeys(dir)
	require.NoError(t, err)
	assert.False(t, created, "the second call reads the same pair")
	assert.Equal(t, first, again)
}

func TestACorruptCredentialsFileIsAnErrorNamingIt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, CredentialsFileName), []byte("{}"), 0o600))
	_, _, err := LoadOrCreateKeys(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), CredentialsFileName)
}

func signedGet(t *testing.T, tg *Target, path string) int {
	t.Helper()
	req, err := http.NewRequest("GET", tg.Endpoint+path, nil)
	require.NoError(t, err)
	req.Header.Set(fc.HeaderAccountID, tg.AccountID)
	fc.SignRequest(req, tg.Credentials, time.Now())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

func TestConnectServesTheStoreInProcessWhenNoServerRuns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tg, err := Connect(context.Background(), dir)
	require.NoError(t, err)
	assert.True(t, tg.Embedded)
	assert.Equal(t, DefaultAccountID, tg.AccountID)
	assert.Equal(t, 200, signedGet(t, tg, api+"/services"))
	require.NoError(t, tg.Close())

	// Close released the store: it opens again.
	st, err := store.Open(filepath.Join(dir, StoreFileName))
	require.NoError(t, err)
	st.Close()
}

func TestConnectTalksToARunningServeNamedByServerJSON(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	creds, _, err := LoadOrCreateKeys(dir)
	require.NoError(t, err)
	st, err := store.Open(filepath.Join(dir, StoreFileName))
	require.NoError(t, err)
	defer st.Close()
	ts := httptest.NewServer(New(Config{Store: st, Credentials: map[string]string{creds.AccessKeyID: creds.AccessKeySecret}}))
	defer ts.Close()
	require.NoError(t, WriteServerInfo(dir, ts.URL))
	fi, err := os.Stat(filepath.Join(dir, ServerInfoFileName))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	tg, err := Connect(context.Background(), dir)
	require.NoError(t, err)
	defer tg.Close()
	assert.False(t, tg.Embedded)
	assert.Equal(t, ts.URL, tg.Endpoint)
	assert.Equal(t, 200, signedGet(t, tg, api+"/services"))

	require.NoError(t, RemoveServerInfo(dir))
	assert.NoFileExists(t, filepath.Join(dir, ServerInfoFileName))
}

func TestConnectIgnoresAStaleServerJSON(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// A URL nothing answers on, as left behind by kill -9.
	ln := httptest.NewServer(http.NotFoundHandler())
	deadURL := ln.URL
	ln.Close()
	require.NoError(t, WriteServerInfo(dir, deadURL))
	tg, err := Connect(context.Background(), dir)
	require.NoError(t, err)
	defer tg.Close()
	// The kernel may hand the freed port to the embedded server, so the
	// proof is that Connect started its own server and it answers, not
	// that the URL differs.
	assert.True(t, tg.Embedded)
	assert.Equal(t, 200, signedGet(t, tg, api+"/services"))
}

func TestConnectExplainsALockedStoreWithNoServer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// bbolt's lock is per open file description, so a second Open in this
	// process is refused just as another process would be.
	st, err := store.Open(filepath.Join(dir, StoreFileName))
	require.NoError(t, err)
	defer st.Close()
	_, err = Connect(context.Background(), dir)
	require.Error(t, err)
	assert.ErrorIs(t, err, store.ErrLocked)
	assert.Contains(t, err.Error(), filepath.Join(dir, StoreFileName))
	assert.Contains(t, err.Error(), "no `fcdeploy serve` answers")
}
