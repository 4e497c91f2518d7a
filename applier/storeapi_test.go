package applier

import (
	"context"
	"encoding/base64"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

// storeAPI is a fake Function Compute client backed by the real bbolt store
// of the local server (so ETags, preconditions and versions behave as the
// server's), without HTTP. It counts requests like fc.Client.Stats.
type storeAPI struct {
	st      store.Store
	account string

	reads, writes, codeBytes atomic.Int64

	// hook, when set, runs before every write with the operation name.
	mu   sync.Mutex
	hook func(op string)
	log  []string
}

func newStoreAPI(t *testing.T) *storeAPI {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "fc.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	return &storeAPI{st: st, account: "111111"}
}

func (a *storeAPI) read() { a.reads.Add(1) }

func (a *storeAPI) write(op string) {
	a.writes.Add(1)
	a.mu.Lock()
	a.log = append(a.log, op)
	hook := a.hook
	a.mu.Unlock()
	if hook != nil {
		hook(op)
	}
}

func (a *storeAPI) writeLog() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.log...)
}

func (a *storeAPI) blob(code *fc.Code) (*store.CodeBlob, error) {
	if code == nil {
		return nil, nil
	}
	zip, err := base64.StdEncoding.DecodeString(code.ZipFile)
	if err != nil {
		return nil, err
	}
	a.codeBytes.Add(int64(len(zip)))
	return &store.CodeBlob{Zip: zip, Checksum: fc.CodeChecksum(zip)}, nil
}

func ret[T any](v T, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	return &v, nil
}

