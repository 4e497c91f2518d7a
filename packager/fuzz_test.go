package packager

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

const outsideSecret = "OUTSIDE-SECRET-7f3a9c"

// buildHostileTree interprets spec as one operation per line, applied inside
// base through os.Root so the test itself never writes outside base:
//
//	f NAME BODY   a file        x NAME   an executable file
//	d NAME        a directory   l NAME TARGET   a symlink
//	i PATTERNS    .fcignore (with \n written as "\n")
//
// The code directory is base/root; base/outside holds a secret that must
// never appear in an archive.
func buildHostileTree(t *testing.T, spec string) (root string) {
	base := t.TempDir()
	r, err := os.OpenRoot(base)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_ = r.Mkdir("root", 0o755)
	_ = r.Mkdir("outside", 0o755)
	_ = r.WriteFile("outside/secret", []byte(outsideSecret), 0o644)
	lines := strings.Split(spec, "\n")
	if len(lines) > 64 {
		lines = lines[:64]
	}
	for _, line := range lines {
		op, rest, _ := strings.Cut(line, " ")
		name, arg, _ := strings.Cut(rest, " ")
		if name == "" || len(name) > 512 || strings.ContainsRune(name, 0) {
			continue
		}
		p := path.Join("root", name) // may climb out of root, never out of base
		if strings.HasPrefix(p, "..") || strings.HasPrefix(p, "/") {
			continue
		}
		_ = r.MkdirAll(path.Dir(p), 0o755)
		switch op {
		case "f":
			_ = r.WriteFile(p, []byte(arg), 0o644)
		case "x":
			_ = r.WriteFile(p, []byte("#!/bin/sh\n"), 0o755)
		case "d":
			_ = r.MkdirAll(p, 0o755)
		case "l":
			if !strings.ContainsRune(arg, 0) {
				_ = r.Symlink(arg, p)
			}
		case "i":
			_ = r.WriteFile("root/.fcignore", []byte(strings.ReplaceAll(rest, `\n`, "\n")), 0o644)
		}
	}
	return filepath.Join(base, "root")
}

// FuzzPackageTree packages hostile trees: it must never panic, never ship a
// byte from outside the code directory, and every name in a successful
// archive must be a clean relative path.
func FuzzPackageTree(f *testing.F) {
	seeds := []string{
		"f index.py print(1)\nx bin/run\nd empty",
		"f a.txt hi\nl up ..\nl abs /etc/passwd",
		"f a.txt hi\nl s ../outside/secret",
		"f a.txt hi\nl dir ../outside",
		"f ../outside/x escaped\nf a b",
		"f a.txt hi\nl loop loop",
		"f a.txt hi\nl x y\nl y x",
		"f a/b/c/d/e/f/g/h/i/j/k.txt deep\nl a/b/c/back ../../..",
		"f a.txt hi\nl self .",
		"f n\xffame bad\nf ok.txt ok",
		"f back\\slash x",
		"i *\\n!keep\nf keep k\nf drop d",
		"f .git/config x\nf .fcdeploy/cache/z x\nf keep.js k",
		"d only/dirs\nd more",
		"f a x\nl b a\nl c b\nl d c",
		"f real/x.py x\nl alias real\nl alias2 alias",
		"f a x\nl link /",
		"f a x\nl link " + strings.Repeat("../", 40) + "etc/passwd",
		"f ./././a x\nf a/../b y",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		root := buildHostileTree(t, spec)
		a, err := New(Options{Concurrency: 2, MaxSize: 1 << 20}).PackageDir(context.Background(), root, DirOptions{})
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		zr, err := zip.NewReader(bytes.NewReader(a.Zip), a.Size)
		if err != nil {
			t.Fatalf("archive does not read back: %v", err)
		}
		for _, zf := range zr.File {
			n := zf.Name
			if !utf8.ValidString(n) || !filepath.IsLocal(n) || path.Clean(n) != n || strings.ContainsRune(n, '\\') || strings.HasSuffix(n, "/") {
				t.Fatalf("unsafe entry name %q", n)
			}
			rc, err := zf.Open()
			if err != nil {
				t.Fatalf("%s: %v", n, err)
			}
			body, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatalf("%s: %v", n, err)
			}
			if bytes.Contains(body, []byte(outsideSecret)) {
				t.Fatalf("%s carries a file from outside the code directory", n)
			}
		}
	})
}

// FuzzIgnorePattern feeds arbitrary .fcignore files and paths to the
// matcher: no panics, and a negation of the same pattern can only remove
// ignores, never add them.
func FuzzIgnorePattern(f *testing.F) {
	for _, s := range [][2]string{
		{"*.log", "a/b.log"}, {"**/x/**", "a/x/y"}, {"[a-", "a"}, {`\`, `\`},
		{"a/**/b/**/c/**/d", strings.Repeat("a/", 50) + "d"}, {"!", "!"}, {"[]]", "]"},
		{"[!]", "x"}, {"*" + strings.Repeat("a*", 30), strings.Repeat("a", 100)}, {"/", ""},
		{"#x\n\\#x", "#x"}, {"a\\ \\ ", "a  "}, {"[\\]]", "]"}, {"ü?", "üé"},
	} {
		f.Add(s[0], s[1], false)
	}
	f.Fuzz(func(t *testing.T, pat, rel string, isDir bool) {
		m := NewMatcher([]byte(pat))
		got := m.Ignored(rel, isDir)
		line, _, _ := strings.Cut(pat, "\n")
		if line == "" || strings.HasPrefix(line, "!") {
			return
		}
		negated := NewMatcher([]byte(pat+"\n!"+line)).Ignored(rel, isDir)
		if negated && !got {
			t.Fatalf("adding !%q made %q ignored", line, rel)
		}
	})
}
