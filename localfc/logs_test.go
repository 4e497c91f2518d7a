package localfc

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func logRecord(id string, at time.Time) InvocationLog {
	return InvocationLog{Time: at, RequestID: id, Service: "s", Function: "f", Log: "output of " + id + "\n"}
}

func requestIDs(recs []InvocationLog) []string {
	var ids []string
	for _, r := range recs {
		ids = append(ids, r.RequestID)
	}
	return ids
}

func TestInvocationLogsAreReadBackOldestFirstAndFiltered(t *testing.T) {
	dir := t.TempDir()
	l := NewInvocationLogs(dir)
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	a, b, c := logRecord("a", t0), logRecord("b", t0.Add(time.Minute)), logRecord("c", t0.Add(2*time.Minute))
	b.Qualifier, b.VersionID = "live", "2"
	for _, r := range []InvocationLog{a, b, c} {
		require.NoError(t, l.Append(testAccount, r))
	}

	all, err := ReadInvocationLogs(dir, testAccount, "s", "f", LogQuery{})
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "c"}, requestIDs(all))
	assert.Equal(t, "output of a\n", all[0].Log)

	since, err := ReadInvocationLogs(dir, testAccount, "s", "f", LogQuery{Since: t0.Add(time.Minute)})
	require.NoError(t, err)
	assert.Equal(t, []string{"b", "c"}, requestIDs(since))

	for _, q := range []string{"live", "2"} {
		byQualifier, err := ReadInvocationLogs(dir, testAccount, "s", "f", LogQuery{Qualifier: q})
		require.NoError(t, err)
		assert.Equal(t, []string{"b"}, requestIDs(byQualifier), "qualifier %s", q)
	}
	latest, err := ReadInvocationLogs(dir, testAccount, "s", "f", LogQuery{Qualifier: "LATEST"})
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "c"}, requestIDs(latest))

	one, err := ReadInvocationLogs(dir, testAccount, "s", "f", LogQuery{RequestID: "c"})
	require.NoError(t, err)
	assert.Equal(t, []string{"c"}, requestIDs(one))

	none, err := ReadInvocationLogs(dir, testAccount, "s", "other", LogQuery{})
	require.NoError(t, err)
	assert.Empty(t, none, "a function never invoked has no logs, and no error")
}

func TestInvocationLogsStayWithinTheirBoundPerFunction(t *testing.T) {
	dir := t.TempDir()
	l := NewInvocationLogs(dir)
	l.maxRecords = 10
	for i := range 25 {
		require.NoError(t, l.Append(testAccount, logRecord(fmt.Sprint(i), time.Now())))
	}
	kept, err := ReadInvocationLogs(dir, testAccount, "s", "f", LogQuery{})
	require.NoError(t, err)
	assert.LessOrEqual(t, len(kept), 10)
	assert.GreaterOrEqual(t, len(kept), 5, "at least half the bound is kept")
	assert.Equal(t, "24", kept[len(kept)-1].RequestID, "the newest is kept")

	// A new process (a restart) counts what is there and keeps the bound.
	l2 := NewInvocationLogs(dir)
	l2.maxBytes = 600
	for i := range 20 {
		require.NoError(t, l2.Append(testAccount, logRecord(fmt.Sprint("x", i), time.Now())))
	}
	path, err := LogFile(dir, testAccount, "s", "f")
	require.NoError(t, err)
	cur, err := os.Stat(path)
	require.NoError(t, err)
	prev, err := os.Stat(path + ".1")
	require.NoError(t, err)
	assert.LessOrEqual(t, cur.Size()+prev.Size(), int64(600))
}

func TestNamesThatAreNotFunctionComputeNamesNeverBecomePaths(t *testing.T) {
	for _, bad := range []string{"..", "a/b", "", "-x"} {
		_, err := LogFile(t.TempDir(), testAccount, bad, "f")
		assert.Error(t, err, "%q", bad)
	}
	assert.Error(t, NewInvocationLogs(t.TempDir()).Append("../x", logRecord("a", time.Now())))
}

func TestFollowingShowsKeptRecordsThenNewOnesAcrossRotation(t *testing.T) {
	dir := t.TempDir()
	l := NewInvocationLogs(dir)
	l.maxRecords = 4 // a segment rotates every 2 records
	require.NoError(t, l.Append(testAccount, logRecord("old", time.Now())))

	got := make(chan string)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- FollowInvocationLogs(ctx, dir, testAccount, "s", "f", LogQuery{}, time.Millisecond, func(r InvocationLog) bool {
			got <- r.RequestID
			return r.RequestID != "last"
		})
	}()
	assert.Equal(t, "old", <-got)
	for _, id := range []string{"n1", "n2", "n3", "n4", "last"} {
		require.NoError(t, l.Append(testAccount, logRecord(id, time.Now())))
		assert.Equal(t, id, <-got, "each new record is followed, rotation or not")
	}
	require.NoError(t, <-done, "returning false ends the follow")
}

func TestEveryInvocationIsKeptWithItsRequestIDAndLog(t *testing.T) {
	dir := t.TempDir()
	e := newTestEnv(t, withRuntime(t), func(c *Config) { c.Logs = NewInvocationLogs(dir) })
	e.deploy("s", "f", "index.handler", nil)

	ok := invoke(e, "/2016-08-15/services/s/functions/f/invocations", "Ada", nil)
	require.Equal(t, http.StatusOK, ok.status)
	failed := invoke(e, "/2016-08-15/services/s/functions/f/invocations", "fail", map[string]string{fc.HeaderLogType: fc.LogTypeTail})
	require.Equal(t, http.StatusOK, failed.status)

	recs, err := ReadInvocationLogs(dir, testAccount, "s", "f", LogQuery{})
	require.NoError(t, err)
	require.Len(t, recs, 2)
	assert.Equal(t, ok.header.Get(fc.HeaderRequestID), recs[0].RequestID)
	assert.Empty(t, recs[0].ErrorType)
	assert.Equal(t, failed.header.Get(fc.HeaderRequestID), recs[1].RequestID)
	assert.Equal(t, fc.HandledInvocationError, recs[1].ErrorType)
	assert.Contains(t, recs[1].Log, "asked to fail")

	// The log tail a caller asked for is framed as Function Compute frames it.
	tail, err := base64.StdEncoding.DecodeString(failed.header.Get(fc.HeaderLogResult))
	require.NoError(t, err)
	id := failed.header.Get(fc.HeaderRequestID)
	assert.Regexp(t, "^FC Invoke Start RequestId: "+id+"\n(?s:.*)asked to fail(?s:.*)\nFC Invoke End RequestId: "+id+"\n$", string(tail))

	// Nobody sees the runtime's own frames: not the caller, not the logs.
	assert.Contains(t, string(failed.body), "index.py", "the user's frame stays")
	assert.NotContains(t, string(failed.body), ".bootstrap-")
	assert.NotContains(t, string(tail), ".bootstrap-")
	assert.NotContains(t, recs[1].Log, ".bootstrap-")
}
