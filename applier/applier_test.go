package applier

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/planner"
)

// before asserts that in log, the first entry starting with a comes before
// the first entry starting with b.
func before(t *testing.T, log []string, a, b string) {
	t.Helper()
	ia := slices.IndexFunc(log, func(s string) bool { return strings.HasPrefix(s, a) })
	ib := slices.IndexFunc(log, func(s string) bool { return strings.HasPrefix(s, b) })
	require.NotEqual(t, -1, ia, "%q not in %v", a, log)
	require.NotEqual(t, -1, ib, "%q not in %v", b, log)
	assert.Less(t, ia, ib, "%q must come before %q in %v", a, b, log)
}

func stepActions(r *Result) map[string]StepAction {
	out := map[string]StepAction{}
	for _, s := range r.Steps {
		out[s.Address] = s.Action
	}
	return out
}

// appliedShop is a store holding shopProject, applied once.
func appliedShop(t *testing.T) (*storeAPI, *project) {
	t.Helper()
	api := newStoreAPI(t)
	p := shopProject(t)
	_, err := Apply(context.Background(), api, planFor(t, api, p, false), Options{Code: p.provider()})
	require.NoError(t, err)
	return api, p
}

func TestAFirstApplyCreatesEverythingInDependencyOrder(t *testing.T) {
	t.Parallel()
	api := newStoreAPI(t)
	p := shopProject(t)
	plan := planFor(t, api, p, false)

	var mu sync.Mutex
	var events []Event
	res, err := Apply(context.Background(), api, plan, Options{Code: p.provider(), OnEvent: func(e Event) {
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	}})
	require.NoError(t, err)

	assert.Equal(t, 0, res.ExitCode())
	assert.Equal(t, Summary{Created: 6, Published: 1}, res.Summary)
	assert.Equal(t, map[string]string{"shop": "1"}, res.Published)
	log := api.writeLog()
	before(t, log, "CreateService shop", "CreateFunction shop/checkout")
	before(t, log, "CreateFunction shop/checkout", "PublishVersion shop")
	before(t, log, "CreateFunction shop/api", "PublishVersion shop")
	before(t, log, "PublishVersion shop", "CreateAlias shop/live")
	before(t, log, "CreateAlias shop/live", "CreateTrigger shop/checkout/nightly")
	before(t, log, "CreateFunction shop/api", "CreateTrigger shop/api/web")

	alias, err := api.GetAlias(context.Background(), "shop", "live")
	require.NoError(t, err)
	assert.Equal(t, "1", alias.VersionID, "latest resolved to the version this apply published")
	fn, err := api.GetFunction(context.Background(), "shop", "1", "checkout")
	require.NoError(t, err)
	assert.Equal(t, p.function("shop", "checkout").Code.Checksum, fn.CodeChecksum)
	assert.Equal(t, "hunter2", fn.EnvironmentVariables["DB_PASSWORD"])

	// One start and one done event per step, start first.
	assert.Len(t, events, 2*len(plan.Changes))
	started := map[string]bool{}
	for _, e := range events {
		switch e.Phase {
		case PhaseStart:
			started[e.Address] = true
		case PhaseDone:
			assert.True(t, started[e.Address], "%s done before it started", e.Address)
			assert.NotEmpty(t, e.Outcome)
		default:
			t.Errorf("unexpected event %+v", e)
		}
	}
}

func TestASecondApplySendsNoWriteAndUploadsNothing(t *testing.T) {
	t.Parallel()
	api, p := appliedShop(t)
	writes, code := api.writes.Load(), api.codeBytes.Load()
	assert.Positive(t, code)

	plan := planFor(t, api, p, false)
	assert.False(t, plan.HasChanges(), "the plan after an apply must be empty: %v", plan.Changes)
	res, err := Apply(context.Background(), api, plan, Options{Code: p.provider()})
	require.NoError(t, err)
	assert.Equal(t, 0, res.ExitCode())
	assert.Equal(t, writes, api.writes.Load(), "no write request")
	assert.Equal(t, code, api.codeBytes.Load(), "zero code bytes")
}

func TestAConfigOnlyChangeUploadsNoCodeAndPublishes(t *testing.T) {
	t.Parallel()
	api, p := appliedShop(t)
	code := api.codeBytes.Load()

	p.function("shop", "api").Config.MemorySize = ptr(int32(512))
	res, err := Apply(context.Background(), api, planFor(t, api, p, false), Options{Code: p.provider()})
	require.NoError(t, err)
	assert.Equal(t, Summary{Updated: 2, Published: 1}, res.Summary, "the function and the alias")
	assert.Equal(t, code, api.codeBytes.Load())
	assert.Equal(t, map[string]string{"shop": "2"}, res.Published)
	alias, err := api.GetAlias(context.Background(), "shop", "live")
	require.NoError(t, err)
	assert.Equal(t, "2", alias.VersionID)
	assert.False(t, planFor(t, api, p, false).HasChanges())
}

