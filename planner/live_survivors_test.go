package planner

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadLiveOfAProjectThroughAnAPIThatCannotListByTagsReadsEachService(t *testing.T) {
	d := shopDesired()
	api := &fakeReader{live: convergedLive(d)}
	got, err := ReadLive(context.Background(), api, []string{"shop"}, ReadOptions{ClaimedBy: "shop"})
	require.NoError(t, err)
	assert.Equal(t, "etag-service-shop", got.Services["shop"].Service.ETag, "read one by one, with its ETag")
}

func TestReadLiveOfAServiceNeverPublishedHasNoNewestVersion(t *testing.T) {
	d := shopDesired()
	d.Services[0].Publish = false
	api := &fakeReader{live: convergedLive(d)}
	got, err := ReadLive(context.Background(), api, []string{"shop"}, ReadOptions{})
	require.NoError(t, err)
	ls := got.Services["shop"]
	assert.Empty(t, ls.NewestVersion())
	assert.Nil(t, ls.NewestVersionService)
	assert.Len(t, ls.Functions, 2)
}
