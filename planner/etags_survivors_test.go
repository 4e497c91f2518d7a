package planner

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// listedShop is the shop project read as a project's claimed services are:
// the service comes from a list, so without its ETag. Without publish it
// has no alias (which would need a version) and its timer fires on LATEST.
func listedShop(t *testing.T, publish bool) (*Desired, *claimingReader, *Live) {
	t.Helper()
	d := shopDesired()
	if !publish {
		d.Services[0].Publish = false
		d.Services[0].Aliases = nil
		d.Services[0].Functions[0].Triggers[0].Input.Qualifier = nil
	}
	api := &claimingReader{fakeReader: &fakeReader{live: convergedLive(d)}, project: "shop"}
	got, err := ReadLive(context.Background(), api, []string{"shop"}, ReadOptions{ClaimedBy: "shop"})
	require.NoError(t, err)
	require.Empty(t, got.Services["shop"].Service.ETag)
	return d, api, got
}

func TestAListedServiceThePlanUpdatesIsReadForItsETagWithoutAPublish(t *testing.T) {
	d, api, live := listedShop(t, false)
	d.Services[0].Config.Description = ptr("a new description")
	d.Services[0].Functions[0].Config.Timeout = ptr(int32(42))
	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)
	require.Nil(t, p.Change(PublishAddress("shop")))

	require.NoError(t, ResolveETags(context.Background(), api, p, live, ReadOptions{}))
	assert.Equal(t, "etag-service-shop", p.Change(ServiceAddress("shop")).ETag)
	assert.Equal(t, "etag-function-checkout", p.Change(FunctionAddress("shop", "checkout")).ETag, "a function keeps its own ETag")
}

func TestAPlanChangingOnlyAFunctionDoesNotReadItsListedService(t *testing.T) {
	d, api, live := listedShop(t, false)
	d.Services[0].Functions[0].Config.Timeout = ptr(int32(42))
	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)
	require.Equal(t, []string{"update function.shop/checkout"}, addresses(p))
	before := api.requests.Load()

	require.NoError(t, ResolveETags(context.Background(), api, p, live, ReadOptions{}))
	assert.Equal(t, "etag-function-checkout", p.Change(FunctionAddress("shop", "checkout")).ETag)
	assert.Equal(t, before+1, api.requests.Load(), "one read: the function's")
}

func TestAPublishOfAListedServiceIsGuardedByTheServicesETagWhenOnlyAFunctionChanged(t *testing.T) {
	d, api, live := listedShop(t, true)
	d.Services[0].Functions[0].Config.Timeout = ptr(int32(42))
	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)
	require.Nil(t, p.Change(ServiceAddress("shop")), "the service itself is unchanged")
	pub := p.Change(PublishAddress("shop"))
	require.NotNil(t, pub)

	require.NoError(t, ResolveETags(context.Background(), api, p, live, ReadOptions{}))
	assert.Equal(t, "etag-service-shop", pub.ETag)
}

func TestResolvingETagsLeavesCreatesUnguardedAndReadsNothingForThem(t *testing.T) {
	d, api, live := listedShop(t, false)
	d.Services[0].Functions = append(d.Services[0].Functions, DesiredFunction{Name: "refund", Config: d.Services[0].Functions[1].Config, Code: DesiredCode{Checksum: "333"}})
	p, err := Diff(d, live, diffOptions())
	require.NoError(t, err)
	require.Equal(t, []string{"create function.shop/refund"}, addresses(p))
	before := api.requests.Load()

	require.NoError(t, ResolveETags(context.Background(), api, p, live, ReadOptions{}))
	assert.Empty(t, p.Change(FunctionAddress("shop", "refund")).ETag)
	assert.Equal(t, before, api.requests.Load())
}

func TestADestroyPlanGuardsTheListedServiceButNotItsVersionDeletes(t *testing.T) {
	_, api, live := listedShop(t, true)
	p, err := DestroyPlan(live, []string{"shop"})
	require.NoError(t, err)
	require.NotNil(t, p.Change(VersionAddress("shop", "1")))

	require.NoError(t, ResolveETags(context.Background(), api, p, live, ReadOptions{}))
	assert.Equal(t, "etag-service-shop", p.Change(ServiceAddress("shop")).ETag)
	assert.Empty(t, p.Change(VersionAddress("shop", "1")).ETag, "DeleteVersion takes no If-Match")
}
