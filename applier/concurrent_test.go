package applier

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/planner"
)

func TestTwoConcurrentAppliesOfOneProjectOnAnEmptyAccountBothConverge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client := newWire(t)
	p := shopProject(t)
	// Both planned against the empty account, as two CI jobs would.
	plans := []*planner.Plan{planFor(t, client, p, false), planFor(t, client, p, false)}
	results := make([]*Result, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, plan := range plans {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = Apply(ctx, client, plan, Options{Code: p.provider(), Parallelism: 4})
		}()
	}
	wg.Wait()
	for i := range results {
		require.NoError(t, errs[i], "apply %d", i)
		assert.Equal(t, 0, results[i].ExitCode())
	}
	again := planFor(t, client, p, false)
	assert.False(t, again.HasChanges(), "not converged: %v", again.Changes)
	alias, err := client.GetAlias(ctx, "shop", "live")
	require.NoError(t, err)
	versions, err := client.ListAllVersions(ctx, "shop")
	require.NoError(t, err)
	assert.Equal(t, versions[0].VersionID, alias.VersionID, "the alias follows the newest version")
	assert.Len(t, versions, 1, "the same content is published once")
}
