package builder

import (
	"context"
	"fmt"
	"os/exec"
	"path"
	"strings"
)

// step is one command a recipe runs in the staged copy.
type step struct {
	argv []string
	env  []string // added to the builder's environment
	// outDir is where the output is left, relative to the staging
	// directory (which holds the copy in "src").
	outDir string
}

// String is the command as a user would type it in the staged copy.
func (s step) String() string {
	var b strings.Builder
	for _, e := range s.env {
		b.WriteString(e)
		b.WriteByte(' ')
	}
	for i, a := range s.argv {
		if i > 0 {
			b.WriteByte(' ')
		}
		if a == "" || strings.ContainsAny(a, " \t\n'\"$`\\|&;<>()*?[]{}") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		b.WriteString(a)
	}
	return b.String()
}

// plan is the command a resolved spec runs.
func (s Spec) plan() step {
	switch s.Recipe {
	case RecipePython:
		argv := []string{"python3", "-m", "pip", "install", "--disable-pip-version-check", "--no-compile", "--no-input", "--target", ".", "-r", "requirements.txt"}
		for _, l := range s.FindLinks {
			argv = append(argv, "--find-links", l)
		}
		if s.IndexURL != "" {
			argv = append(argv, "--index-url", s.IndexURL)
		}
		if s.NoIndex {
			argv = append(argv, "--no-index")
		}
		return step{argv: argv, outDir: "src"}
	case RecipeNodejs:
		return step{argv: []string{"npm", "ci", "--omit=dev", "--no-audit", "--no-fund"}, outDir: "src"}
	case RecipeGo:
		bin, _ := s.goBinary()
		// go build makes the directories of its -o target (a go1 handler
		// such as bin/main), so out/ is not made here.
		return step{
			argv:   []string{"go", "build", "-trimpath", "-buildvcs=false", "-ldflags=-buildid=", "-o", "../out/" + bin, s.GoPackage},
			env:    []string{"CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64", "GOAMD64=v1", "GOWORK=off"},
			outDir: "out",
		}
	default:
		return step{argv: []string{"sh", "-c", s.Command}, outDir: path.Join("src", path.Clean(s.Output))}
	}
}

// tool is a program whose version feeds the cache key.
type tool struct {
	name string   // key in Toolchain
	argv []string // prints the version
}

// tools lists the programs a recipe runs. A command's tools are unknown:
// its inputs and the command text are all the key can see.
func (s Spec) tools() []tool {
	switch s.Recipe {
	case RecipePython:
		return []tool{{"python3", []string{"python3", "--version"}}, {"pip", []string{"python3", "-m", "pip", "--version"}}}
	case RecipeNodejs:
		return []tool{{"node", []string{"node", "--version"}}, {"npm", []string{"npm", "--version"}}}
	case RecipeGo:
		return []tool{{"go", []string{"go", "version"}}}
	}
	return nil
}

// installHint says how to get the program a recipe needs.
var installHint = map[string]string{
	"python3": "install Python 3 with pip",
	"node":    "install Node.js (with npm)",
	"npm":     "install Node.js (with npm)",
	"go":      "install Go from https://go.dev/dl",
	"sh":      "a POSIX shell is needed to run build.command",
}

// toolVersion runs a version command in dir (go's version depends on the
// module's toolchain line) and keeps its first line, trimmed of the
// installation path pip prints.
func toolVersion(ctx context.Context, t tool, dir string, env []string) (string, error) {
	if _, err := exec.LookPath(t.argv[0]); err != nil {
		return "", fmt.Errorf("the build needs %s, which is not on PATH; %s, or set build: false", t.argv[0], installHint[t.argv[0]])
	}
	cmd := exec.CommandContext(ctx, t.argv[0], t.argv[1:]...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("`%s` failed: %w: %s", strings.Join(t.argv, " "), err, strings.TrimSpace(string(out)))
	}
	v, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	switch t.name {
	case "pip": // "pip 23.2.1 from /path/to/pip (python 3.11)"
		v, _, _ = strings.Cut(v, " from ")
	case "go": // "go version go1.26.8 linux/amd64"
		v = strings.TrimPrefix(v, "go version ")
	}
	return strings.TrimSpace(v), nil
}
