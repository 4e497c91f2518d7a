package rollout_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/localfctest"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

type fixtureAPI = *storeAPI

// storeAPI is a temporary stand-in for *fc.Client while it is being written.
type storeAPI struct {
	st      store.Store
	account string
}

func connect(t *testing.T, inst *localfctest.Instance) *storeAPI {
	return &storeAPI{st: inst.Store, account: inst.AccountID}
}

func (a *storeAPI) GetAlias(ctx context.Context, service, alias string) (*fc.Alias, error) {
	al, err := a.st.GetAlias(ctx, a.account, service, alias)
	return &al, err
}

func (a *storeAPI) UpdateAlias(ctx context.Context, service, alias string, in fc.AliasInput, ifMatch string) (*fc.Alias, error) {
	al, err := a.st.UpdateAlias(ctx, a.account, service, alias, in, ifMatch)
	return &al, err
}

func (a *storeAPI) ListAllVersions(ctx context.Context, service string) ([]fc.Version, error) {
	out, err := a.st.ListVersions(ctx, a.account, service, fc.ListVersionsOptions{Limit: 100})
	return out.Versions, err
}

func (f *fixture) publishTwoVersions() {
	ctx, a := context.Background(), f.api
	d1, d2 := "v1", "v2"
	_, err := a.st.CreateService(ctx, a.account, fc.ServiceInput{ServiceName: service, Description: &d1})
	require.NoError(f.t, err)
	_, err = a.st.PublishVersion(ctx, a.account, service, "one", "")
	require.NoError(f.t, err)
	_, err = a.st.UpdateService(ctx, a.account, service, fc.ServiceInput{Description: &d2}, "")
	require.NoError(f.t, err)
	_, err = a.st.PublishVersion(ctx, a.account, service, "two", "")
	require.NoError(f.t, err)
	v1, desc := "1", userDesc
	_, err = a.st.CreateAlias(ctx, a.account, service, fc.AliasInput{AliasName: alias, VersionID: &v1, Description: &desc})
	require.NoError(f.t, err)
}
