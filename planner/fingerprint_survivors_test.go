package planner

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAFingerprintWithoutSecretValuesDoesNotDependOnTheSalt(t *testing.T) {
	d := shopDesired()
	f := &d.Services[0].Functions[0]
	delete(f.Config.EnvironmentVariables, "DB_PASSWORD") // declared secret, but not set
	assert.Equal(t, Fingerprint(d, "salt-a"), Fingerprint(d, "salt-b"))

	f.Sensitive = map[string]bool{"STAGE": false} // named, but not secret
	assert.Equal(t, Fingerprint(d, "salt-a"), Fingerprint(d, "salt-b"))

	f.Sensitive = map[string]bool{"STAGE": true}
	assert.NotEqual(t, Fingerprint(d, "salt-a"), Fingerprint(d, "salt-b"), "a secret value enters only as its salted digest")
}
