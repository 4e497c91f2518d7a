package applier

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/localfctest"
	"github.com/fcdeploy/fcdeploy/planner"
)

// wire is a client of the local server over loopback HTTP that counts
// write requests and uploaded code bytes.
type wire interface {
	API
	planner.API
	writeCount() int64
	codeCount() int64
}

// clientWire is the real fc client, counting through its Stats.
type clientWire struct{ *fc.Client }

func (c clientWire) writeCount() int64 { return c.Stats().Writes }
func (c clientWire) codeCount() int64  { return c.Stats().CodeBytesUploaded }

func newWire(t *testing.T) wire {
	t.Helper()
	c, err := fc.NewClient(localfctest.Start(t).Config())
	require.NoError(t, err)
	return clientWire{c}
}

// These tests drive the real client against the real local server over
// loopback HTTP: what the CLI will do.

func TestOverHTTPAFirstApplyCreatesEverythingAndASecondSendsNoWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client := newWire(t)
	p := shopProject(t)

	res, err := Apply(ctx, client, planFor(t, client, p, false), Options{Code: p.provider()})
	require.NoError(t, err)
	assert.Equal(t, Summary{Created: 6, Published: 1}, res.Summary)
	alias, err := client.GetAlias(ctx, "shop", "live")
	require.NoError(t, err)
	assert.Equal(t, res.Published["shop"], alias.VersionID)
	real := client.(clientWire)
	fnCode, err := real.GetFunctionCode(ctx, "shop", "live", "checkout")
	require.NoError(t, err)
	zip, err := real.DownloadCode(ctx, fnCode)
	require.NoError(t, err)
	assert.Equal(t, p.code["shop/checkout"], zip, "the alias runs exactly the planned bytes")

	writes, code := client.writeCount(), client.codeCount()
	plan := planFor(t, client, p, false)
	assert.False(t, plan.HasChanges(), "not converged: %v", plan.Changes)
	res, err = Apply(ctx, client, plan, Options{Code: p.provider()})
	require.NoError(t, err)
	assert.Equal(t, 0, res.ExitCode())
	assert.Equal(t, writes, client.writeCount(), "a second apply sends no write request")
	assert.Equal(t, code, client.codeCount(), "and uploads zero bytes")
}

func TestOverHTTPAConcurrentChangeIsAConflictAndOtherBranchesApply(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client := newWire(t)
	p := shopProject(t)
	_, err := Apply(ctx, client, planFor(t, client, p, false), Options{Code: p.provider()})
	require.NoError(t, err)

	p.function("shop", "checkout").Config.MemorySize = ptr(int32(512))
	p.function("shop", "api").Config.Timeout = ptr(int32(30))
	plan := planFor(t, client, p, false)
	_, err = client.UpdateFunction(ctx, "shop", "checkout", fc.FunctionInput{Timeout: ptr(int32(99))}, "")
	require.NoError(t, err)

	res, err := Apply(ctx, client, plan, Options{Code: p.provider()})
	require.Error(t, err)
	assert.Equal(t, 3, res.ExitCode())
	assert.Equal(t, []string{"function.shop/checkout"}, res.Conflicts)
	assert.Equal(t, Updated, stepActions(res)["function.shop/api"])
	assert.Equal(t, Skipped, stepActions(res)["version.shop"])

	// Planning again sees the change and converges.
	res, err = Apply(ctx, client, planFor(t, client, p, false), Options{Code: p.provider()})
	require.NoError(t, err)
	assert.Equal(t, 0, res.ExitCode())
	assert.False(t, planFor(t, client, p, false).HasChanges())
}

func TestOverHTTPAnInterruptedApplyConverges(t *testing.T) {
	t.Parallel()
	client := newWire(t)
	p := shopProject(t)
	plan := planFor(t, client, p, false)

	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	res, err := Apply(ctx, client, plan, Options{Code: p.provider(), Parallelism: 1, OnEvent: func(e Event) {
		if e.Phase == PhaseDone {
			if n++; n == 3 {
				cancel()
			}
		}
	}})
	require.Error(t, err)
	assert.Positive(t, res.Summary.Skipped)

	res, err = Apply(context.Background(), client, planFor(t, client, p, false), Options{Code: p.provider()})
	require.NoError(t, err)
	assert.Equal(t, 0, res.ExitCode())
	assert.False(t, planFor(t, client, p, false).HasChanges())
}

func TestOverHTTPDestroyDeletesEverything(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client := newWire(t)
	p := shopProject(t)
	_, err := Apply(ctx, client, planFor(t, client, p, false), Options{Code: p.provider()})
	require.NoError(t, err)

	plan := destroyPlanFor(t, client, "shop")
	res, err := Apply(ctx, client, plan, Options{})
	require.NoError(t, err)
	assert.Equal(t, Summary{Deleted: 7}, res.Summary)
	_, err = client.GetService(ctx, "shop", "")
	assert.True(t, fc.IsCode(err, fc.CodeServiceNotFound), "got %v", err)
}

func TestOverHTTPClearingEnvironmentVariablesAndAliasWeightsConverges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client := newWire(t)
	p := shopProject(t)
	p.desired.Services[0].Aliases[0] = planner.DesiredAlias{Name: "live", Version: planner.VersionLatest}
	_, err := Apply(ctx, client, planFor(t, client, p, false), Options{Code: p.provider()})
	require.NoError(t, err)
	// A second version, and a canary weight on the alias.
	p.function("shop", "api").Config.Timeout = ptr(int32(30))
	_, err = Apply(ctx, client, planFor(t, client, p, false), Options{Code: p.provider()})
	require.NoError(t, err)
	p.desired.Services[0].Aliases[0] = planner.DesiredAlias{Name: "live", Version: "2", AdditionalVersionWeight: map[string]float64{"1": 0.2}}
	_, err = Apply(ctx, client, planFor(t, client, p, false), Options{Code: p.provider()})
	require.NoError(t, err)

	// Now clear both.
	p.desired.Services[0].Aliases[0] = planner.DesiredAlias{Name: "live", Version: "2"}
	p.function("shop", "checkout").Config.EnvironmentVariables = map[string]string{}
	p.function("shop", "checkout").Sensitive = nil
	_, err = Apply(ctx, client, planFor(t, client, p, false), Options{Code: p.provider()})
	require.NoError(t, err)
	again := planFor(t, client, p, false)
	assert.False(t, again.HasChanges(), "clearing did not reach the server: %v", again.Changes)
}
