package promote

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/fcdeploy/fcdeploy/fc"
)

// The preview lists what is promoted in a stable order, whatever the order
// the source was read in.
func TestPromotedFunctionsAndLayersAreListedInNameOrder(t *testing.T) {
	s := &Source{
		live: map[string]*fc.Function{
			"shop/web": {}, "billing/api": {}, "shop/api": {}, "a/z": {},
		},
		layers: map[string]*fc.Layer{
			"zlib": {Version: 1}, "deps": {Version: 3}, "mylib": {Version: 2}, "deps2": {Version: 1},
		},
	}
	var fns []string
	for _, f := range s.Functions() {
		fns = append(fns, f.Address())
	}
	assert.Equal(t, []string{"a/z", "billing/api", "shop/api", "shop/web"}, fns)
	var layers []string
	for _, l := range s.Layers() {
		layers = append(layers, l.Name)
	}
	assert.Equal(t, []string{"deps", "deps2", "mylib", "zlib"}, layers)
}
