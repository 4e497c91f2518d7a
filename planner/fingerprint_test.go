package planner

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTheFingerprintChangesWithConfigurationCodeAndSecretsButNotOrder(t *testing.T) {
	base := Fingerprint(shopDesired(), "salt")
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, base)
	assert.Equal(t, base, Fingerprint(shopDesired(), "salt"), "stable")

	reordered := shopDesired()
	slices.Reverse(reordered.Services[0].Functions)
	assert.Equal(t, base, Fingerprint(reordered, "salt"), "declaration order does not matter")

	changes := map[string]func(d *Desired){
		"memory":  func(d *Desired) { d.Services[0].Functions[0].Config.MemorySize = ptr(int32(1024)) },
		"code":    func(d *Desired) { d.Services[0].Functions[1].Code.Checksum = "42" },
		"secret":  func(d *Desired) { d.Services[0].Functions[0].Config.EnvironmentVariables["DB_PASSWORD"] = "x" },
		"alias":   func(d *Desired) { d.Services[0].Aliases[0].Version = "3" },
		"trigger": func(d *Desired) { d.Services[0].Functions[1].Triggers[0].Input.TriggerType = "timer" },
	}
	for name, change := range changes {
		d := shopDesired()
		change(d)
		assert.NotEqual(t, base, Fingerprint(d, "salt"), name)
	}
	assert.NotEqual(t, base, Fingerprint(shopDesired(), "another salt"), "the secrets enter under the plan's own salt")
	d := shopDesired()
	Fingerprint(d, "salt")
	assert.Equal(t, "hunter2", d.Services[0].Functions[0].Config.EnvironmentVariables["DB_PASSWORD"], "the desired state is not modified")
}

func TestASavedPlanIsOnlyApplicableToItsTargetAndDesiredState(t *testing.T) {
	d := shopDesired()
	p, err := Diff(d, absentLive(d), diffOptions())
	require.NoError(t, err)
	p.Fingerprint = Fingerprint(d, "salt")

	assert.NoError(t, p.CheckApplicable(diffOptions().Target, Fingerprint(shopDesired(), "salt")))

	other := diffOptions().Target
	other.AccountID = "222222"
	err = p.CheckApplicable(other, p.Fingerprint)
	var stale *StalePlanError
	require.ErrorAs(t, err, &stale)
	assert.Contains(t, err.Error(), `made for account "111111"`)

	d.Services[0].Functions[0].Code.Checksum = "changed"
	err = p.CheckApplicable(diffOptions().Target, Fingerprint(d, "salt"))
	require.ErrorAs(t, err, &stale)
	assert.Equal(t, "plan file: the manifest, its variables or the code changed since it was made: run plan again", err.Error())
}
