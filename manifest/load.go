package manifest

import (
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fcdeploy/fcdeploy/fc"
)

// LoadOptions select the environment and where ${env.*} values come from.
type LoadOptions struct {
	// Env names an entry of `environments:`; "" selects none.
	Env string
	// LookupEnv resolves ${env.NAME}; nil means os.LookupEnv.
	LookupEnv func(string) (string, bool)
}

// Load reads and loads the manifest at path. Problems are returned as an
// *Error holding every Diagnostic, sorted by position.
func Load(path string, opt LoadOptions) (*Project, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("manifest %s: %w", path, err)
	}
	defer f.Close()
	// Read one byte more than allowed so Parse can refuse an oversize file
	// without the whole of it ever being in memory.
	data, err := io.ReadAll(io.LimitReader(f, MaxDocumentSize+1))
	if err != nil {
		return nil, fmt.Errorf("manifest %s: %w", path, err)
	}
	return LoadBytes(path, data, opt)
}

// LoadBytes loads a manifest held in memory; name is used in diagnostics
// and its directory is the project directory.
func LoadBytes(name string, data []byte, opt LoadOptions) (*Project, error) {
	p, diags := LoadDiagnostics(name, data, opt)
	if len(diags) > 0 {
		return nil, &Error{File: name, Diagnostics: diags}
	}
	return p, nil
}

// LoadDiagnostics is LoadBytes returning the diagnostics as a list; the
// project is nil whenever the list is not empty.
func LoadDiagnostics(name string, data []byte, opt LoadOptions) (*Project, []Diagnostic) {
	if opt.LookupEnv == nil {
		opt.LookupEnv = os.LookupEnv
	}
	dir, err := filepath.Abs(filepath.Dir(name))
	if err != nil {
		return nil, []Diagnostic{{File: name, Message: err.Error()}}
	}
	doc, diags := ParseProject(name, data)
	p, more := doc.load(dir, opt)
	if diags = append(diags, more...); len(diags) > 0 {
		return nil, LimitDiagnostics(SortDiagnostics(diags))
	}
	return p, nil
}

// Load builds the project from a parsed document, with the checks that
// need interpolated values. It interpolates the document in place, so it
// consumes it: run schema checks on the document before. The diagnostics
// do not include those Parse returned.
func (d *Document) Load(opt LoadOptions) (*Project, []Diagnostic) {
	if opt.LookupEnv == nil {
		opt.LookupEnv = os.LookupEnv
	}
	dir, err := filepath.Abs(filepath.Dir(d.File))
	if err != nil {
		return nil, []Diagnostic{{File: d.File, Message: err.Error()}}
	}
	return d.load(dir, opt)
}

func (d *Document) load(dir string, opt LoadOptions) (*Project, []Diagnostic) {
	if d.Root == nil {
		return nil, nil
	}
	l := &loader{file: d.File, dir: dir, doc: d, opt: opt, fromEnv: map[*yaml.Node]bool{}, origin: map[*yaml.Node]string{}}
	// Every value read from the environment may be a secret: remember it
	// so that no message quotes it, whatever the check that reports.
	lookup := opt.LookupEnv
	l.opt.LookupEnv = func(name string) (string, bool) {
		v, ok := lookup(name)
		if ok {
			l.mask.add(v)
		}
		return v, ok
	}
	p := l.project(d.Root)
	d.Root = nil // interpolated in place: not the document as written any more
	if len(l.diags) > 0 {
		for i := range l.diags {
			l.diags[i].Message = l.mask.apply(l.diags[i].Message)
		}
		return nil, d.Relocate(l.diags)
	}
	return p, nil
}

// Known fields of each mapping of the manifest. The JSON Schema in package
// schema lists the same ones; a test there keeps the two in step.
var (
	ProjectFields     = []string{"project", "vars", "environments", "layers", "services", "customDomains"}
	EnvironmentFields = []string{"endpoint", "accountId", "region", "vars", "credentials"}
	CredentialsFields = []string{"accessKeyIdEnv", "accessKeySecretEnv", "securityTokenEnv"}
)

// HTTPAuthTypes are the authType values of an http trigger.
var HTTPAuthTypes = []string{"anonymous", "function"}

type loader struct {
	file    string
	dir     string
	doc     *Document // to place nodes of included files
	opt     LoadOptions
	diags   []Diagnostic
	fromEnv map[*yaml.Node]bool
	// origin keeps the text as written of every interpolated scalar, so a
	// bad value can say which reference it came from.
	origin map[*yaml.Node]string
	mask   secretMask
	// layerNames are the layers the project declares, for functions'
	// references; later runs checks that need the whole project.
	layerNames map[string]bool
	later      []func(*Project)
}

// minMaskedLength is the shortest environment value masked in messages;
// shorter ones cannot be meaningful secrets and masking them would garble
// the numbers in the message.
const minMaskedLength = 3

