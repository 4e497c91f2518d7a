package schema

import (
	"os"
	"testing"

	"github.com/fcdeploy/fcdeploy/manifest"
)

// FuzzValidate runs the whole validation (loader and schema) on arbitrary
// documents: no panics, and every diagnostic has a message.
func FuzzValidate(f *testing.F) {
	for _, p := range []string{"../testdata/manifests/shop/fcdeploy.yaml", "../testdata/manifests/full/fcdeploy.yaml"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(minimal + "        memroySize: ${vars.m}\n"))
	f.Add([]byte("project: p\nservices: {'a/b~c': {functions: {'%41': {}}}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, d := range Validate("fuzz/fcdeploy.yaml", data, manifest.LoadOptions{LookupEnv: noEnv}) {
			if d.Message == "" {
				t.Fatalf("diagnostic without a message: %+v", d)
			}
		}
	})
}
