package fc_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

// The client against the real local server: snapshots, aliases and code
// round trips behave as the specification says.
func TestAQualifiedReadReturnsThePublishedSnapshotAfterLatestChanged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClient(t)
	zip1, zip2 := zipOf(t, "index.py", "v1"), zipOf(t, "index.py", "v2")

	_, err := c.CreateService(ctx, fc.ServiceInput{ServiceName: "shop"})
	require.NoError(t, err)
	_, err = c.CreateFunction(ctx, "shop", fc.FunctionInput{FunctionName: "checkout", Runtime: ptr("python3"), Handler: ptr("index.handler"), MemorySize: ptr(int32(256)), Code: code(zip1)})
	require.NoError(t, err)
	assert.Equal(t, int64(len(zip1)), c.Stats().CodeBytesUploaded, "the decoded zip is counted, not its base64")
	v1, err := c.PublishVersion(ctx, "shop", "first", "")
	require.NoError(t, err)
	_, err = c.CreateAlias(ctx, "shop", fc.AliasInput{AliasName: "live", VersionID: &v1.VersionID})
	require.NoError(t, err)

	latest, err := c.GetFunction(ctx, "shop", "", "checkout")
	require.NoError(t, err)
	_, err = c.UpdateFunction(ctx, "shop", "checkout", fc.FunctionInput{MemorySize: ptr(int32(512)), Code: code(zip2)}, latest.ETag)
	require.NoError(t, err)

	for _, q := range []string{v1.VersionID, "live"} {
		snap, err := c.GetFunction(ctx, "shop", q, "checkout")
		require.NoError(t, err, q)
		assert.Equal(t, int32(256), snap.MemorySize, "qualifier %s still reads the snapshot", q)
		assert.Equal(t, fc.CodeChecksum(zip1), snap.CodeChecksum, q)

		fcode, err := c.GetFunctionCode(ctx, "shop", q, "checkout")
		require.NoError(t, err, q)
		data, err := c.DownloadCode(ctx, fcode)
		require.NoError(t, err, q)
		assert.Equal(t, zip1, data, "qualifier %s downloads the exact published zip", q)
	}
	now, err := c.GetFunction(ctx, "shop", fc.QualifierLatest, "checkout")
	require.NoError(t, err)
	assert.Equal(t, int32(512), now.MemorySize)

	// A stale ETag is refused and not retried into success.
	_, err = c.UpdateFunction(ctx, "shop", "checkout", fc.FunctionInput{MemorySize: ptr(int32(1024))}, latest.ETag)
	assert.True(t, fc.IsPreconditionFailed(err), "got %v", err)
}

func TestInvokeAnswersARealResultOrAClearNotImplementedError(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClient(t)
	_, err := c.CreateService(ctx, fc.ServiceInput{ServiceName: "s"})
	require.NoError(t, err)
	_, err = c.CreateFunction(ctx, "s", fc.FunctionInput{FunctionName: "f", Runtime: ptr("python3"), Handler: ptr("index.handler"), Code: code(zipOf(t, "index.py", "x"))})
	require.NoError(t, err)
	out, err := c.InvokeFunction(ctx, "s", "", "f", []byte(`{"a":1}`), fc.InvokeOptions{LogTail: true})
	if err == nil {
		// The runtime has been wired in since: then it must be a real answer.
		assert.Equal(t, 200, out.StatusCode)
		assert.NotEmpty(t, out.RequestID)
		return
	}
	e := fc.AsAPIError(err)
	require.NotNil(t, e, "got %v", err)
	assert.Equal(t, fc.CodeNotImplemented, e.Code)
	assert.Equal(t, 501, e.HTTPStatus)
	assert.Contains(t, e.Message, "InvokeFunction")
}
