package builder

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Recipe names how a code directory is built.
type Recipe string

// The recipes. RecipeAuto picks one from the runtime and the files present.
const (
	RecipeAuto    Recipe = ""
	RecipePython  Recipe = "python"
	RecipeNodejs  Recipe = "nodejs"
	RecipeGo      Recipe = "go"
	RecipeCommand Recipe = "command"
)

// Recipes lists the recipes a manifest may name.
var Recipes = []Recipe{RecipePython, RecipeNodejs, RecipeGo, RecipeCommand}

// Spec is what to build: a code directory for a function's runtime, with
// the recipe and its options. Two functions with equal Specs share one
// build.
type Spec struct {
	// Dir is the code directory (absolute).
	Dir string `json:"dir"`
	// Runtime and Handler are the function's; they choose the automatic
	// recipe and the name of a Go binary.
	Runtime string `json:"runtime"`
	Handler string `json:"handler"`
	Recipe  Recipe `json:"recipe"`
	// Command is run by `sh -c` in the staged copy (RecipeCommand only).
	Command string `json:"command,omitempty"`
	// Inputs are slash-separated globs relative to Dir (`**` matches any
	// number of directories; a pattern naming a directory takes all of
	// it): only those files are staged and hashed. Empty means every file
	// after .fcignore. RecipeCommand only.
	Inputs []string `json:"inputs,omitempty"`
	// Output is the directory, relative to the staged copy, that the
	// command leaves behind (RecipeCommand only).
	Output string `json:"output,omitempty"`
	// FindLinks, IndexURL and NoIndex are passed to pip (RecipePython).
	// Local FindLinks entries must be absolute; their files are hashed.
	FindLinks []string `json:"findLinks,omitempty"`
	IndexURL  string   `json:"indexUrl,omitempty"`
	NoIndex   bool     `json:"noIndex,omitempty"`
	// GoPackage is the package to build, default "." (RecipeGo).
	GoPackage string `json:"goPackage,omitempty"`
}

// Lockfiles npm ci accepts, in the order npm prefers them.
var npmLockfiles = []string{"npm-shrinkwrap.json", "package-lock.json"}

// resolve fills in the automatic recipe and checks the spec against the
// files of its directory.
func (s Spec) resolve() (Spec, error) {
	if !filepath.IsAbs(s.Dir) {
		return s, fmt.Errorf("code directory %s: the builder needs an absolute path", s.Dir)
	}
	has := func(name string) bool {
		fi, err := os.Stat(filepath.Join(s.Dir, name))
		return err == nil && fi.Mode().IsRegular()
	}
	if s.Recipe == RecipeAuto {
		switch family(s.Runtime) {
		case "python":
			s.Recipe = RecipePython
		case "nodejs":
			s.Recipe = RecipeNodejs
		case "go":
			s.Recipe = RecipeGo
		case "custom":
			switch {
			case has("go.mod"):
				s.Recipe = RecipeGo
			case has("package.json"):
				s.Recipe = RecipeNodejs
			case has("requirements.txt"):
				s.Recipe = RecipePython
			}
		}
		if s.Recipe == RecipeAuto {
			return s, fmt.Errorf("code directory %s: no build recipe fits runtime %s (automatic recipes: python3 with requirements.txt, nodejs with package.json, go1 or custom with go.mod); set build.recipe, or build: false to ship the directory as it is", s.Dir, s.Runtime)
		}
	}
	if f := family(s.Runtime); f != "custom" && s.Recipe != RecipeCommand && f != string(s.Recipe) {
		return s, fmt.Errorf("code directory %s: build recipe %s does not fit runtime %s; use recipe: command for anything else", s.Dir, s.Recipe, s.Runtime)
	}
	switch s.Recipe {
	case RecipePython:
		if !has("requirements.txt") {
			return s, fmt.Errorf("code directory %s: the python recipe installs requirements.txt, and there is none; add one or set build: false", s.Dir)
		}
	case RecipeNodejs:
		if !has("package.json") {
			return s, fmt.Errorf("code directory %s: the nodejs recipe installs package.json's dependencies, and there is no package.json; add one or set build: false", s.Dir)
		}
		if !has(npmLockfiles[0]) && !has(npmLockfiles[1]) {
			return s, fmt.Errorf("code directory %s: has package.json but no package-lock.json, and `npm ci` installs exactly what a lockfile pins; create it with `npm install --package-lock-only` in %s and commit it", s.Dir, s.Dir)
		}
	case RecipeGo:
		if !has("go.mod") {
			return s, fmt.Errorf("code directory %s: the go recipe builds a module, and there is no go.mod; run `go mod init` there", s.Dir)
		}
		if _, err := s.goBinary(); err != nil {
			return s, err
		}
		if s.GoPackage == "" {
			s.GoPackage = "."
		}
	case RecipeCommand:
		if strings.TrimSpace(s.Command) == "" {
			return s, fmt.Errorf("code directory %s: recipe command needs build.command", s.Dir)
		}
		if err := checkRelative(s.Output); err != nil {
			return s, fmt.Errorf("code directory %s: build.output %w", s.Dir, err)
		}
	default:
		return s, fmt.Errorf("code directory %s: unknown build recipe %q; use one of python, nodejs, go, command", s.Dir, s.Recipe)
	}
	return s, nil
}