// from is " (from ${vars.x})" for an interpolated node, else "".
func (l *loader) from(n *yaml.Node) string {
	if o, ok := l.origin[n]; ok {
		return " (from " + truncate(o, 60) + ")"
	}
	return ""
}

func (l *loader) errorf(n *yaml.Node, path, format string, args ...any) {
	if n != nil && l.fromEnv[n] && len(n.Value) >= minMaskedLength {
		// Replace the value and its descriptions before formatting, so
		// that no truncated or escaped copy of it is ever made.
		args = slices.Clone(args)
		for i, a := range args {
			switch a {
			case n.Value:
				args[i] = "***"
			case describe(n):
				args[i] = strconv.Quote("***")
			}
		}
	}
	d := Diagnostic{File: l.file, Path: path, Message: fmt.Sprintf(format, args...)}
	if n != nil && l.fromEnv[n] && len(n.Value) >= minMaskedLength {
		// A value from the process environment may be a secret: never
		// echo it; the "(from ${env.NAME})" suffix says where it came from.
		d.Message = strings.ReplaceAll(d.Message, n.Value, "***")
	}
	if n != nil {
		d.Message += l.from(n)
	}
	if n != nil {
		d.Line, d.Col = n.Line, n.Column
	}
	l.diags = append(l.diags, d)
}

func (l *loader) pos(n *yaml.Node) Pos {
	if n == nil {
		return Pos{File: l.file}
	}
	file, line := l.doc.Position(n.Line)
	return Pos{File: file, Line: line, Col: n.Column}
}

// dirOf is the directory relative paths written at n start from: that of
// the file n was written in.
func (l *loader) dirOf(n *yaml.Node) string {
	if n == nil {
		return l.dir
	}
	file, _ := l.doc.Position(n.Line)
	if file == l.file {
		return l.dir
	}
	return filepath.Join(l.dir, rel(filepath.Dir(l.file), filepath.Dir(file)))
}

// rel is dir relative to base, or dir when that fails.
func rel(base, dir string) string {
	if r, err := filepath.Rel(base, dir); err == nil {
		return r
	}
	return dir
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// object is one decoded mapping: its fields by name with their key nodes.
type object struct {
	l    *loader
	path string
	at   *yaml.Node // the key naming this mapping (or the mapping itself)
	keys map[string]*yaml.Node
	vals map[string]*yaml.Node
}

// object reads mapping n, reporting unknown fields (with a suggestion) and
// missing required ones. A null n is an empty mapping.
func (l *loader) object(n, at *yaml.Node, path string, allowed, required []string) *object {
	o := &object{l: l, path: path, at: at, keys: map[string]*yaml.Node{}, vals: map[string]*yaml.Node{}}
	if at == nil {
		o.at = n
	}
	if n == nil || isNull(n) {
		// handled by the required checks below
	} else if n.Kind != yaml.MappingNode {
		l.errorf(n, path, "must be a mapping, not %s", describe(n))
		return o
	} else {
		for k, v := range pairs(n) {
			if allowed != nil && !slices.Contains(allowed, k.Value) {
				l.errorf(k, join(path, k.Value), "%s", unknownField(k.Value, allowed))
				continue
			}
			o.keys[k.Value], o.vals[k.Value] = k, v
		}
	}
	for _, r := range required {
		if v, ok := o.vals[r]; !ok || isNull(v) {
			if ok {
				l.errorf(o.keys[r], join(path, r), "%s is empty; it is required", r)
			} else {
				l.errorf(o.at, path, "missing required field %q", r)
			}
		}
	}
	return o
}

// entries lists the key/value pairs of a mapping of named things
// (services, functions, ...) in name order.
func (l *loader) entries(n *yaml.Node, path string) [][2]*yaml.Node {
	if n == nil || isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		l.errorf(n, path, "must be a mapping of names to definitions, not %s", describe(n))
		return nil
	}
	var out [][2]*yaml.Node
	for k, v := range pairs(n) {
		out = append(out, [2]*yaml.Node{k, v})
	}
	slices.SortFunc(out, func(a, b [2]*yaml.Node) int { return strings.Compare(a[0].Value, b[0].Value) })
	return out
}

// pairs yields the keys and values of mapping n in order.
func pairs(n *yaml.Node) iter.Seq2[*yaml.Node, *yaml.Node] {
	return func(yield func(k, v *yaml.Node) bool) {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if !yield(n.Content[i], n.Content[i+1]) {
				return
			}
		}
	}
}

func (o *object) has(name string) bool {
	v, ok := o.vals[name]
	return ok && !isNull(v)
}

