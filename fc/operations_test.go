package fc_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/localfctest"
)

func newClient(t *testing.T) *fc.Client {
	t.Helper()
	inst := localfctest.Start(t)
	c, err := fc.NewClient(inst.Config())
	require.NoError(t, err)
	return c
}

func zipOf(t *testing.T, name, content string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	f, err := w.Create(name)
	require.NoError(t, err)
	_, err = f.Write([]byte(content))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Bytes()
}

func ptr[T any](v T) *T { return &v }

func code(z []byte) *fc.Code { return &fc.Code{ZipFile: base64.StdEncoding.EncodeToString(z)} }

func TestTheClientDrivesAWholeServiceLifecycleAgainstTheLocalServer(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)

	svc, err := c.CreateService(ctx, fc.ServiceInput{ServiceName: "shop", Description: ptr("v1")})
	require.NoError(t, err)
	assert.NotEmpty(t, svc.ETag, "create returns the ETag header")

	z1 := zipOf(t, "index.py", "def handler(e, c):\n    return 'one'\n")
	fn, err := c.CreateFunction(ctx, "shop", fc.FunctionInput{FunctionName: "api", Runtime: ptr("python3"), Handler: ptr("index.handler"), Code: code(z1)})
	require.NoError(t, err)
	assert.Equal(t, fc.CodeChecksum(z1), fn.CodeChecksum)
	assert.Equal(t, int64(len(z1)), fn.CodeSize)
	assert.GreaterOrEqual(t, c.Stats().CodeBytesUploaded, int64(len(z1)))

	// A write guarded by a stale ETag is refused with 412, never applied.
	_, err = c.UpdateFunction(ctx, "shop", "api", fc.FunctionInput{Timeout: ptr(int32(9))}, fn.ETag)
	require.NoError(t, err)
	_, err = c.UpdateFunction(ctx, "shop", "api", fc.FunctionInput{Timeout: ptr(int32(7))}, fn.ETag)
	assert.True(t, fc.IsPreconditionFailed(err), "stale If-Match: %v", err)
	got, err := c.GetFunction(ctx, "shop", "", "api")
	require.NoError(t, err)
	assert.Equal(t, int32(9), got.Timeout)

	tr, err := c.CreateTrigger(ctx, "shop", "api", fc.TriggerInput{TriggerName: "tick", TriggerType: "timer", TriggerConfig: []byte(`{"cronExpression":"@every 5m","enable":true}`)})
	require.NoError(t, err)
	assert.Equal(t, "timer", tr.TriggerType)

	v1, err := c.PublishVersion(ctx, "shop", "first", "")
	require.NoError(t, err)
	_, err = c.PublishVersion(ctx, "shop", "again", "")
	assert.True(t, fc.IsCode(err, fc.CodeVersionPublishError), "nothing changed: %v", err)

	z2 := zipOf(t, "index.py", "def handler(e, c):\n    return 'two'\n")
	_, err = c.UpdateFunction(ctx, "shop", "api", fc.FunctionInput{Code: code(z2)}, "")
	require.NoError(t, err)
	v2, err := c.PublishVersion(ctx, "shop", "second", "")
	require.NoError(t, err)

	alias, err := c.CreateAlias(ctx, "shop", fc.AliasInput{AliasName: "live", VersionID: &v1.VersionID, AdditionalVersionWeight: map[string]float64{v2.VersionID: 0.1}})
	require.NoError(t, err)
	assert.Equal(t, map[string]float64{v2.VersionID: 0.1}, alias.AdditionalVersionWeight)

	// Reads through the alias see version 1's code; LATEST sees the new one.
	old, err := c.GetFunction(ctx, "shop", "live", "api")
	require.NoError(t, err)
	assert.Equal(t, fc.CodeChecksum(z1), old.CodeChecksum)
	fcode, err := c.GetFunctionCode(ctx, "shop", v1.VersionID, "api")
	require.NoError(t, err)
	data, err := c.DownloadCode(ctx, fcode)
	require.NoError(t, err)
	assert.Equal(t, z1, data, "the download is the exact zip")

	versions, err := c.ListAllVersions(ctx, "shop")
	require.NoError(t, err)
	require.Len(t, versions, 2)
	assert.Equal(t, v2.VersionID, versions[0].VersionID, "newest first")

	// Deletes in reverse order; a service with content is not empty.
	assert.True(t, fc.IsCode(c.DeleteService(ctx, "shop", ""), fc.CodeServiceNotEmpty))
	assert.True(t, fc.IsCode(c.DeleteFunction(ctx, "shop", "api", ""), fc.CodeFunctionNotEmpty))
	require.NoError(t, c.DeleteAlias(ctx, "shop", "live", alias.ETag))
	require.NoError(t, c.DeleteVersion(ctx, "shop", v1.VersionID))
	require.NoError(t, c.DeleteVersion(ctx, "shop", v2.VersionID))
	require.NoError(t, c.DeleteTrigger(ctx, "shop", "api", "tick", ""))
	require.NoError(t, c.DeleteFunction(ctx, "shop", "api", ""))
	require.NoError(t, c.DeleteService(ctx, "shop", ""))
	_, err = c.GetService(ctx, "shop", "")
	assert.True(t, fc.IsCode(err, fc.CodeServiceNotFound))
}

func TestListAllWalksEveryPage(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)
	_, err := c.CreateService(ctx, fc.ServiceInput{ServiceName: "s"})
	require.NoError(t, err)
	z := zipOf(t, "index.py", "x")
	for _, name := range []string{"a", "b", "c"} {
		_, err := c.CreateFunction(ctx, "s", fc.FunctionInput{FunctionName: name, Runtime: ptr("python3"), Handler: ptr("index.handler"), Code: code(z)})
		require.NoError(t, err)
	}
	page, err := c.ListFunctions(ctx, "s", "", fc.ListOptions{Limit: 2})
	require.NoError(t, err)
	assert.Len(t, page.Functions, 2)
	assert.NotEmpty(t, page.NextToken)
	all, err := c.ListAllFunctions(ctx, "s", "")
	require.NoError(t, err)
	assert.Len(t, all, 3)
}

func TestWrongCredentialsAreRefusedAndNeverEchoed(t *testing.T) {
	inst := localfctest.Start(t)
	cfg := inst.Config()
	cfg.Credentials.AccessKeySecret = "not-the-secret"
	c, err := fc.NewClient(cfg)
	require.NoError(t, err)
	_, err = c.ListServices(context.Background(), fc.ListOptions{})
	assert.True(t, fc.IsCode(err, fc.CodeSignatureNotMatch), "%v", err)
	assert.NotContains(t, err.Error(), "not-the-secret")
}
