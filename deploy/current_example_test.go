package deploy

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/applier"
	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc"
	"github.com/fcdeploy/fcdeploy/localfc/localfctest"
	"github.com/fcdeploy/fcdeploy/localfc/store"
	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/packager"
	"github.com/fcdeploy/fcdeploy/planner"
)

func needPython(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 is needed to run the example's functions: %v", err)
		}
		t.Skipf("python3 is not installed: %v", err)
	}
}

// startServing runs a local Function Compute as fcdeploy serve does: with
// function runtimes, the async worker (retrying at once) and invocation
// logs kept in the returned data directory.
func startServing(t *testing.T) (*localfctest.Instance, string) {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, localfc.StoreFileName))
	require.NoError(t, err)
	pool, err := localfc.NewRuntimePool(dir, nil, 0)
	require.NoError(t, err)
	creds := fc.Credentials{AccessKeyID: "TESTKEY", AccessKeySecret: "test-secret-of-the-example"}
	srv := localfc.New(localfc.Config{
		Store: st, Credentials: map[string]string{creds.AccessKeyID: creds.AccessKeySecret}, Runtime: pool,
		Logs: localfc.NewInvocationLogs(dir), AsyncRetryDelay: func(int) time.Duration { return 0 },
	})
	stop := srv.StartBackground()
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		ts.Close()
		stop()
		pool.Close()
		st.Close()
	})
	return &localfctest.Instance{URL: ts.URL, AccountID: localfc.DefaultAccountID, Credentials: creds, Store: st, Server: srv}, dir
}

// deployCurrentExample applies examples/current to a local Function Compute
// the way the CLI does.
func deployCurrentExample(t *testing.T) (*localfctest.Instance, *fc.Client) {
	t.Helper()
	inst, _ := startServing(t)
	return inst, deployCurrentExampleTo(t, inst)
}

func deployCurrentExampleTo(t *testing.T, inst *localfctest.Instance) *fc.Client {
	t.Helper()
	ctx := context.Background()
	p, err := manifest.Load(filepath.Join("..", "examples", "current", manifest.DefaultFile), manifest.LoadOptions{LookupEnv: func(string) (string, bool) { return "", false }})
	require.NoError(t, err)
	code, err := Package(ctx, p, packager.New(packager.Options{}))
	require.NoError(t, err)
	desired, err := DesiredWithLayers(ctx, p, code.FromPackage, code.LayerFromPackage)
	require.NoError(t, err)

	client, err := fc.NewClient(inst.Config())
	require.NoError(t, err)
	target := planner.Target{AccountID: inst.AccountID, Region: localfc.DefaultRegion}
	plan := func() *planner.Plan {
		live, err := planner.ReadLive(ctx, client, ServiceNames(p), planner.ReadOptions{Target: target})
		require.NoError(t, err)
		pl, err := planner.Diff(desired, live, planner.Options{Target: target})
		require.NoError(t, err)
		require.NoError(t, planner.ResolveETags(ctx, client, pl, live, planner.ReadOptions{}))
		return pl
	}
	_, err = applier.Apply(ctx, client, plan(), applier.Options{Code: code})
	require.NoError(t, err)
	again := plan()
	require.False(t, again.HasChanges(), "converged: %v", again.Changes)
	return client
}

func TestTheCurrentExamplesCustomDomainReachesItsFunction(t *testing.T) {
	needPython(t)
	inst, _ := deployCurrentExample(t)

	req, err := http.NewRequest(http.MethodGet, inst.URL+"/web/hello", nil)
	require.NoError(t, err)
	req.Host = "api.current.example.com"
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.Equal(t, "web: GET /web/hello\n", string(body))
}

func TestTheCurrentExamplesCustomRuntimeAnswersAnInvocation(t *testing.T) {
	needPython(t) // the bootstrap is a python script
	_, client := deployCurrentExample(t)
	out, err := client.InvokeFunction(context.Background(), "current", "", "custom", []byte("ping"), fc.InvokeOptions{})
	require.NoError(t, err)
	assert.Empty(t, out.ErrorType, "%s", out.Body)
	assert.Equal(t, "custom runtime got: ping", string(out.Body))
}

func TestTheCurrentExamplesLayerIsImportedByItsFunction(t *testing.T) {
	needPython(t)
	_, client := deployCurrentExample(t)
	out, err := client.InvokeFunction(context.Background(), "current", "", "greet", []byte("Ada"), fc.InvokeOptions{})
	require.NoError(t, err)
	assert.Empty(t, out.ErrorType, "%s", out.Body)
	assert.Equal(t, "Hello, Ada, from the mylib layer", strings.Trim(string(out.Body), `"`))
}

func TestTheCurrentExamplesFailedAsyncInvocationReachesItsOnFailureFunction(t *testing.T) {
	needPython(t)
	inst, dir := startServing(t)
	client := deployCurrentExampleTo(t, inst)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := client.InvokeFunction(ctx, "current", "", "worker", []byte(`{"id": 7, "fail": true}`), fc.InvokeOptions{Async: true})
	require.NoError(t, err)
	require.Equal(t, http.StatusAccepted, out.StatusCode)

	// The destination function was invoked (the records of asynchronous
	// invocations carry no log tail locally, so the payload itself is
	// localfc's to test).
	var got localfc.InvocationLog
	err = localfc.FollowInvocationLogs(ctx, dir, inst.AccountID, "current", "failed", localfc.LogQuery{}, 20*time.Millisecond, func(l localfc.InvocationLog) bool {
		got = l
		return false
	})
	require.NoError(t, err, "the onFailure function was invoked")
	assert.Empty(t, got.ErrorType, "the destination handled the record: %s", got.Log)
	assert.Equal(t, "failed", got.Function)
}
