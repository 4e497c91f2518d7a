package planner

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTheFingerprintChangesWithConfigurationCodeAndSecretsButNotOrder(t *testing.T) {
	base := Fingerprint(shopDesired())
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, base)
	assert.Equal(t, base, Fingerprint(shopDesired()), "stable")

	reordered := shopDesired()
	slices.Reverse(reordered.Services[0].Functions)
	assert.Equal(t, base, Fingerprint(reordered), "declaration order does not matter")

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
		assert.NotEqual(t, base, Fingerprint(d), name)
	}
	d := shopDesired()
	Fingerprint(d)
	assert.Equal(t, "hunter2", d.Services[0].Functions[0].Config.EnvironmentVariables["DB_PASSWORD"], "the desired state is not modified")
}
