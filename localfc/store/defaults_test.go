package store

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func TestAServiceHasInternetAccessUnlessItSaysOtherwise(t *testing.T) {
	t.Parallel()
	s := openTemp(t)
	ctx := context.Background()
	open, err := s.CreateService(ctx, acct, fc.ServiceInput{ServiceName: "open"})
	require.NoError(t, err)
	assert.True(t, open.InternetAccess, "the API's default is true")
	closed, err := s.CreateService(ctx, acct, fc.ServiceInput{ServiceName: "closed", InternetAccess: ptr(false)})
	require.NoError(t, err)
	assert.False(t, closed.InternetAccess)

	for name, want := range map[string]bool{"open": true, "closed": false} {
		got, err := s.GetService(ctx, acct, name, "")
		require.NoError(t, err)
		assert.Equal(t, want, got.InternetAccess, "service %s as stored", name)
		got, err = s.UpdateService(ctx, acct, name, fc.ServiceInput{Description: ptr("touched")}, got.ETag)
		require.NoError(t, err)
		assert.Equal(t, want, got.InternetAccess, "service %s after an update that omits it", name)
	}
}
