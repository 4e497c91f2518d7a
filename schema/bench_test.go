package schema

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/fcdeploy/fcdeploy/manifest"
)

// BenchmarkValidateFullManifest is the everyday cost: a manifest using
// every field, schema and loader checks included.
func BenchmarkValidateFullManifest(b *testing.B) {
	data, err := os.ReadFile("../testdata/manifests/full/fcdeploy.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if d := Validate("../testdata/manifests/full/fcdeploy.yaml", data, manifest.LoadOptions{LookupEnv: noEnv}); len(d) > 0 {
			b.Fatal(d)
		}
	}
}

// BenchmarkValidateNearTheNodeLimit is the worst case the bounds allow:
// 7,000 functions (just under MaxNodes values), each with two problems.
func BenchmarkValidateNearTheNodeLimit(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("project: p\nservices:\n  s:\n    functions:\n")
	for i := range 7000 {
		fmt.Fprintf(&sb, "      f%d: {runtime: python3, handler: index.handler, code: oss://b/o, memorySize: 100, typo: 1}\n", i)
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if d := Validate("x/fcdeploy.yaml", data, manifest.LoadOptions{LookupEnv: noEnv}); len(d) != manifest.MaxDiagnostics+1 {
			b.Fatalf("%d diagnostics", len(d))
		}
	}
}

// BenchmarkRefuseA4MiBDocumentOfValues: a dense document at the size
// limit is refused by the node bound before any later stage runs.
func BenchmarkRefuseA4MiBDocumentOfValues(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("project: p\nservices: {}\nx: [")
	for sb.Len() < manifest.MaxDocumentSize-10 {
		sb.WriteString("1,")
	}
	sb.WriteString("1]\n")
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if d := Validate("x/fcdeploy.yaml", data, manifest.LoadOptions{LookupEnv: noEnv}); len(d) != 1 {
			b.Fatalf("%d diagnostics", len(d))
		}
	}
}

// BenchmarkRefuseA4MiBDocumentOfUnknownKeys: a function with 300,000
// unknown keys, each a line of its own, so the density bound lets it
// through; every key is looked up for a typo.
func BenchmarkRefuseA4MiBDocumentOfUnknownKeys(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("project: p\nservices:\n  s:\n    functions:\n      f:\n        runtime: python3\n        handler: i.h\n        code: oss://b/o\n")
	for i := 0; sb.Len() < manifest.MaxDocumentSize-20; i++ {
		fmt.Fprintf(&sb, "        k%d: 1\n", i)
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if d := Validate("x/fcdeploy.yaml", data, manifest.LoadOptions{LookupEnv: noEnv}); len(d) != manifest.MaxDiagnostics+1 {
			b.Fatalf("%d diagnostics", len(d))
		}
	}
}

// BenchmarkRefuseAnAliasBomb shows the refusal is cheap: a billion-laughs
// document stops at MaxAliasNodes.
func BenchmarkRefuseAnAliasBomb(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("project: bomb\nservices: {}\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 12; i++ {
		fmt.Fprintf(&sb, "a%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 10), ", "))
	}
	data := []byte(sb.String())
	for b.Loop() {
		if d := Validate("x/fcdeploy.yaml", data, manifest.LoadOptions{LookupEnv: noEnv}); len(d) != 1 {
			b.Fatalf("%d diagnostics", len(d))
		}
	}
}
