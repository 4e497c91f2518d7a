package promote_test

import (
	"context"
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/promote"
)

func withLayer(p *manifest.Project) *manifest.Project {
	p.Layers = []manifest.Layer{{Name: "deps"}}
	return p
}

func TestTheNewestLayerVersionOfTheSourceIsWhatIsPromoted(t *testing.T) {
	ctx := context.Background()
	c := staging(t, zipOf(t, "def handler(e, c): return 'v1'"))
	v1, v2 := zipOf(t, "VALUE = 1"), zipOf(t, "VALUE = 2")
	for _, z := range [][]byte{v1, v2} {
		_, err := c.PublishLayerVersion(ctx, "deps", fc.PublishLayerVersionInput{Code: &fc.Code{ZipFile: base64.StdEncoding.EncodeToString(z)}})
		require.NoError(t, err)
	}

	src, err := promote.ReadSource(ctx, c, "staging", withLayer(shopProject("api")), "")
	require.NoError(t, err)
	layers := src.Layers()
	require.Len(t, layers, 1)
	assert.Equal(t, int32(2), layers[0].Version)
	assert.Equal(t, fc.CodeChecksum(v2), layers[0].Checksum)

	code, err := src.LayerFor(ctx, &manifest.Layer{Name: "deps"})
	require.NoError(t, err)
	assert.Equal(t, fc.CodeChecksum(v2), code.Checksum)
	got, err := src.LayerCode(ctx, "deps", code.Checksum)
	require.NoError(t, err)
	assert.Equal(t, v2, got, "the very bytes live in the source")

	_, err = src.LayerCode(ctx, "deps", fc.CodeChecksum(v1))
	require.ErrorContains(t, err, "not the "+fc.CodeChecksum(v1)+" planned")
}

func TestALayerNotPublishedInTheSourceIsRefused(t *testing.T) {
	c := staging(t, zipOf(t, "def handler(e, c): return 'v1'"))
	_, err := promote.ReadSource(context.Background(), c, "staging", withLayer(shopProject("api")), "")
	require.ErrorContains(t, err, "layer deps is not published in staging")
}