func TestAChangeMadeBetweenPlanAndApplyIsAConflictThatStopsOnlyItsBranch(t *testing.T) {
	t.Parallel()
	api, p := appliedShop(t)

	p.function("shop", "checkout").Config.MemorySize = ptr(int32(512))
	p.function("shop", "api").Config.Timeout = ptr(int32(30))
	p.function("shop", "api").Triggers[0].Input.TriggerConfig = []byte(`{"authType":"function","methods":["GET"]}`)
	plan := planFor(t, api, p, false)

	// Someone changes checkout in the console after the plan was made.
	_, err := api.st.UpdateFunction(context.Background(), api.account, "shop", "checkout", fc.FunctionInput{Timeout: ptr(int32(99))}, nil, "")
	require.NoError(t, err)

	res, err := Apply(context.Background(), api, plan, Options{Code: p.provider()})
	require.Error(t, err)
	assert.Equal(t, 3, res.ExitCode())
	assert.Equal(t, []string{"function.shop/checkout"}, res.Conflicts)
	assert.Contains(t, err.Error(), "function shop/checkout: changed since the plan was made")
	assert.Contains(t, err.Error(), "run plan again")
	var conflict *ConflictError
	assert.ErrorAs(t, err, &conflict)

	actions := stepActions(res)
	assert.Equal(t, Conflict, actions["function.shop/checkout"])
	assert.Equal(t, Updated, actions["function.shop/api"], "an independent branch is still applied")
	assert.Equal(t, Updated, actions["trigger.shop/api/web"])
	assert.Equal(t, Skipped, actions["version.shop"], "publish depends on the conflicting function")
	assert.Equal(t, Skipped, actions["alias.shop/live"])

	got, err := api.GetFunction(context.Background(), "shop", "", "checkout")
	require.NoError(t, err)
	assert.EqualValues(t, 99, got.Timeout, "the change made outside was not overwritten")
}

func TestAnAlreadyExistingResourceOnCreateIsAConflict(t *testing.T) {
	t.Parallel()
	api := newStoreAPI(t)
	p := shopProject(t)
	plan := planFor(t, api, p, false)
	_, err := api.st.CreateService(context.Background(), api.account, fc.ServiceInput{ServiceName: "shop"})
	require.NoError(t, err)

	res, err := Apply(context.Background(), api, plan, Options{Code: p.provider()})
	require.Error(t, err)
	assert.Equal(t, 3, res.ExitCode())
	assert.Equal(t, []string{"service.shop"}, res.Conflicts)
	assert.Equal(t, len(plan.Changes)-1, res.Summary.Skipped, "everything else depends on the service")
}

func TestAnInterruptedApplyConvergesWhenPlannedAgain(t *testing.T) {
	t.Parallel()
	for _, stopAfter := range []int64{1, 3, 4, 6} {
		t.Run("stopped after write "+string(rune('0'+stopAfter)), func(t *testing.T) {
			t.Parallel()
			api := newStoreAPI(t)
			p := shopProject(t)
			plan := planFor(t, api, p, false)

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var n atomic.Int64
			api.hook = func(string) {
				if n.Add(1) == stopAfter {
					cancel()
				}
			}
			res, err := Apply(ctx, api, plan, Options{Code: p.provider(), Parallelism: 1})
			require.Error(t, err)
			assert.NotEqual(t, 0, res.ExitCode())
			assert.Positive(t, res.Summary.Skipped)
			api.hook = nil

			res, err = Apply(context.Background(), api, planFor(t, api, p, false), Options{Code: p.provider()})
			require.NoError(t, err)
			assert.Equal(t, 0, res.ExitCode())
			again := planFor(t, api, p, false)
			assert.False(t, again.HasChanges(), "not converged: %v", again.Changes)
			alias, err := api.GetAlias(context.Background(), "shop", "live")
			require.NoError(t, err)
			versions, err := api.ListAllVersions(context.Background(), "shop")
			require.NoError(t, err)
			assert.Equal(t, versions[0].VersionID, alias.VersionID)
		})
	}
}

