package fc_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/localfctest"
)

func TestLayerVersionsArePublishedNumberedFromOneAndDownloadExactly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClient(t)
	z1, z2 := zipOf(t, "python/util.py", "X = 1\n"), zipOf(t, "python/util.py", "X = 2\n")

	l1, err := c.PublishLayerVersion(ctx, "deps", fc.PublishLayerVersionInput{Code: code(z1), CompatibleRuntime: []string{"python3"}, Description: ptr("first")})
	require.NoError(t, err)
	assert.Equal(t, int32(1), l1.Version)
	assert.NotEmpty(t, l1.ETag)
	assert.Equal(t, fc.CodeChecksum(z1), l1.CodeChecksum)
	assert.Equal(t, int64(len(z1)), l1.CodeSize)
	assert.Equal(t, []string{"python3"}, l1.CompatibleRuntime)
	assert.Equal(t, "first", l1.Description)
	assert.NotEmpty(t, l1.CreateTime)
	assert.Regexp(t, `^acs:fc:local:1234567890:layers/deps/versions/1$`, l1.ARN)

	l2, err := c.PublishLayerVersion(ctx, "deps", fc.PublishLayerVersionInput{Code: code(z2)})
	require.NoError(t, err)
	assert.Equal(t, int32(2), l2.Version)

	got, err := c.GetLayerVersion(ctx, "deps", 1)
	require.NoError(t, err)
	data, err := c.DownloadLayerCode(ctx, got)
	require.NoError(t, err)
	assert.Equal(t, z1, data, "version 1 keeps its own bytes after version 2")

	byARN, err := c.GetLayerVersionByArn(ctx, l2.ARN)
	require.NoError(t, err)
	assert.Equal(t, int32(2), byARN.Version)
	data, err = c.DownloadLayerCode(ctx, byARN)
	require.NoError(t, err)
	assert.Equal(t, z2, data)

	// Deleting the newest version never frees its number.
	require.NoError(t, c.DeleteLayerVersion(ctx, "deps", 2))
	_, err = c.GetLayerVersion(ctx, "deps", 2)
	assert.True(t, fc.IsCode(err, fc.CodeLayerVersionNotFound), "got %v", err)
	l3, err := c.PublishLayerVersion(ctx, "deps", fc.PublishLayerVersionInput{Code: code(z2)})
	require.NoError(t, err)
	assert.Equal(t, int32(3), l3.Version)
}

func TestLayerListsPageThroughLayersAndVersions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClient(t)
	z := zipOf(t, "nodejs/node_modules/a/index.js", "")
	for _, name := range []string{"b-layer", "a-layer"} {
		for range 3 {
			_, err := c.PublishLayerVersion(ctx, name, fc.PublishLayerVersionInput{Code: code(z)})
			require.NoError(t, err)
		}
	}
	_, err := c.PublishLayerVersion(ctx, "other", fc.PublishLayerVersionInput{Code: code(z)})
	require.NoError(t, err)

	page, err := c.ListLayers(ctx, fc.ListLayersOptions{ListOptions: fc.ListOptions{Limit: 1, Prefix: "a"}})
	require.NoError(t, err)
	require.Len(t, page.Layers, 1)
	assert.Equal(t, "a-layer", page.Layers[0].LayerName)
	assert.Equal(t, int32(3), page.Layers[0].Version, "each layer is listed as its newest version")
	assert.Empty(t, page.NextToken, "the prefix leaves one layer")

	all, err := c.ListAllLayers(ctx, "")
	require.NoError(t, err)
	var names []string
	for _, l := range all {
		names = append(names, l.LayerName)
	}
	assert.Equal(t, []string{"a-layer", "b-layer", "other"}, names)

	public, err := c.ListLayers(ctx, fc.ListLayersOptions{Public: true})
	require.NoError(t, err)
	assert.Empty(t, public.Layers, "layers are private until PutLayerACL")

	first, err := c.ListLayerVersions(ctx, "b-layer", fc.ListLayerVersionsOptions{Limit: 2})
	require.NoError(t, err)
	require.Len(t, first.Layers, 2)
	assert.Equal(t, int32(3), first.NextVersion)
	versions, err := c.ListAllLayerVersions(ctx, "b-layer")
	require.NoError(t, err)
	var nums []string
	for _, l := range versions {
		nums = append(nums, fmt.Sprint(l.Version))
	}
	assert.Equal(t, []string{"1", "2", "3"}, nums)
}