// family is the language family of a runtime: python, nodejs, go, custom
// (any custom runtime) or the runtime itself.
func family(runtime string) string {
	switch {
	case strings.HasPrefix(runtime, "python"):
		return "python"
	case strings.HasPrefix(runtime, "nodejs"):
		return "nodejs"
	case strings.HasPrefix(runtime, "go"):
		return "go"
	case strings.HasPrefix(runtime, "custom"):
		return "custom"
	}
	return runtime
}

// goBinary is the name the runtime starts: /code/bootstrap for custom
// runtimes, the handler (a path relative to the code root) for go1.
func (s Spec) goBinary() (string, error) {
	if family(s.Runtime) != "go" {
		return "bootstrap", nil
	}
	if err := checkRelative(s.Handler); err != nil {
		return "", fmt.Errorf("code directory %s: for runtime %s the handler names the binary to build, and %q %w", s.Dir, s.Runtime, s.Handler, err)
	}
	return path.Clean(s.Handler), nil
}

// checkRelative accepts a slash-separated path that stays inside its base.
func checkRelative(p string) error {
	switch {
	case p == "":
		return errors.New("is empty; name a directory relative to the code directory")
	case path.IsAbs(p) || filepath.IsAbs(p):
		return fmt.Errorf("%q must be relative to the code directory", p)
	case path.Clean(p) == "." || path.Clean(p) == ".." || strings.HasPrefix(path.Clean(p), "../"):
		return fmt.Errorf("%q must stay inside the code directory", p)
	}
	return nil
}

// matchInputs reports whether the slash-separated file name is one of the
// inputs: a glob matching the file or one of its parent directories.
func matchInputs(globs []string, name string) bool {
	if len(globs) == 0 {
		return true
	}
	parts := strings.Split(name, "/")
	for _, g := range globs {
		segs := strings.Split(strings.Trim(path.Clean(g), "/"), "/")
		for n := 1; n <= len(parts); n++ {
			if matchSegments(segs, parts[:n]) {
				return true
			}
		}
	}
	return false
}

func matchSegments(segs, parts []string) bool {
	if len(segs) == 0 {
		return len(parts) == 0
	}
	if segs[0] == "**" {
		for i := 0; i <= len(parts); i++ {
			if matchSegments(segs[1:], parts[i:]) {
				return true
			}
		}
		return false
	}
	if len(parts) == 0 {
		return false
	}
	if ok, _ := path.Match(segs[0], parts[0]); !ok {
		return false
	}
	return matchSegments(segs[1:], parts[1:])
}
