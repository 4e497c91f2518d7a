package applier

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc"
	"github.com/fcdeploy/fcdeploy/localfc/localfctest"
)

// countingRand draws like math/rand and counts the draws that fall in the
// fault range, so the test knows faults were really injected.
type countingRand struct {
	mu     sync.Mutex
	r      *rand.Rand
	faulty float64
	hits   atomic.Int64
}

func (c *countingRand) draw() float64 {
	c.mu.Lock()
	x := c.r.Float64()
	c.mu.Unlock()
	if x < c.faulty {
		c.hits.Add(1)
	}
	return x
}

func TestA200FunctionProjectConvergesUnder20PercentInjectedFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("applies 200 functions twice through an endpoint that fails one request in five")
	}
	t.Parallel()
	ctx := context.Background()
	faults := localfc.Faults{Throttle: 0.07, Unavailable: 0.07, Reset: 0.06}
	rnd := &countingRand{r: rand.New(rand.NewPCG(1, 2)), faulty: 0.20}
	// Latency draws come first; only the fault draw is counted as a hit.
	faults.Rand = rnd.draw
	inst := localfctest.StartWithFaults(t, faults)
	client, err := fc.NewClient(inst.Config())
	require.NoError(t, err)
	p := benchProject(t, 4, 50)

	res, err := Apply(ctx, client, planFor(t, client, p, false), Options{Code: p.provider()})
	require.NoError(t, err)
	require.Equal(t, 0, res.ExitCode())
	assert.Greater(t, rnd.hits.Load(), int64(50), "faults were injected")

	// No duplicate: exactly what the project declares, one version each.
	for _, s := range p.desired.Services {
		fns, err := inst.Store.ListFunctions(ctx, inst.AccountID, s.Name, "", fc.ListOptions{Limit: fc.MaxListLimit})
		require.NoError(t, err)
		assert.Len(t, fns.Functions, 50, "service %s", s.Name)
		versions, err := client.ListAllVersions(ctx, s.Name)
		require.NoError(t, err)
		assert.Len(t, versions, 1, "service %s is published once", s.Name)
		alias, err := client.GetAlias(ctx, s.Name, "live")
		require.NoError(t, err)
		assert.Equal(t, versions[0].VersionID, alias.VersionID)
	}

	// No lost update: every function changes, under the same faults.
	for i := range p.desired.Services {
		for j := range p.desired.Services[i].Functions {
			p.desired.Services[i].Functions[j].Config.MemorySize = ptr(int32(256))
		}
	}
	res, err = Apply(ctx, client, planFor(t, client, p, false), Options{Code: p.provider()})
	require.NoError(t, err)
	require.Equal(t, 0, res.ExitCode())
	for _, s := range p.desired.Services {
		for _, f := range s.Functions {
			live, err := inst.Store.GetFunction(ctx, inst.AccountID, s.Name, "", f.Name)
			require.NoError(t, err)
			assert.EqualValues(t, 256, live.MemorySize, "%s/%s", s.Name, f.Name)
		}
	}
	again := planFor(t, client, p, false)
	assert.False(t, again.HasChanges(), "not converged: %d changes", len(again.Changes))
}