func (a *storeAPI) CreateService(ctx context.Context, in fc.ServiceInput) (*fc.Service, error) {
	a.write("CreateService " + in.ServiceName)
	return ret(a.st.CreateService(ctx, a.account, in))
}
func (a *storeAPI) GetService(ctx context.Context, service, qualifier string) (*fc.Service, error) {
	a.read()
	return ret(a.st.GetService(ctx, a.account, service, qualifier))
}
func (a *storeAPI) UpdateService(ctx context.Context, service string, in fc.ServiceInput, ifMatch string) (*fc.Service, error) {
	a.write("UpdateService " + service)
	return ret(a.st.UpdateService(ctx, a.account, service, in, ifMatch))
}
func (a *storeAPI) DeleteService(ctx context.Context, service, ifMatch string) error {
	a.write("DeleteService " + service)
	return a.st.DeleteService(ctx, a.account, service, ifMatch)
}
func (a *storeAPI) CreateFunction(ctx context.Context, service string, in fc.FunctionInput) (*fc.Function, error) {
	a.write("CreateFunction " + service + "/" + in.FunctionName)
	blob, err := a.blob(in.Code)
	if err != nil {
		return nil, err
	}
	in.Code = nil
	return ret(a.st.CreateFunction(ctx, a.account, service, in, blob))
}
func (a *storeAPI) GetFunction(ctx context.Context, service, qualifier, function string) (*fc.Function, error) {
	a.read()
	return ret(a.st.GetFunction(ctx, a.account, service, qualifier, function))
}
func (a *storeAPI) UpdateFunction(ctx context.Context, service, function string, in fc.FunctionInput, ifMatch string) (*fc.Function, error) {
	a.write("UpdateFunction " + service + "/" + function)
	blob, err := a.blob(in.Code)
	if err != nil {
		return nil, err
	}
	in.Code = nil
	return ret(a.st.UpdateFunction(ctx, a.account, service, function, in, blob, ifMatch))
}
func (a *storeAPI) DeleteFunction(ctx context.Context, service, function, ifMatch string) error {
	a.write("DeleteFunction " + service + "/" + function)
	return a.st.DeleteFunction(ctx, a.account, service, function, ifMatch)
}
func (a *storeAPI) ListAllFunctions(ctx context.Context, service, qualifier string) ([]fc.Function, error) {
	var out []fc.Function
	opt := fc.ListOptions{Limit: fc.MaxListLimit}
	for {
		a.read()
		page, err := a.st.ListFunctions(ctx, a.account, service, qualifier, opt)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Functions...)
		if page.NextToken == "" {
			return out, nil
		}
		opt.NextToken = page.NextToken
	}
}
func (a *storeAPI) CreateTrigger(ctx context.Context, service, function string, in fc.TriggerInput) (*fc.Trigger, error) {
	a.write("CreateTrigger " + service + "/" + function + "/" + in.TriggerName)
	return ret(a.st.CreateTrigger(ctx, a.account, service, function, in))
}
func (a *storeAPI) GetTrigger(ctx context.Context, service, function, trigger string) (*fc.Trigger, error) {
	a.read()
	return ret(a.st.GetTrigger(ctx, a.account, service, function, trigger))
}
func (a *storeAPI) UpdateTrigger(ctx context.Context, service, function, trigger string, in fc.TriggerInput, ifMatch string) (*fc.Trigger, error) {
	a.write("UpdateTrigger " + service + "/" + function + "/" + trigger)
	return ret(a.st.UpdateTrigger(ctx, a.account, service, function, trigger, in, ifMatch))
}
func (a *storeAPI) DeleteTrigger(ctx context.Context, service, function, trigger, ifMatch string) error {
	a.write("DeleteTrigger " + service + "/" + function + "/" + trigger)
	return a.st.DeleteTrigger(ctx, a.account, service, function, trigger, ifMatch)
}
func (a *storeAPI) ListAllTriggers(ctx context.Context, service, function string) ([]fc.Trigger, error) {
	var out []fc.Trigger
	opt := fc.ListOptions{Limit: fc.MaxListLimit}
	for {
		a.read()
		page, err := a.st.ListTriggers(ctx, a.account, service, function, opt)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Triggers...)
		if page.NextToken == "" {
			return out, nil
		}
		opt.NextToken = page.NextToken
	}
}
func (a *storeAPI) PublishVersion(ctx context.Context, service, description, ifMatch string) (*fc.Version, error) {
	a.write("PublishVersion " + service)
	return ret(a.st.PublishVersion(ctx, a.account, service, description, ifMatch))
}
func (a *storeAPI) ListAllVersions(ctx context.Context, service string) ([]fc.Version, error) {
	var out []fc.Version
	opt := fc.ListVersionsOptions{Limit: fc.MaxListLimit}
	for {
		a.read()
		page, err := a.st.ListVersions(ctx, a.account, service, opt)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Versions...)
		if page.NextToken == "" {
			return out, nil
		}
		opt.NextToken = page.NextToken
	}
}
func (a *storeAPI) DeleteVersion(ctx context.Context, service, versionID string) error {
	a.write("DeleteVersion " + service + "/" + versionID)
	return a.st.DeleteVersion(ctx, a.account, service, versionID)
}
func (a *storeAPI) CreateAlias(ctx context.Context, service string, in fc.AliasInput) (*fc.Alias, error) {
	a.write("CreateAlias " + service + "/" + in.AliasName)
	return ret(a.st.CreateAlias(ctx, a.account, service, in))
}
func (a *storeAPI) GetAlias(ctx context.Context, service, alias string) (*fc.Alias, error) {
	a.read()
	return ret(a.st.GetAlias(ctx, a.account, service, alias))
}
func (a *storeAPI) UpdateAlias(ctx context.Context, service, alias string, in fc.AliasInput, ifMatch string) (*fc.Alias, error) {
	a.write("UpdateAlias " + service + "/" + alias)
	return ret(a.st.UpdateAlias(ctx, a.account, service, alias, in, ifMatch))
}
func (a *storeAPI) DeleteAlias(ctx context.Context, service, alias, ifMatch string) error {
	a.write("DeleteAlias " + service + "/" + alias)
	return a.st.DeleteAlias(ctx, a.account, service, alias, ifMatch)
}
func (a *storeAPI) ListAllAliases(ctx context.Context, service string) ([]fc.Alias, error) {
	var out []fc.Alias
	opt := fc.ListOptions{Limit: fc.MaxListLimit}
	for {
		a.read()
		page, err := a.st.ListAliases(ctx, a.account, service, opt)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Aliases...)
		if page.NextToken == "" {
			return out, nil
		}
		opt.NextToken = page.NextToken
	}
}
