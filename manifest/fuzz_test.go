package manifest

import (
	"os"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary documents to the loader: it must never panic,
// and must either load a project or explain why not.
func FuzzLoad(f *testing.F) {
	for _, p := range []string{"../testdata/manifests/shop/fcdeploy.yaml", "../testdata/manifests/hello/fcdeploy.yaml"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(minimal))
	f.Add([]byte("a: &a [*a, *a]\nb: *a\n"))
	f.Add([]byte("project: x\nservices: {s: {functions: {f: {<<: {runtime: python3}, handler: a.b, code: oss://b/o}}}}\n"))
	f.Add([]byte("project: ${vars.x\nvars: {x: ${env.Y:-1}}\n"))
	f.Add([]byte("project: p\nservices:\n  s:\n    aliases: {a: {version: 1, additionalVersionWeight: {'2': .5}}}\n"))
	f.Add([]byte("- [\n"))
	f.Add([]byte("\t"))
	f.Fuzz(func(t *testing.T, data []byte) {
		env := func(k string) (string, bool) { return strings.ToLower(k), len(k)%2 == 0 }
		p, diags := LoadDiagnostics("fuzz/fcdeploy.yaml", data, LoadOptions{LookupEnv: env})
		if (p == nil) == (len(diags) == 0) {
			t.Fatalf("want exactly one of a project or diagnostics; got project %v and %d diagnostics", p != nil, len(diags))
		}
		for _, d := range diags {
			if d.Message == "" {
				t.Fatalf("diagnostic without a message: %+v", d)
			}
		}
	})
}
