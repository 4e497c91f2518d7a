package manifest

import (
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Build is a function's `build:` block: how its code directory is built
// before packaging. A nil *Build (no block, or `build: false`) ships the
// directory as it is. Recipe "" picks the recipe from the runtime and the
// files present (`build: auto`, `build: true` or `build: {}`).
type Build struct {
	Recipe string // "", python, nodejs, go or command
	// Command, Inputs and Output belong to the command recipe: the shell
	// command, the globs of the files it reads (relative to the code
	// directory; empty: all of them) and the directory it leaves.
	Command string
	Inputs  []string
	Output  string
	// FindLinks (absolute paths or URLs), IndexURL and NoIndex are passed
	// to pip; GoPackage is the package the go recipe builds.
	FindLinks []string
	IndexURL  string
	NoIndex   bool
	GoPackage string
	Pos       Pos
}

// Fields of the build block and of its options; the JSON Schema lists the
// same ones.
var (
	BuildFields        = []string{"recipe", "command", "inputs", "output", "options"}
	BuildOptionsFields = []string{"findLinks", "indexUrl", "noIndex", "goPackage"}
	BuildRecipes       = []string{"python", "nodejs", "go", "command"}
)

// BuildAuto is the scalar form asking for the automatic recipe.
const BuildAuto = "auto"

// build decodes the `build` value n of function f (its code already
// decoded) at the dotted path, reporting every problem with its position.
func (l *loader) build(n *yaml.Node, path string, f *Function) *Build {
	if n == nil || isNull(n) {
		return nil
	}
	b := &Build{Pos: l.pos(n)}
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!!bool":
		on, err := strconv.ParseBool(strings.ToLower(n.Value))
		if err != nil || !on {
			return nil
		}
	case n.Kind == yaml.ScalarNode && n.Value == BuildAuto:
	case n.Kind == yaml.MappingNode:
		l.buildBlock(n, path, b)
	default:
		l.errorf(n, path, "must be %q, true, false or a mapping with recipe, command, inputs, output, options; not %s", BuildAuto, describe(n))
		return nil
	}
	if f.Code.Kind != "" && f.Code.Kind != CodeDir {
		l.errorf(n, path, "builds need `code` to be a directory; a .zip/.jar file or oss:// object is shipped as it is: remove build:")
	}
	return b
}

func (l *loader) buildBlock(n *yaml.Node, p string, b *Build) {
	vals := map[string]*yaml.Node{}
	for k, v := range pairs(n) {
		if !slices.Contains(BuildFields, k.Value) {
			l.errorf(k, join(p, k.Value), "%s", unknownField(k.Value, BuildFields))
			continue
		}
		vals[k.Value] = v
	}
	b.Recipe = l.buildString(vals["recipe"], p+".recipe")
	if b.Recipe != "" && !slices.Contains(BuildRecipes, b.Recipe) {
		msg := strconv.Quote(b.Recipe) + " is not a build recipe; use one of: " + strings.Join(BuildRecipes, ", ")
		if s := DidYouMean(b.Recipe, BuildRecipes); s != "" {
			msg = strconv.Quote(b.Recipe) + " is not a build recipe; did you mean " + strconv.Quote(s) + "?"
		}
		l.errorf(vals["recipe"], p+".recipe", "%s", msg)
	}
	isCommand := b.Recipe == "command"
	b.Command = l.buildString(vals["command"], p+".command")
	b.Output = l.buildString(vals["output"], p+".output")
	b.Inputs = l.buildStrings(vals["inputs"], p+".inputs")
	for _, field := range []string{"command", "inputs", "output"} {
		if v := vals[field]; v != nil && !isNull(v) && !isCommand {
			l.errorf(v, p+"."+field, "is only used by recipe: command; add recipe: command or remove %s", field)
		}
	}
	if isCommand {
		if strings.TrimSpace(b.Command) == "" {
			l.errorf(n, p, "recipe command needs `command:`, the shell command that builds the output")
		}
		switch o := b.Output; {
		case o == "":
			l.errorf(n, p, "recipe command needs `output:`, the directory (relative to the code directory) the command leaves")
		case path.IsAbs(o) || filepath.IsAbs(o) || path.Clean(o) == "." || path.Clean(o) == ".." || strings.HasPrefix(path.Clean(o), "../"):
			l.errorf(vals["output"], p+".output", "%q must be a directory inside the code directory, relative to it", o)
		}
	}
	opts := vals["options"]
	if opts == nil || isNull(opts) {
		return
	}
	if opts.Kind != yaml.MappingNode {
		l.errorf(opts, p+".options", "must be a mapping, not %s", describe(opts))
		return
	}
	op := p + ".options"
	for k, v := range pairs(opts) {
		kp := join(op, k.Value)
		switch k.Value {
		case "findLinks":
			for _, s := range l.buildStrings(v, kp) {
				if !strings.Contains(s, "://") && !filepath.IsAbs(s) {
					s = filepath.Join(l.dir, s)
				}
				b.FindLinks = append(b.FindLinks, s)
			}
		case "indexUrl":
			b.IndexURL = l.buildString(v, kp)
		case "noIndex":
			if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
				l.errorf(v, kp, "must be true or false, not %s", describe(v))
			} else {
				b.NoIndex, _ = strconv.ParseBool(strings.ToLower(v.Value))
			}
		case "goPackage":
			b.GoPackage = l.buildString(v, kp)
		default:
			l.errorf(k, kp, "%s", unknownField(k.Value, BuildOptionsFields))
			continue
		}
		if want := optionRecipe(k.Value); b.Recipe != "" && b.Recipe != want {
			l.errorf(k, kp, "is an option of the %s recipe, not of %s", want, b.Recipe)
		}
	}
}

func optionRecipe(option string) string {
	if option == "goPackage" {
		return "go"
	}
	return "python"
}

func (l *loader) buildString(n *yaml.Node, p string) string {
	if n == nil || isNull(n) {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		l.errorf(n, p, "must be a string, not %s", describe(n))
		return ""
	}
	return n.Value
}

func (l *loader) buildStrings(n *yaml.Node, p string) []string {
	if n == nil || isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		l.errorf(n, p, "must be a list of strings, not %s", describe(n))
		return nil
	}
	var out []string
	for i, e := range n.Content {
		if e.Kind != yaml.ScalarNode || isNull(e) || e.Value == "" {
			l.errorf(e, p+"."+strconv.Itoa(i), "must be a non-empty string, not %s", describe(e))
			continue
		}
		out = append(out, e.Value)
	}
	return out
}
