package packager

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestIgnoreRulesFollowGitignoreSemantics(t *testing.T) {
	t.Parallel()
	type probe struct {
		path    string
		dir     bool
		ignored bool
	}
	cases := []struct {
		name   string
		file   string
		probes []probe
	}{
		{"a bare name matches at any depth", "node_modules", []probe{
			{"node_modules", true, true}, {"a/b/node_modules", true, true}, {"node_modules_x", true, false},
			{"x_node_modules", true, false},
		}},
		{"a star does not cross slashes", "*.log", []probe{
			{"a.log", false, true}, {"x/y/a.log", false, true}, {"a.log.txt", false, false},
		}},
		{"a leading slash anchors to the root", "/build", []probe{
			{"build", true, true}, {"src/build", true, false},
		}},
		{"a slash in the middle anchors too", "doc/*.md", []probe{
			{"doc/a.md", false, true}, {"x/doc/a.md", false, false}, {"doc/sub/a.md", false, false},
		}},
		{"a trailing slash matches directories only", "tmp/", []probe{
			{"tmp", true, true}, {"tmp", false, false}, {"a/tmp", true, true},
		}},
		{"a leading double star matches in every directory", "**/cache", []probe{
			{"cache", true, true}, {"a/b/cache", false, true},
		}},
		{"a trailing double star matches inside but not the directory itself", "logs/**", []probe{
			{"logs", true, false}, {"logs/a", false, true}, {"logs/a/b", false, true},
		}},
		{"a middle double star matches zero or more directories", "a/**/b", []probe{
			{"a/b", false, true}, {"a/x/b", false, true}, {"a/x/y/b", false, true}, {"a/x/c", false, false},
		}},
		{"the last matching pattern wins, so negation re-includes", "*.txt\n!keep.txt", []probe{
			{"drop.txt", false, true}, {"keep.txt", false, false}, {"d/keep.txt", false, false},
		}},
		{"comments and blank lines are skipped", "# *.go\n\n   \nmain.py", []probe{
			{"main.go", false, false}, {"main.py", false, true}, {"# *.go", false, false},
		}},
		{"an escaped hash and bang are literal", `\#notes` + "\n" + `\!bang`, []probe{
			{"#notes", false, true}, {"!bang", false, true}, {"bang", false, false},
		}},
		{"trailing spaces are trimmed unless escaped", "a.txt   \nb\\ ", []probe{
			{"a.txt", false, true}, {"b ", false, true}, {"b", false, false},
		}},
		{"a space after an escaped backslash is trimmed", "c\\\\ \n\\ ", []probe{
			{`c\`, false, true}, {`c\ `, false, false}, {" ", false, true},
		}},
		{"question marks and classes match one character", "file?.[ch]\nv[!0-9]", []probe{
			{"file1.c", false, true}, {"file1.h", false, true}, {"file12.c", false, false}, {"file1.o", false, false},
			{"va", false, true}, {"v1", false, false}, {"v!", false, true},
		}},
		{"an escaped star is literal", `\*.txt`, []probe{
			{"*.txt", false, true}, {"a.txt", false, false},
		}},
		{"version control, fcdeploy state and the ignore file are always ignored", "!.git\n!.fcdeploy\n!.fcignore", []probe{
			{".git", true, true}, {"sub/.git", true, true}, {".svn", true, true}, {".hg", true, true},
			{".fcdeploy", true, true}, {".fcignore", false, true}, {"sub/.fcignore", false, false},
		}},
		{"editor and OS junk is ignored by default", "", []probe{
			{".DS_Store", false, true}, {"a/Thumbs.db", false, true}, {"x.swp", false, true}, {"x~", false, true},
			{".idea", true, true}, {".vscode", true, true}, {"index.py", false, false}, {"__pycache__", true, false},
		}},
		{"editor junk can be brought back with a negation", "!.vscode/", []probe{
			{".vscode", true, false},
		}},
		{"unicode names match character by character", "caf?.txt\n[α-ω]*", []probe{
			{"café.txt", false, true}, {"λ", false, true}, {"Λ", false, false},
		}},
		{"a malformed class matches nothing", "[abc\nz[", []probe{
			{"a", false, false}, {"[abc", false, false}, {"zb", false, false}, {"z[", false, false},
		}},
		{"a backslash in a class escapes the bracket after it", `x[\]]` + "\n" + `y[\`, []probe{
			{"x]", false, true}, {`x\`, false, false}, {`y\`, false, false},
		}},
		{"a dash at the end of a class is literal", "x[a-]", []probe{
			{"x-", false, true}, {"xa", false, true}, {"xb", false, false},
		}},
		{"a leading double star before two names", "**/build/out", []probe{
			{"build/out", false, true}, {"x/build/out", false, true}, {"x/out", false, false}, {"out", false, false},
		}},
		{"windows line endings are accepted", "a.txt\r\nb.txt\r\n", []probe{
			{"a.txt", false, true}, {"b.txt", false, true},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := NewMatcher([]byte(tc.file))
			for _, p := range tc.probes {
				assert.Equal(t, p.ignored, m.Ignored(p.path, p.dir), "path %q (dir=%v) with .fcignore %q", p.path, p.dir, tc.file)
			}
		})
	}
}
