package planner

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fcdeploy/fcdeploy/fc"
)

func TestRecordLiveGivesABeforeSizeOnlyToCodeThatIsUploaded(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	d.Services[0].Functions[0].Config.MemorySize = ptr(int32(512))
	d.Services[0].Functions[1].Code = DesiredCode{Checksum: "333", Size: 1500, Source: "./functions/api"}
	live.Services["shop"].Functions["legacy"] = &fc.Function{FunctionName: "legacy", ETag: "etag-function-legacy", CodeSize: 99}
	opt := diffOptions()
	opt.Prune = true
	p, err := Diff(d, live, opt)
	require.NoError(t, err)
	p.RecordLive(live)

	checkout := p.Change("function.shop/checkout")
	require.NotNil(t, checkout)
	require.NotNil(t, checkout.Code)
	require.False(t, checkout.Code.Upload, "only the memory changes")
	assert.Zero(t, checkout.Code.BeforeSize)
	assert.Equal(t, int64(1200), p.Change("function.shop/api").Code.BeforeSize)
	legacy := p.Change("function.shop/legacy")
	require.NotNil(t, legacy, "deleted")
	assert.Nil(t, legacy.Code)
}

func TestPlanServicesLeaveOutLayersAndCustomDomains(t *testing.T) {
	p := &Plan{LiveETags: map[string]string{
		"service.a":                              "e",
		LayerAddress("deps"):                     "e",
		CustomDomainAddress("example.com"):       "e",
		CustomDomainAddress("api.example.com/x"): "e",
	}}
	assert.Equal(t, []string{"a"}, p.Services())
}

// olderPublishPlan is a saved plan that publishes a version, as an older
// fcdeploy wrote it: without LiveETags.
func olderPublishPlan(t *testing.T) (*Plan, *Live) {
	d := shopDesired()
	live := convergedLive(d)
	d.Services[0].Functions[1].Config.Timeout = ptr(int32(30))
	p := savedPlan(t, d, live)
	pub := p.Change(PublishAddress("shop"))
	require.NotNil(t, pub)
	require.Equal(t, "etag-service-shop", pub.ETag)
	p.LiveETags = nil
	return p, live
}

func TestAnOlderPlanFileThatPublishesIsRefusedOnlyWhenItsServiceChanged(t *testing.T) {
	p, live := olderPublishPlan(t)
	assert.NoError(t, p.CheckLive(live))

	live.Services["shop"].Service.ETag = "etag-after-someone-else"
	assert.Equal(t, []string{"service.shop (changed since the plan)"}, staleResources(t, p.CheckLive(live)))

	p.Change(PublishAddress("shop")).ETag = "" // nothing recorded: nothing to compare
	assert.NoError(t, p.CheckLive(live))
}

func TestARecordedPlanThatPublishesMatchesTheUnchangedLiveState(t *testing.T) {
	d := shopDesired()
	live := convergedLive(d)
	d.Services[0].Functions[1].Config.Timeout = ptr(int32(30))
	p := savedPlan(t, d, live)
	require.NotNil(t, p.Change(PublishAddress("shop")))
	require.NotEmpty(t, p.Change(PublishAddress("shop")).ETag)
	require.NotNil(t, p.LiveETags)
	assert.NoError(t, p.CheckLive(live))
}
