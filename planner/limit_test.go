package planner

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLimitingToAFunctionKeepsWhatItDependsOn(t *testing.T) {
	d := shopDesired()
	p, err := Diff(d, absentLive(d), diffOptions())
	require.NoError(t, err)
	require.NoError(t, p.Limit([]string{"shop/api"}))
	// The http trigger of api has no qualifier: it needs only its function,
	// which needs the service. checkout, the publish and the alias are not
	// needed by api.
	assert.Equal(t, []string{"create service.shop", "create function.shop/api", "create trigger.shop/api/web"}, addresses(p))
	assert.Equal(t, []string{"shop/api"}, p.Only)
}

func TestLimitingToAFunctionWhoseTriggerUsesAnAliasKeepsTheAliasAndItsVersion(t *testing.T) {
	d := shopDesired()
	p, err := Diff(d, absentLive(d), diffOptions())
	require.NoError(t, err)
	require.NoError(t, p.Limit([]string{"shop/checkout"}))
	got := addresses(p)
	assert.Contains(t, got, "create trigger.shop/checkout/nightly")
	assert.Contains(t, got, "create alias.shop/live", "the trigger's qualifier")
	assert.Contains(t, got, "publish version.shop", "the alias points at the version this apply publishes")
	assert.Contains(t, got, "create function.shop/api", "the version holds every function of the service")
}

func TestLimitingToAServiceKeepsAllOfIt(t *testing.T) {
	d := shopDesired()
	whole, err := Diff(d, absentLive(d), diffOptions())
	require.NoError(t, err)
	p, err := Diff(d, absentLive(d), diffOptions())
	require.NoError(t, err)
	require.NoError(t, p.Limit([]string{"shop"}))
	assert.Equal(t, addresses(whole), addresses(p))
	require.NoError(t, p.Limit([]string{"other"}))
	assert.Empty(t, p.Changes)
}

func TestABadResourceRefIsRefused(t *testing.T) {
	for _, ref := range []string{"", "/api", "shop/", "shop/api/web"} {
		_, _, err := ParseResourceRef(ref)
		assert.Error(t, err, ref)
	}
	s, f, err := ParseResourceRef("shop/api")
	require.NoError(t, err)
	assert.Equal(t, [2]string{"shop", "api"}, [2]string{s, f})
}
