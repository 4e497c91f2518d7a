package planner

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

// fakeReader serves a fixed live state (as convergedLive builds it) through
// the read API, counting concurrent requests. Lists return no ETags, as
// real list responses carry none.
type fakeReader struct {
	live           *Live
	inFlight, most atomic.Int64
	requests       atomic.Int64
	delay          time.Duration
	fail           error
}

func (f *fakeReader) enter() func() {
	f.requests.Add(1)
	n := f.inFlight.Add(1)
	for {
		m := f.most.Load()
		if n <= m || f.most.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(f.delay)
	return func() { f.inFlight.Add(-1) }
}

func (f *fakeReader) svc(name string) (*LiveService, error) {
	ls := f.live.Services[name]
	if ls == nil || ls.Service == nil {
		return nil, fc.NewError(fc.CodeServiceNotFound, "service %s not found", name)
	}
	return ls, nil
}

func (f *fakeReader) GetService(_ context.Context, service, qualifier string) (*fc.Service, error) {
	defer f.enter()()
	ls, err := f.svc(service)
	if err != nil {
		return nil, err
	}
	if qualifier != "" {
		return ls.NewestVersionService, nil
	}
	return ls.Service, nil
}

func (f *fakeReader) GetFunction(_ context.Context, service, qualifier, function string) (*fc.Function, error) {
	defer f.enter()()
	if f.fail != nil {
		return nil, f.fail
	}
	ls, err := f.svc(service)
	if err != nil {
		return nil, err
	}
	if fn := ls.Functions[function]; fn != nil {
		return fn, nil
	}
	return nil, fc.NewError(fc.CodeFunctionNotFound, "function %s not found", function)
}

func (f *fakeReader) ListAllFunctions(_ context.Context, service, qualifier string) ([]fc.Function, error) {
	defer f.enter()()
	ls, err := f.svc(service)
	if err != nil {
		return nil, err
	}
	src := ls.Functions
	if qualifier != "" {
		src = ls.NewestVersionFunctions
	}
	var out []fc.Function
	for _, fn := range src {
		c := *fn
		c.ETag = ""
		out = append(out, c)
	}
	return out, nil
}

func (f *fakeReader) GetTrigger(_ context.Context, service, function, trigger string) (*fc.Trigger, error) {
	defer f.enter()()
	ls, err := f.svc(service)
	if err != nil {
		return nil, err
	}
	if t := ls.Triggers[function][trigger]; t != nil {
		return t, nil
	}
	return nil, fc.NewError(fc.CodeTriggerNotFound, "trigger %s not found", trigger)
}

func (f *fakeReader) ListAllTriggers(_ context.Context, service, function string) ([]fc.Trigger, error) {
	defer f.enter()()
	if f.fail != nil {
		return nil, f.fail
	}
	ls, err := f.svc(service)
	if err != nil {
		return nil, err
	}
	var out []fc.Trigger
	for _, t := range ls.Triggers[function] {
		c := *t
		c.ETag = ""
		out = append(out, c)
	}
	return out, nil
}

func (f *fakeReader) ListAllVersions(_ context.Context, service string) ([]fc.Version, error) {
	defer f.enter()()
	ls, err := f.svc(service)
	if err != nil {
		return nil, err
	}
	return ls.Versions, nil
}

func (f *fakeReader) GetAlias(_ context.Context, service, alias string) (*fc.Alias, error) {
	defer f.enter()()
	ls, err := f.svc(service)
	if err != nil {
		return nil, err
	}
	if a := ls.Aliases[alias]; a != nil {
		return a, nil
	}
	return nil, fc.NewError(fc.CodeAliasNotFound, "alias %s not found", alias)
}

func (f *fakeReader) ListAllAliases(_ context.Context, service string) ([]fc.Alias, error) {
	defer f.enter()()
	ls, err := f.svc(service)
	if err != nil {
		return nil, err
	}
	var out []fc.Alias
	for _, a := range ls.Aliases {
		c := *a
		c.ETag = ""
		out = append(out, c)
	}
	return out, nil
}

// manyFunctions is shopDesired with n extra functions.
func manyFunctions(n int) *Desired {
	d := shopDesired()
	for i := range n {
		d.Services[0].Functions = append(d.Services[0].Functions, DesiredFunction{
			Name:   fmt.Sprintf("fn%03d", i),
			Config: d.Services[0].Functions[1].Config,
			Code:   DesiredCode{Checksum: fmt.Sprint(1000 + i)},
		})
	}
	return d
}

func TestReadLiveReadsEveryResourceWithListsAndOneTriggerListPerFunction(t *testing.T) {
	d := manyFunctions(5)
	want := convergedLive(d)
	api := &fakeReader{live: want}

	got, err := ReadLive(context.Background(), api, []string{"shop", "absent"}, ReadOptions{})
	require.NoError(t, err)

	require.Contains(t, got.Services, "absent")
	assert.Nil(t, got.Services["absent"].Service, "a missing service is read as absent")
	ls := got.Services["shop"]
	assert.Equal(t, want.Services["shop"].Service, ls.Service)
	assert.Len(t, ls.Functions, 7)
	assert.Empty(t, ls.Functions["checkout"].ETag, "lists carry no ETag, and none is read for a no-change plan")
	assert.Equal(t, "nightly", ls.Triggers["checkout"]["nightly"].TriggerName)
	assert.Equal(t, "live", ls.Aliases["live"].AliasName)
	assert.Equal(t, "1", ls.NewestVersion())
	assert.Len(t, ls.NewestVersionFunctions, 7)
	assert.NotNil(t, ls.NewestVersionService)
	// 2 service reads, 3 lists, 7 trigger lists, and the newest version's
	// service and functions (its times do not tell that it is unchanged).
	assert.Equal(t, int64(2+3+7+2), api.requests.Load())

	p, err := Diff(d, got, diffOptions())
	require.NoError(t, err)
	assert.False(t, p.HasChanges(), "what was read diffs to nothing: %v", addresses(p))
	before := api.requests.Load()
	require.NoError(t, ResolveETags(context.Background(), api, p, got, ReadOptions{}))
	assert.Equal(t, before, api.requests.Load(), "a no-change plan reads no ETag")
}

func TestAServiceNotModifiedSinceItsNewestVersionIsNotReadAgainAsOfThatVersion(t *testing.T) {
	d := manyFunctions(5)
	live := convergedLive(d)
	ls := live.Services["shop"]
	ls.Service.LastModifiedTime = "2026-11-01T10:00:00.000+0000"
	ls.Versions[0].CreatedTime = "2026-11-01T10:00:00.001+0000"
	api := &fakeReader{live: live}

	got, err := ReadLive(context.Background(), api, []string{"shop"}, ReadOptions{})
	require.NoError(t, err)
	assert.Equal(t, int64(1+3+7+1), api.requests.Load(), "no read of the service as of the version")
	assert.Equal(t, ls.Service, got.Services["shop"].NewestVersionService)

	ls.Versions[0].CreatedTime = ls.Service.LastModifiedTime // same millisecond: cannot tell
	api.requests.Store(0)
	_, err = ReadLive(context.Background(), api, []string{"shop"}, ReadOptions{})
	require.NoError(t, err)
	assert.Equal(t, int64(1+3+7+2), api.requests.Load())
}

func TestResolveETagsReadsOnlyTheResourcesThePlanChanges(t *testing.T) {
	d := manyFunctions(5)
	api := &fakeReader{live: convergedLive(d)}
	got, err := ReadLive(context.Background(), api, []string{"shop"}, ReadOptions{})
	require.NoError(t, err)
	d.Services[0].Functions[0].Config.Timeout = ptr(int32(42))
	p, err := Diff(d, got, diffOptions())
	require.NoError(t, err)
	before := api.requests.Load()

	require.NoError(t, ResolveETags(context.Background(), api, p, got, ReadOptions{}))
	fn := p.Change(FunctionAddress("shop", d.Services[0].Functions[0].Name))
	require.NotNil(t, fn)
	assert.Equal(t, "etag-function-"+fn.Function, fn.ETag)
	var guarded []string
	for _, c := range p.Changes {
		if c.NeedsETag() {
			assert.NotEmpty(t, c.ETag, c.Address)
			guarded = append(guarded, c.Address)
		}
	}
	// The function, and the alias that follows the version its change
	// publishes: one read each, nothing else.
	assert.Equal(t, []string{fn.Address, AliasAddress("shop", "live")}, guarded)
	assert.Equal(t, before+2, api.requests.Load())
}

func TestAResourceChangedBetweenItsListAndItsETagReadMakesThePlanStale(t *testing.T) {
	d := manyFunctions(1)
	live := convergedLive(d)
	api := &fakeReader{live: live}
	got, err := ReadLive(context.Background(), api, []string{"shop"}, ReadOptions{})
	require.NoError(t, err)
	name := d.Services[0].Functions[0].Name
	d.Services[0].Functions[0].Config.Timeout = ptr(int32(42))
	p, err := Diff(d, got, diffOptions())
	require.NoError(t, err)
	// Someone changes the function after the list: its ETag now guards a
	// state the plan never saw.
	changed := *live.Services["shop"].Functions[name]
	changed.LastModifiedTime = "later"
	live.Services["shop"].Functions[name] = &changed

	err = ResolveETags(context.Background(), api, p, got, ReadOptions{})
	var stale *StalePlanError
	require.ErrorAs(t, err, &stale)
	assert.Contains(t, err.Error(), "changed while the plan was being made")
}

func TestReadLiveBoundsItsParallelRequests(t *testing.T) {
	d := manyFunctions(30)
	// In a synctest bubble the reader's delay is on a fake clock that only
	// moves once every goroutine is blocked: each request stays in flight
	// until all the requests allowed at once have started, whatever the
	// machine's load, and the test waits no real time.
	synctest.Test(t, func(t *testing.T) {
		api := &fakeReader{live: convergedLive(d), delay: time.Millisecond}
		_, err := ReadLive(context.Background(), api, []string{"shop"}, ReadOptions{Parallelism: 4})
		require.NoError(t, err)
		assert.Equal(t, int64(4), api.most.Load(), "reads run in parallel, never more than the parallelism")
	})
}

func TestReadLiveReportsAFailedReadNamingTheResource(t *testing.T) {
	d := shopDesired()
	api := &fakeReader{live: convergedLive(d), fail: errors.New("connection reset")}

	_, err := ReadLive(context.Background(), api, []string{"shop"}, ReadOptions{})
	require.Error(t, err)
	assert.Regexp(t, `^function shop/(api|checkout): list triggers: connection reset$`, err.Error())
}

func BenchmarkDiffOf1000Functions(b *testing.B) {
	d := manyFunctions(1000)
	live := convergedLive(d)
	d.Services[0].Functions[500].Code.Checksum = "changed"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Diff(d, live, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestAPlanWithoutPruneListsAsyncConfigsOnlyOfFunctionsThatDeclareOne(t *testing.T) {
	d := manyFunctions(5)
	d.Services[0].Functions[0].AsyncConfig = &DesiredAsyncConfig{}
	declared := DeclaredAsyncConfigs(d)
	assert.True(t, declared("shop", d.Services[0].Functions[0].Name))
	assert.False(t, declared("shop", d.Services[0].Functions[1].Name))

	p := &Plan{
		LiveETags: map[string]string{AsyncConfigAddress("shop", "a", "LATEST"): "x", FunctionAddress("shop", "b"): "y"},
		Changes:   []Change{{Kind: KindAsyncConfig, Service: "shop", Function: "c"}},
	}
	recorded := p.RecordedAsyncConfigs()
	assert.True(t, recorded("shop", "a"), "read when the plan was made")
	assert.True(t, recorded("shop", "c"), "changed by the plan")
	assert.False(t, recorded("shop", "b"))
}

// claimingReader is fakeReader that also lists services by tag, as
// fc.Client does: the services of live count as claimed by project.
type claimingReader struct {
	*fakeReader
	project string
}

func (c *claimingReader) ListAllServicesByTags(_ context.Context, _ string, tags map[string]string) ([]fc.Service, error) {
	defer c.enter()()
	var out []fc.Service
	if tags[TagProject] != c.project {
		return nil, nil
	}
	for _, ls := range c.live.Services {
		if ls.Service != nil {
			s := *ls.Service
			out = append(out, s)
		}
	}
	return out, nil
}

func TestTheProjectsServicesAreReadWithOneListAndTheirETagOnlyWhenChanged(t *testing.T) {
	d := manyFunctions(5)
	api := &claimingReader{fakeReader: &fakeReader{live: convergedLive(d)}, project: "shop"}
	got, err := ReadLive(context.Background(), api, []string{"shop", "absent"}, ReadOptions{ClaimedBy: "shop"})
	require.NoError(t, err)
	// One list for the claimed services, one read for the absent one, then
	// the lists of shop as before.
	assert.Equal(t, int64(1+1+3+7+2), api.requests.Load())
	assert.Empty(t, got.Services["shop"].Service.ETag, "a listed service has no ETag")

	d.Services[0].Config.Description = ptr("changed")
	p, err := Diff(d, got, diffOptions())
	require.NoError(t, err)
	require.NoError(t, ResolveETags(context.Background(), api, p, got, ReadOptions{}))
	svc := p.Change(ServiceAddress("shop"))
	require.NotNil(t, svc)
	assert.Equal(t, "etag-service-shop", svc.ETag, "read for the service the plan changes")
	for _, c := range p.Changes {
		if c.Kind == KindVersion && c.Action == ActionPublish {
			assert.Equal(t, "etag-service-shop", c.ETag, "the publish is guarded by its service's ETag")
		}
	}
	assert.Empty(t, got.Services["shop"].Service.ETag, "the live state stays as listed, for saved plans' stamps")
}