// str reads a string field. Numbers and booleans are accepted as their
// text (an unquoted `accountId: 111111` means the string).
func (o *object) str(name string) string {
	v, ok := o.vals[name]
	if !ok || isNull(v) {
		return ""
	}
	if v.Kind != yaml.ScalarNode {
		o.l.errorf(v, join(o.path, name), "must be a string, not %s", describe(v))
		return ""
	}
	return v.Value
}

func (l *loader) project(root *yaml.Node) *Project {
	top := l.object(root, nil, "", ProjectFields, []string{"project", "services"})
	p := &Project{File: l.file, Dir: l.dir, Environments: map[string]Environment{}, mask: &l.mask}

	env := &resolver{lookupEnv: l.opt.LookupEnv}
	topVars, topVarsEnv := l.vars(top.vals["vars"], "vars", env)

	envs := l.entries(top.vals["environments"], "environments")
	envNames := []string{}
	for _, e := range envs {
		envNames = append(envNames, e[0].Value)
	}
	envVars, envVarsEnv := map[string]map[string]*yaml.Node{}, map[string]map[string]bool{}
	for _, e := range envs {
		name, path := e[0].Value, join("environments", e[0].Value)
		eo := l.object(e[1], e[0], path, EnvironmentFields, nil)
		ev, evEnv := l.vars(eo.vals["vars"], path+".vars", env)
		r := l.mergedResolver(topVars, topVarsEnv, ev, evEnv, "vars or "+path+".vars")
		l.interpolate(e[1], path, r, "vars")
		environment := Environment{
			Name: name, Endpoint: eo.str("endpoint"), AccountID: eo.str("accountId"), Region: eo.str("region"),
			Vars: scalarMap(ev), Pos: l.pos(e[0]),
			Credentials: Credentials{DefaultAccessKeyIDEnv, DefaultAccessKeySecretEnv, DefaultSecurityTokenEnv},
		}
		if c := eo.vals["credentials"]; c != nil {
			co := l.object(c, eo.keys["credentials"], path+".credentials", CredentialsFields, nil)
			for _, f := range []struct {
				name string
				dst  *string
			}{{"accessKeyIdEnv", &environment.Credentials.AccessKeyIDEnv}, {"accessKeySecretEnv", &environment.Credentials.AccessKeySecretEnv}, {"securityTokenEnv", &environment.Credentials.SecurityTokenEnv}} {
				if v := co.str(f.name); v != "" {
					if !refNameRE.MatchString(v) {
						l.errorf(co.vals[f.name], path+".credentials."+f.name, "%q is not an environment variable name", v)
					}
					*f.dst = v
				}
			}
		}
		if ep := environment.Endpoint; ep != "" && ep != EndpointLocal && !strings.HasPrefix(ep, "http://") && !strings.HasPrefix(ep, "https://") {
			l.errorf(eo.vals["endpoint"], path+".endpoint", "endpoint %q must start with http:// or https://, or be %q for the embedded local Function Compute", ep, EndpointLocal)
		}
		p.Environments[name] = environment
		envVars[name], envVarsEnv[name] = ev, evEnv
	}

	var sel map[string]*yaml.Node
	var selEnv map[string]bool
	if l.opt.Env != "" {
		if e, ok := p.Environments[l.opt.Env]; ok {
			p.Env = &e
			sel, selEnv = envVars[l.opt.Env], envVarsEnv[l.opt.Env]
		} else {
			msg := fmt.Sprintf("unknown environment %q", l.opt.Env)
			if s := DidYouMean(l.opt.Env, envNames); s != "" {
				msg += fmt.Sprintf("; did you mean %q? Known environments: %s", s, strings.Join(envNames, ", "))
			} else if len(envNames) == 0 {
				msg += "; this manifest defines no environments"
			} else {
				msg += "; known environments: " + strings.Join(envNames, ", ")
			}
			d := Diagnostic{File: l.file, Message: msg}
			if k := top.keys["environments"]; k != nil {
				d.Line, d.Col, d.Path = k.Line, k.Column, "environments"
			}
			l.diags = append(l.diags, d)
		}
	}
	where := "vars"
	if p.Env != nil {
		where = "vars or environments." + p.Env.Name + ".vars"
	}
	r := l.mergedResolver(topVars, topVarsEnv, sel, selEnv, where)
	p.Vars = scalarMap(r.vars)

	if n := top.vals["project"]; n != nil {
		l.interpolate(n, "project", r, "")
		p.Name = top.str("project")
		if p.Name != "" && !regexp.MustCompile(fc.NamePattern).MatchString(p.Name) {
			l.errorf(n, "project", "project name %q must start with a letter or _ and contain only letters, digits, _ and -", p.Name)
		}
	}
	l.layerNames = map[string]bool{}
	if n := top.vals["layers"]; n != nil {
		l.interpolate(n, "layers", r, "")
		p.Layers = l.layers(n)
		for _, ly := range p.Layers {
			l.layerNames[ly.Name] = true
		}
	}
	if n := top.vals["services"]; n != nil {
		l.interpolate(n, "services", r, "")
		for _, e := range l.entries(n, "services") {
			if s := l.service(e[0], e[1]); s != nil {
				p.Services = append(p.Services, *s)
			}
		}
	}
	if n := top.vals["customDomains"]; n != nil {
		l.interpolate(n, "customDomains", r, "")
		p.CustomDomains = l.customDomains(n)
	}
	for _, check := range l.later {
		check(p)
	}
	return p
}

