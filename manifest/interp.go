package manifest

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// resolver expands ${vars.NAME}, ${env.NAME} and ${env.NAME:-default}.
type resolver struct {
	vars      map[string]*yaml.Node // nil: ${vars.*} is not allowed here
	varsWhere string                // where vars are defined, for messages
	varsEnv   map[string]bool       // vars whose value came from ${env.*}
	lookupEnv func(string) (string, bool)
}

var refNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// expansion is the result of expanding one scalar.
type expansion struct {
	value   string
	tag     string // the YAML tag the value takes
	fromEnv bool   // some of the value came from the process environment
	changed bool
}

// expand interpolates s. A value that is exactly one reference takes the
// type of what it refers to (so `memorySize: ${vars.memory}` stays a
// number); references inside longer strings are stringified. `$${` is a
// literal `${`.
func (r *resolver) expand(s, tag string) (expansion, error) {
	out := expansion{value: s, tag: tag}
	if !strings.Contains(s, "${") {
		return out, nil
	}
	var b strings.Builder
	rest := s
	refs := 0
	var only expansion
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			b.WriteString(rest)
			break
		}
		if i > 0 && rest[i-1] == '$' {
			b.WriteString(rest[:i-1])
			b.WriteString("${")
			rest = rest[i+2:]
			out.changed = true
			continue
		}
		b.WriteString(rest[:i])
		end := strings.IndexByte(rest[i:], '}')
		if end < 0 {
			return out, fmt.Errorf("%q has a `${` without a closing `}`; write `$${` for a literal `${`", truncate(s, 60))
		}
		expr := rest[i+2 : i+end]
		v, err := r.lookup(expr)
		if err != nil {
			return out, err
		}
		refs++
		only = v
		out.fromEnv = out.fromEnv || v.fromEnv
		b.WriteString(v.value)
		rest = rest[i+end+1:]
		out.changed = true
	}
	out.value = b.String()
	out.tag = "!!str"
	if refs == 1 && strings.HasPrefix(s, "${") && strings.IndexByte(s, '}') == len(s)-1 {
		out.tag = only.tag
	}
	return out, nil
}

// lookup resolves one reference without its ${ and }.
func (r *resolver) lookup(expr string) (expansion, error) {
	ns, name, _ := strings.Cut(expr, ".")
	switch ns {
	case "vars":
		if !refNameRE.MatchString(name) {
			return expansion{}, badRef(expr)
		}
		if r.vars == nil {
			return expansion{}, fmt.Errorf("${vars.%s}: vars cannot refer to other vars; use ${env.NAME} or a literal value", name)
		}
		n, ok := r.vars[name]
		if !ok {
			msg := fmt.Sprintf("undefined variable %q in ${vars.%s}", name, name)
			if s := DidYouMean(name, slices.Sorted(maps.Keys(r.vars))); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			} else {
				msg += "; define it under " + r.varsWhere
			}
			return expansion{}, fmt.Errorf("%s", msg)
		}
		return expansion{value: n.Value, tag: n.Tag, fromEnv: r.varsEnv[name]}, nil
	case "env":
		name, def, hasDef := strings.Cut(name, ":-")
		if !refNameRE.MatchString(name) {
			return expansion{}, badRef(expr)
		}
		if v, ok := r.lookupEnv(name); ok {
			return expansion{value: v, tag: implicitTag(v), fromEnv: true}, nil
		}
		if hasDef {
			// A default written in the manifest is not a secret by origin.
			return expansion{value: def, tag: implicitTag(def)}, nil
		}
		return expansion{}, fmt.Errorf("environment variable %s is not set; export it, or give a default with ${env.%s:-value}", name, name)
	}
	return expansion{}, badRef(expr)
}

func badRef(expr string) error {
	return fmt.Errorf("${%s} is not a valid reference; use ${vars.NAME}, ${env.NAME} or ${env.NAME:-default}", truncate(expr, 40))
}

// implicitTag is the tag YAML would give v written as a plain scalar, so
// that `${env.MEMORY}` with MEMORY=256 is a number like `256` would be.
func implicitTag(v string) string {
	switch v {
	case "true", "false", "True", "False", "TRUE", "FALSE":
		return "!!bool"
	}
	if _, err := strconv.ParseInt(v, 10, 64); err == nil {
		return "!!int"
	}
	if strings.ContainsAny(v, "0123456789") && !strings.ContainsAny(v, "xXpP_") {
		if _, err := strconv.ParseFloat(v, 64); err == nil {
			return "!!float"
		}
	}
	return "!!str"
}