func TestLayerErrorsAreTyped(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClient(t)
	z := zipOf(t, "a", "b")

	_, err := c.GetLayerVersion(ctx, "missing", 1)
	assert.True(t, fc.IsCode(err, fc.CodeLayerNotFound), "got %v", err)
	assert.True(t, fc.IsNotFound(err))
	_, err = c.ListLayerVersions(ctx, "missing", fc.ListLayerVersionsOptions{})
	assert.True(t, fc.IsCode(err, fc.CodeLayerNotFound), "got %v", err)
	err = c.DeleteLayerVersion(ctx, "missing", 1)
	assert.True(t, fc.IsCode(err, fc.CodeLayerNotFound), "got %v", err)

	for _, tc := range []struct {
		name, layer string
		in          fc.PublishLayerVersionInput
		want        string
	}{
		{"a name starting with a digit", "1layer", fc.PublishLayerVersionInput{Code: code(z)}, "layer name"},
		{"no code", "l", fc.PublishLayerVersionInput{}, "code is required"},
		{"an unknown runtime", "l", fc.PublishLayerVersionInput{Code: code(z), CompatibleRuntime: []string{"cobol"}}, "compatibleRuntime"},
		{"code that is no zip", "l", fc.PublishLayerVersionInput{Code: &fc.Code{ZipFile: "bm90IGEgemlw"}}, "not a valid zip"},
		{"code from OSS", "l", fc.PublishLayerVersionInput{Code: &fc.Code{OSSBucketName: "b", OSSObjectName: "o"}}, "has no OSS"},
	} {
		_, err := c.PublishLayerVersion(ctx, tc.layer, tc.in)
		e := fc.AsAPIError(err)
		require.NotNil(t, e, "%s: got %v", tc.name, err)
		assert.Equal(t, fc.CodeInvalidArgument, e.Code, tc.name)
		assert.Equal(t, 400, e.HTTPStatus, tc.name)
		assert.Contains(t, e.Message, tc.want, tc.name)
	}

	l, err := c.PublishLayerVersion(ctx, "mine", fc.PublishLayerVersionInput{Code: code(z)})
	require.NoError(t, err)
	_, err = c.GetLayerVersionByArn(ctx, "acs:fc:local:999:layers/mine/versions/1")
	assert.True(t, fc.IsCode(err, fc.CodeAccessDenied), "another account's layer: %v", err)
	_, err = c.GetLayerVersionByArn(ctx, "not-an-arn")
	assert.True(t, fc.IsCode(err, fc.CodeInvalidArgument), "got %v", err)
	_, err = c.GetLayerVersionByArn(ctx, l.ARN[:len(l.ARN)-1]+"7")
	assert.True(t, fc.IsCode(err, fc.CodeLayerVersionNotFound), "got %v", err)
	_, err = c.GetLayerVersion(ctx, "mine", 0)
	assert.ErrorContains(t, err, "layer versions start at 1", "refused before sending")
}

func TestParseLayerVersionARNRoundTripsAndNamesWhatIsWrong(t *testing.T) {
	ref, err := fc.ParseLayerVersionARN("acs:fc:cn-shanghai:official:layers/Python39-Aliyun-SDK/versions/3")
	require.NoError(t, err)
	assert.Equal(t, fc.LayerVersionRef{Region: "cn-shanghai", Owner: "official", LayerName: "Python39-Aliyun-SDK", Version: 3}, ref)
	assert.Equal(t, "acs:fc:cn-shanghai:official:layers/Python39-Aliyun-SDK/versions/3", ref.String())
	for arn, want := range map[string]string{
		"acs:fc:r:1:layers/x/versions/0":  "whole number from 1",
		"acs:fc:r:1:layers/9x/versions/1": "layer name",
		"acs:fc:r:1:functions/x":          "not of the form",
	} {
		_, err := fc.ParseLayerVersionARN(arn)
		assert.ErrorContains(t, err, want, arn)
	}
}

func TestAPublicLayerIsReadableByAnotherAccountByARNAndAPrivateOneIsNot(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	inst := localfctest.Start(t)
	owner, err := fc.NewClient(inst.Config())
	require.NoError(t, err)
	cfg := inst.Config()
	cfg.AccountID = "2222222222"
	other, err := fc.NewClient(cfg)
	require.NoError(t, err)
	z := zipOf(t, "python/shared.py", "")

	l, err := owner.PublishLayerVersion(ctx, "shared", fc.PublishLayerVersionInput{Code: code(z)})
	require.NoError(t, err)
	_, err = other.GetLayerVersionByArn(ctx, l.ARN)
	assert.True(t, fc.IsCode(err, fc.CodeAccessDenied), "private: %v", err)
	_, err = other.GetLayerVersionByArn(ctx, "acs:fc:local:1234567890:layers/absent/versions/1")
	assert.True(t, fc.IsCode(err, fc.CodeAccessDenied), "a missing layer of another account looks the same: %v", err)

	require.NoError(t, owner.PutLayerACL(ctx, "shared", true))
	got, err := other.GetLayerVersionByArn(ctx, l.ARN)
	require.NoError(t, err)
	assert.Equal(t, int32(fc.LayerACLPublic), got.ACL)
	data, err := other.DownloadLayerCode(ctx, got)
	require.NoError(t, err)
	assert.Equal(t, z, data)
	listed, err := owner.ListLayers(ctx, fc.ListLayersOptions{Public: true})
	require.NoError(t, err)
	require.Len(t, listed.Layers, 1)
	mine, err := other.ListAllLayers(ctx, "")
	require.NoError(t, err)
	assert.Empty(t, mine, "accounts are namespaces: the other account lists none of its own")

	err = owner.PutLayerACL(ctx, "absent", true)
	assert.True(t, fc.IsCode(err, fc.CodeLayerNotFound), "got %v", err)
}
