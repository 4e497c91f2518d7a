package fc

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
)

type pathsLeaf struct {
	A string `json:"a"`
}

type pathsRoot struct {
	Secret *pathsLeaf        `json:"secret" fc:"sensitive,immutable,writeonly,atomic,secretnames"`
	Plain  pathsLeaf         `json:"plain"`
	Env    map[string]string `json:"env" fc:"required,sensitive,default=x"`
	Items  []*pathsLeaf      `json:"items"`
	Names  []string          `json:"names"`
	Raw    json.RawMessage   `json:"raw"`
	Hidden string            `json:"-"`
}

func TestPathsWalkStructsMapsAndListsWithInheritedFlags(t *testing.T) {
	got := map[string]Flags{}
	var order []string
	for _, p := range Paths(reflect.TypeFor[*pathsRoot]()) {
		got[p.String()] = p.Flags
		order = append(order, p.String())
	}
	assert.Equal(t, []string{
		"secret", "secret.a", "plain", "plain.a", "env", "env.*",
		"items", "items.*", "items.*.a", "names", "raw",
	}, order, "a list of scalars has no item path; raw JSON is a leaf")

	inherited := Flags{Sensitive: true, Immutable: true, WriteOnly: true, Atomic: true, SecretNames: true}
	assert.Equal(t, inherited, got["secret.a"], "a field below a flagged one has its flags")
	assert.Equal(t, Flags{}, got["plain.a"])
	assert.Equal(t, Flags{Sensitive: true}, got["env.*"], "required and default are the field's own, not its items'")
	assert.True(t, got["env"].Required && got["env"].HasDefault)
	assert.Equal(t, Flags{}, got["items.*.a"])
}