// vars reads a vars mapping; values may use ${env.*} but not ${vars.*}.
// The returned nodes are interpolated copies.
func (l *loader) vars(n *yaml.Node, path string, env *resolver) (map[string]*yaml.Node, map[string]bool) {
	out, fromEnv := map[string]*yaml.Node{}, map[string]bool{}
	for _, e := range l.entries(n, path) {
		k, v := e[0], e[1]
		p := join(path, k.Value)
		if !refNameRE.MatchString(k.Value) {
			l.errorf(k, p, "variable name %q must start with a letter or _ and contain only letters, digits and _", k.Value)
			continue
		}
		if v.Kind != yaml.ScalarNode {
			l.errorf(v, p, "a variable must be a string, number or boolean, not %s", describe(v))
			continue
		}
		c := *v
		x, err := env.expand(v.Value, v.Tag)
		if err != nil {
			l.errorf(v, p, "%s", err)
			continue
		}
		c.Value, c.Tag = x.value, x.tag
		out[k.Value], fromEnv[k.Value] = &c, x.fromEnv
	}
	return out, fromEnv
}

func (l *loader) mergedResolver(base map[string]*yaml.Node, baseEnv map[string]bool, over map[string]*yaml.Node, overEnv map[string]bool, where string) *resolver {
	r := &resolver{vars: maps.Clone(base), varsEnv: maps.Clone(baseEnv), varsWhere: where, lookupEnv: l.opt.LookupEnv}
	maps.Copy(r.vars, over)
	maps.Copy(r.varsEnv, overEnv)
	return r
}

// interpolate expands references in every scalar value under n, in place,
// except under a mapping key named skip (vars are expanded separately).
func (l *loader) interpolate(n *yaml.Node, path string, r *resolver, skip string) {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag != "!!str" || !strings.Contains(n.Value, "${") {
			return
		}
		x, err := r.expand(n.Value, n.Tag)
		if err != nil {
			l.errorf(n, path, "%s", err)
			n.Tag, n.Value = "!!null", "" // keep later checks from piling on
			return
		}
		l.origin[n] = n.Value
		n.Value, n.Tag = x.value, x.tag
		if x.fromEnv {
			l.fromEnv[n] = true
		}
	case yaml.MappingNode:
		for k, v := range pairs(n) {
			if k.Value == skip {
				continue
			}
			l.interpolate(v, join(path, k.Value), r, "")
		}
	case yaml.SequenceNode:
		for i, e := range n.Content {
			l.interpolate(e, join(path, strconv.Itoa(i)), r, "")
		}
	}
}

func scalarMap(m map[string]*yaml.Node) map[string]any {
	out := make(map[string]any, len(m))
	for k, n := range m {
		v, err := Value(n)
		if err != nil {
			v = n.Value
		}
		out[k] = v
	}
	return out
}

// Value converts a node to the JSON data model: map[string]any, []any,
// string, bool, nil, and json.Number for numbers.
func Value(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for k, vn := range pairs(n) {
			v, err := Value(vn)
			if err != nil {
				return nil, err
			}
			m[k.Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, e := range n.Content {
			v, err := Value(e)
			if err != nil {
				return nil, err
			}
			s = append(s, v)
		}
		return s, nil
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return nil, nil
		case "!!bool":
			b, err := strconv.ParseBool(strings.ToLower(n.Value))
			if err != nil {
				return n.Value, nil
			}
			return b, nil
		case "!!int":
			if i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil {
				return json.Number(strconv.FormatInt(i, 10)), nil
			}
			if u, err := strconv.ParseUint(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil {
				return json.Number(strconv.FormatUint(u, 10)), nil
			}
			return nil, &ValueError{Node: n, Msg: fmt.Sprintf("the number %s is too large", truncate(n.Value, 40))}
		case "!!float":
			f, ok := finiteFloat(n.Value)
			if !ok {
				return nil, &ValueError{Node: n, Msg: fmt.Sprintf("%s is not a finite number", truncate(n.Value, 40))}
			}
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), nil
		}
		return n.Value, nil
	}
	return nil, &ValueError{Node: n, Msg: "unsupported YAML value"}
}

// ValueError is a value JSON cannot represent, with its node for the
// position.
type ValueError struct {
	Node *yaml.Node
	Msg  string
}

func (e *ValueError) Error() string { return e.Msg }
