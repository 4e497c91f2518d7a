package runtime

import (
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// layer builds a layer version from files and counts how often its zip is read.
func layer(t *testing.T, reads *atomic.Int32, files ...file) Layer {
	zipBytes := makeZip(t, files...)
	return Layer{Checksum: fc.CodeChecksum(zipBytes), SHA256: sha256Hex(zipBytes), Zip: func() ([]byte, error) {
		if reads != nil {
			reads.Add(1)
		}
		return zipBytes, nil
	}}
}

func TestAPythonFunctionImportsAModuleFromItsLayers(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{})
	first := layer(t, nil, file{name: "python/shared.py", body: "WHO = 'first layer'\n"})
	second := layer(t, nil,
		file{name: "python/shared.py", body: "WHO = 'second layer'\n"},
		file{name: "python/mylib/__init__.py", body: "def greet(n):\n    return 'hello ' + n\n"},
		file{name: "bin/tool", body: "#!/bin/sh\necho tool\n", mode: 0o755})
	req := fn(t, "python3.10", "index.handler", py(`import mylib, shared, subprocess
def handler(event, context):
    return mylib.greet('layer') + ' / ' + shared.WHO + ' / ' + subprocess.check_output(['tool']).decode().strip()
`))
	req.Layers = []Layer{first, second}
	res := invoke(t, p, req)
	require.Empty(t, res.ErrorType, "body %s", res.Body)
	assert.Equal(t, "hello layer / first layer / tool", string(res.Body), "the earlier layer wins; bin/ is on PATH")
}

func TestANodeFunctionRequiresAPackageFromItsLayer(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "node")
	p := newPool(t, Config{})
	req := fn(t, "nodejs18", "index.handler", js(`const greet = require('greet');
exports.handler = (e, c, cb) => cb(null, greet('layer'));`))
	req.Layers = []Layer{layer(t, nil,
		file{name: "nodejs/node_modules/greet/package.json", body: `{"name":"greet","main":"lib.js"}`},
		file{name: "nodejs/node_modules/greet/lib.js", body: "module.exports = (n) => 'hello ' + n;"})}
	res := invoke(t, p, req)
	require.Empty(t, res.ErrorType, "body %s", res.Body)
	assert.Equal(t, "hello layer", string(res.Body))
}

func TestALayerVersionIsUnpackedOnce(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{})
	var reads atomic.Int32
	shared := layer(t, &reads, file{name: "python/shared.py", body: "WHO = 'shared'\n"})
	for _, name := range []string{"one", "two"} {
		req := fn(t, "python3", "index.handler", py("import shared\ndef handler(e, c):\n    return shared.WHO\n"))
		req.Function = name
		req.Layers = []Layer{shared}
		res := invoke(t, p, req)
		assert.Equal(t, "shared", string(res.Body), "body %s", res.Body)
	}
	assert.Equal(t, int32(1), reads.Load())
}

func TestMergedLayersLetTheEarlierOneWinFileByFile(t *testing.T) {
	t.Parallel()
	dst, a, b := filepath.Join(t.TempDir(), "opt"), t.TempDir(), t.TempDir()
	write := func(root, rel, body string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(root, rel)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(root, rel), []byte(body), 0o644))
	}
	write(a, "python/pkg/x.py", "a")
	write(b, "python/pkg/x.py", "b")
	write(b, "python/pkg/y.py", "b")
	write(b, "lib/only-b.so", "b")
	require.NoError(t, os.Mkdir(dst, 0o755))
	require.NoError(t, mergeLayers(dst, []string{a, b}))
	for rel, want := range map[string]string{"python/pkg/x.py": "a", "python/pkg/y.py": "b", "lib/only-b.so": "b"} {
		got, err := os.ReadFile(filepath.Join(dst, rel))
		require.NoError(t, err)
		assert.Equal(t, want, string(got), rel)
	}
}

func TestABadLayerIsALayerError(t *testing.T) {
	t.Parallel()
	needInterpreter(t, "python3")
	p := newPool(t, Config{})
	req := fn(t, "python3", "index.handler", py("def handler(e, c):\n    return 'x'\n"))
	good := layer(t, nil, file{name: "python/a.py", body: ""})
	req.Layers = []Layer{{Checksum: good.Checksum, SHA256: good.SHA256, Zip: func() ([]byte, error) { return []byte("not the layer"), nil }}}
	_, err := p.Invoke(t.Context(), req)
	var le *LayerError
	require.ErrorAs(t, err, &le)
	assert.Contains(t, err.Error(), "function svc/fn: layer "+good.Checksum+": zip SHA-256 is ")
}
