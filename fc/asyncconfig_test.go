package fc_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func TestTheClientManagesAsyncInvokeConfigsPerQualifier(t *testing.T) {
	ctx := context.Background()
	c := newClient(t)
	_, err := c.CreateService(ctx, fc.ServiceInput{ServiceName: "shop"})
	require.NoError(t, err)
	z := zipOf(t, "index.py", "def handler(e, c):\n    return e\n")
	_, err = c.CreateFunction(ctx, "shop", fc.FunctionInput{FunctionName: "api", Runtime: ptr("python3"), Handler: ptr("index.handler"), Code: code(z)})
	require.NoError(t, err)

	_, err = c.GetFunctionAsyncInvokeConfig(ctx, "shop", "", "api")
	assert.True(t, fc.IsCode(err, fc.CodeAsyncConfigNotExists), "got %v", err)
	assert.True(t, fc.IsNotFound(err))

	onFailure := fc.FunctionARN("cn-hangzhou", "1234567890", "shop", "", "failures")
	put, err := c.PutFunctionAsyncInvokeConfig(ctx, "shop", "", "api", fc.AsyncConfigInput{
		MaxAsyncRetryAttempts: ptr(int64(1)),
		DestinationConfig:     &fc.DestinationConfig{OnFailure: &fc.Destination{Destination: onFailure}},
	})
	require.NoError(t, err)
	assert.Equal(t, fc.QualifierLatest, put.Qualifier)
	assert.Equal(t, 1, put.RetryAttempts())
	assert.Equal(t, int64(fc.DefaultAsyncEventAgeSeconds), put.EventAgeSeconds())

	v, err := c.PublishVersion(ctx, "shop", "", "")
	require.NoError(t, err)
	_, err = c.PutFunctionAsyncInvokeConfig(ctx, "shop", v.VersionID, "api", fc.AsyncConfigInput{MaxAsyncEventAgeInSeconds: ptr(int64(60))})
	require.NoError(t, err)

	got, err := c.GetFunctionAsyncInvokeConfig(ctx, "shop", fc.QualifierLatest, "api")
	require.NoError(t, err)
	assert.Equal(t, *put, *got, "no qualifier and LATEST are one config")

	all, err := c.ListAllFunctionAsyncInvokeConfigs(ctx, "shop", "api")
	require.NoError(t, err)
	require.Len(t, all, 2)
	assert.Equal(t, v.VersionID, all[0].Qualifier)
	assert.Equal(t, fc.QualifierLatest, all[1].Qualifier)

	_, err = c.PutFunctionAsyncInvokeConfig(ctx, "shop", "", "api", fc.AsyncConfigInput{MaxAsyncRetryAttempts: ptr(int64(9))})
	assert.True(t, fc.IsCode(err, fc.CodeInvalidArgument), "got %v", err)

	require.NoError(t, c.DeleteFunctionAsyncInvokeConfig(ctx, "shop", v.VersionID, "api"))
	all, err = c.ListAllFunctionAsyncInvokeConfigs(ctx, "shop", "api")
	require.NoError(t, err)
	assert.Len(t, all, 1)
}
