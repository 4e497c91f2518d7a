package packager

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// genTree writes files files totalling about size bytes: four in five are
// source-like text, one in five is incompressible random bytes.
func genTree(b *testing.B, dir string, files, size int) {
	b.Helper()
	rng := rand.New(rand.NewChaCha8([32]byte{42}))
	words := strings.Fields("func return if else for range package import var const type struct interface map string int error nil true false handler event context response request value key")
	per := size / files
	for i := range files {
		p := filepath.Join(dir, fmt.Sprintf("d%02d", i%37), fmt.Sprintf("s%02d", i%11), fmt.Sprintf("f%05d", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		var body []byte
		if i%5 == 4 {
			body = make([]byte, per)
			for j := range body {
				body[j] = byte(rng.Uint32())
			}
		} else {
			var sb strings.Builder
			for sb.Len() < per {
				sb.WriteString(words[rng.IntN(len(words))])
				if rng.IntN(8) == 0 {
					sb.WriteString("\n")
				} else {
					sb.WriteString(" ")
				}
			}
			body = []byte(sb.String())
		}
		if err := os.WriteFile(p, body, 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPackageCold packages a 20 MB, 1,000-file tree from scratch.
func BenchmarkPackageCold(b *testing.B) {
	dir := b.TempDir()
	genTree(b, dir, 1000, 20<<20)
	b.SetBytes(20 << 20)
	b.ResetTimer()
	for b.Loop() {
		a, err := New(Options{}).PackageDir(context.Background(), dir, DirOptions{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(a.Size)/(1<<20), "zipMB")
	}
}

// BenchmarkPackageWarm packages the same tree with the cache already filled:
// it stats the files and verifies the cached zip.
func BenchmarkPackageWarm(b *testing.B) {
	dir, cache := b.TempDir(), b.TempDir()
	genTree(b, dir, 1000, 20<<20)
	if _, err := New(Options{CacheDir: cache}).PackageDir(context.Background(), dir, DirOptions{}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(20 << 20)
	b.ResetTimer()
	for b.Loop() {
		p := New(Options{CacheDir: cache})
		if _, err := p.PackageDir(context.Background(), dir, DirOptions{}); err != nil {
			b.Fatal(err)
		}
		if p.Stats().CacheHits != 1 {
			b.Fatal("expected a cache hit")
		}
	}
}
