// Command gen writes the packaging benchmark's tree: about -size bytes in
// -files files under -dir, four in five source-like text, one in five
// incompressible random bytes (about a fifth of the bytes), in nested
// directories. The same flags always give the same tree.
package main

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	dir := flag.String("dir", "", "directory to create (must not exist)")
	files := flag.Int("files", 5000, "number of files")
	size := flag.Int64("size", 100<<20, "total bytes, approximately")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "gen: -dir is required")
		os.Exit(2)
	}
	if err := generate(*dir, *files, *size, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func generate(dir string, files int, total int64, seed uint64) error {
	if _, err := os.Stat(dir); err == nil {
		return fmt.Errorf("%s already exists", dir)
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	vocab := makeVocab(rng, 600)
	// Sizes follow a skewed distribution (many small files, a few big
	// ones), scaled so they add up to total.
	weights := make([]float64, files)
	var sum float64
	for i := range weights {
		weights[i] = math.Exp(rng.NormFloat64() * 1.2)
		sum += weights[i]
	}
	var written int64
	for i := range files {
		n := int(float64(total) * weights[i] / sum)
		path := filepath.Join(dir, fmt.Sprintf("pkg%02d", i%50), fmt.Sprintf("mod%02d", (i/50)%20), fileName(i))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		var body []byte
		if i%5 == 4 {
			body = make([]byte, n)
			for j := 0; j+8 <= len(body); j += 8 {
				v := rng.Uint64()
				for k := range 8 {
					body[j+k] = byte(v >> (8 * k))
				}
			}
		} else {
			body = sourceText(rng, vocab, n)
		}
		if err := os.WriteFile(path, body, 0o644); err != nil {
			return err
		}
		written += int64(len(body))
	}
	fmt.Printf("gen: %d files, %.1f MB in %s\n", files, float64(written)/(1<<20), dir)
	return nil
}

func fileName(i int) string {
	if i%5 == 4 {
		return fmt.Sprintf("asset%05d.bin", i)
	}
	return fmt.Sprintf("file%05d.py", i)
}

func makeVocab(rng *rand.Rand, n int) []string {
	const letters = "abcdefghijklmnopqrstuvwxyz_"
	out := strings.Fields("def return if else for in import from class self None True False try except with as raise yield lambda")
	for len(out) < n {
		l := 3 + rng.IntN(9)
		var sb strings.Builder
		for range l {
			sb.WriteByte(letters[rng.IntN(len(letters))])
		}
		out = append(out, sb.String())
	}
	return out
}

// sourceText writes n bytes of indented lines of identifiers, numbers and
// punctuation. Like real code, most lines repeat nearby ones: five in six
// come from a small shared pool (it fits deflate's 32 KB window), the rest
// are fresh, so it compresses about 3-4x, as source code does.
func sourceText(rng *rand.Rand, vocab []string, n int) []byte {
	if linePool == nil {
		for range 300 {
			linePool = append(linePool, sourceLine(rng, vocab))
		}
	}
	var sb strings.Builder
	sb.Grow(n + 256)
	for sb.Len() < n {
		if rng.IntN(6) == 0 {
			sb.WriteString(sourceLine(rng, vocab))
		} else {
			sb.WriteString(linePool[int(math.Pow(rng.Float64(), 2)*float64(len(linePool)))])
		}
	}
	return []byte(sb.String()[:n])
}

var linePool []string

func sourceLine(rng *rand.Rand, vocab []string) string {
	var sb strings.Builder
	sb.WriteString(strings.Repeat("    ", rng.IntN(4)))
	words := 2 + rng.IntN(8)
	for w := range words {
		// Zipf-like: common words much more often than rare ones.
		sb.WriteString(vocab[int(math.Pow(rng.Float64(), 4)*float64(len(vocab)))])
		switch rng.IntN(6) {
		case 0:
			fmt.Fprintf(&sb, "(%d)", rng.IntN(100))
		case 1:
			sb.WriteString(".")
			continue
		case 2:
			if w < words-1 {
				sb.WriteString(" = ")
				continue
			}
		}
		sb.WriteString(" ")
	}
	sb.WriteString("\n")
	return sb.String()
}
