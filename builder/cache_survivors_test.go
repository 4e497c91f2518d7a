package builder

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rewriteRecord changes one field of a cache entry's record, leaving its
// output as it is.
func rewriteRecord(t *testing.T, entry, field, value string) {
	t.Helper()
	p := filepath.Join(entry, recordFile)
	data, err := os.ReadFile(p)
	require.NoError(t, err)
	var r map[string]any
	require.NoError(t, json.Unmarshal(data, &r))
	r[field] = value
	data, err = json.Marshal(r)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(p, data, 0o644))
}

func TestACacheEntryOfAnotherFormatOrRecordedForAnotherKeyIsRebuilt(t *testing.T) {
	needTools(t, "sh")
	src, cache := t.TempDir(), t.TempDir()
	writeTree(t, src, map[string]string{"in.txt": "x"})
	spec := Spec{Dir: src, Runtime: "custom", Recipe: RecipeCommand, Command: "mkdir out && cp in.txt out/", Output: "out"}
	first, _ := build(t, cache, spec)
	entry := filepath.Join(cache, first.Key)

	for _, c := range []struct{ field, value string }{
		{"format", "0"},             // written by an older fcdeploy
		{"key", "0123456789abcdef"}, // an entry copied under another key
	} {
		rewriteRecord(t, entry, c.field, c.value)
		r, b := build(t, cache, spec)
		assert.False(t, r.Cached, "%s %s", c.field, c.value)
		assert.Equal(t, Stats{Built: 1}, b.Stats(), "%s %s", c.field, c.value)
		assert.NoError(t, verifyEntry(entry), "the rebuilt entry replaced the other one")
	}
}

// Another run keeps putting a damaged entry at dst while this one's rename
// fails: commit moves it aside and tries again, four attempts in all.
func TestACommitThatKeepsMeetingADamagedEntryGivesUpAfterFourAttempts(t *testing.T) {
	dir := t.TempDir()
	dst := filepath.Join(dir, "dst")
	attempts := 0
	afterFailedRename = func(int) {
		attempts++
		writeTree(t, dst, map[string]string{"out/f.txt": "damaged"})
	}
	defer func() { afterFailedRename = nil }()
	err := commit(filepath.Join(dir, "vanished-entry"), dst)
	assert.ErrorContains(t, err, "build cache: "+dst+" keeps being replaced: ")
	assert.Equal(t, 4, attempts)
}