func TestDestroyDeletesEverythingInReverseOrder(t *testing.T) {
	t.Parallel()
	api, _ := appliedShop(t)
	plan := destroyPlanFor(t, api, "shop")
	start := len(api.writeLog())

	res, err := Apply(context.Background(), api, plan, Options{})
	require.NoError(t, err)
	assert.Equal(t, Summary{Deleted: 7}, res.Summary)
	log := api.writeLog()[start:]
	before(t, log, "DeleteTrigger shop/checkout/nightly", "DeleteFunction shop/checkout")
	before(t, log, "DeleteTrigger shop/checkout/nightly", "DeleteAlias shop/live")
	before(t, log, "DeleteAlias shop/live", "DeleteVersion shop/1")
	before(t, log, "DeleteVersion shop/1", "DeleteService shop")
	before(t, log, "DeleteFunction shop/api", "DeleteService shop")
	_, err = api.GetService(context.Background(), "shop", "")
	assert.True(t, fc.IsNotFound(err))
}

func TestCodeThatChangedSinceThePlanIsNotUploaded(t *testing.T) {
	t.Parallel()
	api := newStoreAPI(t)
	p := shopProject(t)
	plan := planFor(t, api, p, false)
	// The working tree changes between plan and apply.
	p.code["shop/checkout"] = makeZip(t, "index.py", "edited after the plan")

	res, err := Apply(context.Background(), api, plan, Options{Code: p.provider()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "code of function shop/checkout changed since the plan")
	var changed *CodeChangedError
	assert.ErrorAs(t, err, &changed)
	assert.Equal(t, 1, res.ExitCode())
	actions := stepActions(res)
	assert.Equal(t, Failed, actions["function.shop/checkout"])
	assert.Equal(t, Skipped, actions["trigger.shop/checkout/nightly"])
	assert.Equal(t, Created, actions["function.shop/api"])
	assert.NotContains(t, api.writeLog(), "CreateFunction shop/checkout")
}

func TestAPublishAlreadyDoneElsewhereIsNotAnError(t *testing.T) {
	t.Parallel()
	api, p := appliedShop(t)
	ctx := context.Background()
	// An earlier apply was killed after updating LATEST, before publishing.
	p.function("shop", "api").Config.Timeout = ptr(int32(31))
	_, err := api.st.UpdateFunction(ctx, api.account, "shop", "api", fc.FunctionInput{Timeout: ptr(int32(31))}, nil, "")
	require.NoError(t, err)
	plan := planFor(t, api, p, false)
	require.NotNil(t, plan.Change("version.shop"))
	// Another apply publishes that content before this one runs.
	v, err := api.st.PublishVersion(ctx, api.account, "shop", "", "")
	require.NoError(t, err)

	res, err := Apply(ctx, api, plan, Options{Code: p.provider()})
	require.NoError(t, err)
	assert.Equal(t, Unchanged, stepActions(res)["version.shop"])
	assert.Equal(t, 1, res.Summary.Unchanged, "counted as unchanged")
	assert.Equal(t, map[string]string{"shop": v.VersionID}, res.Published)
	alias, err := api.GetAlias(ctx, "shop", "live")
	require.NoError(t, err)
	assert.Equal(t, v.VersionID, alias.VersionID, "the alias follows the version that holds the content")
}

// In a synctest bubble the hook's sleep is on a fake clock that only moves
// once every goroutine is blocked: each CreateFunction stays in flight until
// all the steps allowed at once have started, whatever the machine's load,
// and the test waits no real time.
func TestParallelismBoundsConcurrentSteps(t *testing.T) {
	t.Parallel()
	synctest.Test(t, testParallelismBoundsConcurrentSteps)
}

func testParallelismBoundsConcurrentSteps(t *testing.T) {
	api := newStoreAPI(t)
	p := shopProject(t)
	for i := range 8 {
		name := "fn" + string(rune('a'+i))
		p.desired.Services[0].Functions = append(p.desired.Services[0].Functions, planner.DesiredFunction{
			Name:   name,
			Config: fc.FunctionInput{Runtime: ptr("python3"), Handler: ptr("index.handler")},
		})
		p.setCode("shop", name, makeZip(t, "index.py", name))
	}
	plan := planFor(t, api, p, false)

	var inFlight, most atomic.Int64
	api.hook = func(op string) {
		if !strings.HasPrefix(op, "CreateFunction") {
			return
		}
		n := inFlight.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
		inFlight.Add(-1)
	}
	_, err := Apply(context.Background(), api, plan, Options{Code: p.provider(), Parallelism: 3})
	require.NoError(t, err)
	assert.Equal(t, int64(3), most.Load(), "independent steps run in parallel, never more than the parallelism")
}

func TestAPlanWithSecretsStillHashedIsRefused(t *testing.T) {
	t.Parallel()
	api := newStoreAPI(t)
	p := shopProject(t)
	plan := planFor(t, api, p, false)
	var buf strings.Builder
	require.NoError(t, planner.WritePlan(&buf, plan))
	saved, err := planner.ReadPlan(strings.NewReader(buf.String()))
	require.NoError(t, err)

	_, err = Apply(context.Background(), api, saved, Options{Code: p.provider()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "function shop/checkout: DB_PASSWORD")
	assert.Empty(t, api.writeLog(), "nothing was sent")

	require.NoError(t, saved.FillSecrets(p.desired))
	_, err = Apply(context.Background(), api, saved, Options{Code: p.provider()})
	require.NoError(t, err)
	fn, err := api.GetFunction(context.Background(), "shop", "", "checkout")
	require.NoError(t, err)
	assert.Equal(t, "hunter2", fn.EnvironmentVariables["DB_PASSWORD"])
}

func TestAPlanThatUploadsCodeNeedsACodeProvider(t *testing.T) {
	t.Parallel()
	api := newStoreAPI(t)
	_, err := Apply(context.Background(), api, planFor(t, api, shopProject(t), false), Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no code provider")
}

func TestExitCodes(t *testing.T) {
	cases := []struct {
		name    string
		summary Summary
		want    int
	}{
		{"success is 0", Summary{Created: 2}, 0},
		{"a failure is 1", Summary{Failed: 1, Skipped: 2}, 1},
		{"a conflict is 3", Summary{Conflicts: 1, Skipped: 2}, 3},
		{"a conflict wins over a failure: a new plan is needed anyway", Summary{Conflicts: 1, Failed: 1}, 3},
		{"steps skipped by an interruption are 1", Summary{Skipped: 1}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, (&Result{Summary: tc.summary}).ExitCode())
		})
	}
	assert.True(t, errors.Is(&ConflictError{Err: context.Canceled}, context.Canceled))
}

func TestPublishAfterAServiceUpdateIsGuardedByTheETagThatUpdateReturned(t *testing.T) {
	t.Parallel()
	api, p := appliedShop(t)
	ctx := context.Background()

	p.desired.Services[0].Config.Description = ptr("Shop backend, v2")
	plan := planFor(t, api, p, false)
	require.Equal(t, plan.Change("service.shop").ETag, plan.Change("version.shop").ETag, "planned with the old ETag")

	res, err := Apply(ctx, api, plan, Options{Code: p.provider()})
	require.NoError(t, err)
	assert.Equal(t, Published, stepActions(res)["version.shop"])
	assert.Equal(t, "2", res.Published["shop"])
}

func TestATriggerWhoseTypeChangedIsReplaced(t *testing.T) {
	t.Parallel()
	api, p := appliedShop(t)
	ctx := context.Background()

	p.function("shop", "api").Triggers[0].Input = fc.TriggerInput{
		TriggerType: "timer", TriggerConfig: []byte(`{"cronExpression":"@every 5m","enable":true}`),
	}
	plan := planFor(t, api, p, false)
	require.Equal(t, planner.ActionReplace, plan.Change("trigger.shop/api/web").Action)
	res, err := Apply(ctx, api, plan, Options{Code: p.provider()})
	require.NoError(t, err)
	assert.Equal(t, Summary{Replaced: 1}, res.Summary)
	tr, err := api.GetTrigger(ctx, "shop", "api", "web")
	require.NoError(t, err)
	assert.Equal(t, "timer", tr.TriggerType)
	assert.False(t, planFor(t, api, p, false).HasChanges())
}

func TestPruneDeletesAFunctionAfterItsTriggers(t *testing.T) {
	t.Parallel()
	api, p := appliedShop(t)
	ctx := context.Background()

	fns := p.desired.Services[0].Functions
	p.desired.Services[0].Functions = slices.DeleteFunc(slices.Clone(fns), func(f planner.DesiredFunction) bool { return f.Name == "api" })
	assert.Equal(t, []string{"function.shop/api"}, planFor(t, api, p, false).NotManaged, "without prune it is left alone")

	start := len(api.writeLog())
	res, err := Apply(ctx, api, planFor(t, api, p, true), Options{Code: p.provider()})
	require.NoError(t, err)
	assert.Equal(t, Summary{Deleted: 2, Published: 1, Updated: 1}, res.Summary, "trigger and function deleted, a version without it published, the alias moved")
	log := api.writeLog()[start:]
	before(t, log, "DeleteTrigger shop/api/web", "DeleteFunction shop/api")
	before(t, log, "DeleteFunction shop/api", "PublishVersion shop")
	assert.False(t, planFor(t, api, p, true).HasChanges())
}
