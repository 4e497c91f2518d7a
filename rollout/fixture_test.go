package rollout_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/localfctest"
)

type fixtureAPI = *fc.Client

// connect is a real fc client talking HTTP to the local server.
func connect(t *testing.T, inst *localfctest.Instance) *fc.Client {
	t.Helper()
	c, err := fc.NewClient(inst.Config())
	require.NoError(t, err)
	return c
}

func (f *fixture) publishTwoVersions() {
	ctx, a := context.Background(), f.api
	d1, d2 := "v1", "v2"
	_, err := a.CreateService(ctx, fc.ServiceInput{ServiceName: service, Description: &d1})
	require.NoError(f.t, err)
	_, err = a.PublishVersion(ctx, service, "one", "")
	require.NoError(f.t, err)
	_, err = a.UpdateService(ctx, service, fc.ServiceInput{Description: &d2}, "")
	require.NoError(f.t, err)
	_, err = a.PublishVersion(ctx, service, "two", "")
	require.NoError(f.t, err)
	v1, desc := "1", userDesc
	_, err = a.CreateAlias(ctx, service, fc.AliasInput{AliasName: alias, VersionID: &v1, Description: &desc})
	require.NoError(f.t, err)
}
