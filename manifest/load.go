package manifest

import (
	"encoding/json"
	"fmt"
	"io"
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
	doc, diags := Parse(name, data)
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
	l := &loader{file: d.File, dir: dir, opt: opt, fromEnv: map[*yaml.Node]bool{}, origin: map[*yaml.Node]string{}}
	p := l.project(d.Root)
	d.Root = nil // interpolated in place: not the document as written any more
	if len(l.diags) > 0 {
		return nil, l.diags
	}
	return p, nil
}

// Known fields of each mapping of the manifest. The JSON Schema in package
// schema lists the same ones; a test there keeps the two in step.
var (
	ProjectFields     = []string{"project", "vars", "environments", "services"}
	EnvironmentFields = []string{"endpoint", "accountId", "region", "vars", "credentials"}
	CredentialsFields = []string{"accessKeyIdEnv", "accessKeySecretEnv", "securityTokenEnv"}
	ServiceFields     = []string{"description", "role", "internetAccess", "logConfig", "vpcConfig", "nasConfig", "functions", "publish", "aliases"}
	LogConfigFields   = []string{"project", "logstore"}
	VPCConfigFields   = []string{"vpcId", "vSwitchIds", "securityGroupId"}
	NASConfigFields   = []string{"userId", "groupId", "mountPoints"}
	MountPointFields  = []string{"serverAddr", "mountDir"}
	FunctionFields    = []string{"runtime", "handler", "code", "memorySize", "timeout", "description", "initializer", "initializationTimeout", "instanceConcurrency", "environmentVariables", "triggers", "build"}
	TriggerFields     = []string{"type", "qualifier", "config", "sourceArn", "invocationRole"}
	AliasFields       = []string{"version", "additionalVersionWeight", "description"}
	TimerConfigFields = []string{"cronExpression", "enable", "payload"}
	HTTPConfigFields  = []string{"authType", "methods"}
)

// HTTPAuthTypes are the authType values of an http trigger.
var HTTPAuthTypes = []string{"anonymous", "function"}

type loader struct {
	file    string
	dir     string
	opt     LoadOptions
	diags   []Diagnostic
	fromEnv map[*yaml.Node]bool
	// origin keeps the text as written of every interpolated scalar, so a
	// bad value can say which reference it came from.
	origin map[*yaml.Node]string
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
	return Pos{File: l.file, Line: n.Line, Col: n.Column}
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
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
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

func unknownField(name string, allowed []string) string {
	msg := fmt.Sprintf("unknown field %q", name)
	if s := DidYouMean(name, allowed); s != "" {
		return msg + fmt.Sprintf("; did you mean %q?", s)
	}
	return msg + "; allowed here: " + strings.Join(allowed, ", ")
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
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, [2]*yaml.Node{n.Content[i], n.Content[i+1]})
	}
	slices.SortFunc(out, func(a, b [2]*yaml.Node) int { return strings.Compare(a[0].Value, b[0].Value) })
	return out
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

func (o *object) boolean(name string) (value, set bool) {
	v, ok := o.vals[name]
	if !ok || isNull(v) {
		return false, false
	}
	if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
		hint := ""
		switch strings.ToLower(v.Value) {
		case "yes", "on", "y":
			hint = " (YAML 1.2 reads yes/on as text; write true)"
		case "no", "off", "n":
			hint = " (YAML 1.2 reads no/off as text; write false)"
		}
		o.l.errorf(v, join(o.path, name), "must be true or false, not %s%s", describe(v), hint)
		return false, false
	}
	b, err := strconv.ParseBool(strings.ToLower(v.Value))
	if err != nil {
		o.l.errorf(v, join(o.path, name), "must be true or false, not %s", describe(v))
	}
	return b, true
}

// integer reads a whole number; check returns the reason a value is out
// of range ("" when it is fine).
func (o *object) integer(name string, def int64, check func(int64) string) int64 {
	v, ok := o.vals[name]
	if !ok || isNull(v) {
		return def
	}
	p := join(o.path, name)
	if v.Kind != yaml.ScalarNode || (v.Tag != "!!int" && v.Tag != "!!float") {
		o.l.errorf(v, p, "must be a whole number, not %s", describe(v))
		return def
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(v.Value, "_", ""), 64)
	i, ierr := strconv.ParseInt(v.Value, 0, 64)
	if ierr != nil {
		if err != nil || f != float64(int64(f)) {
			o.l.errorf(v, p, "must be a whole number, not %s", describe(v))
			return def
		}
		i = int64(f)
	}
	if check != nil {
		if msg := check(i); msg != "" {
			o.l.errorf(v, p, "%s", msg)
			return def
		}
	}
	return i
}

func (l *loader) project(root *yaml.Node) *Project {
	top := l.object(root, nil, "", ProjectFields, []string{"project", "services"})
	p := &Project{File: l.file, Dir: l.dir, Environments: map[string]Environment{}}

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
	if n := top.vals["services"]; n != nil {
		l.interpolate(n, "services", r, "")
		for _, e := range l.entries(n, "services") {
			if s := l.service(e[0], e[1]); s != nil {
				p.Services = append(p.Services, *s)
			}
		}
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
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == skip {
				continue
			}
			l.interpolate(n.Content[i+1], join(path, n.Content[i].Value), r, "")
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

func (l *loader) service(k, v *yaml.Node) *Service {
	path := join("services", k.Value)
	if err := fc.ValidateName("service", k.Value); err != nil {
		l.errorf(k, path, "%s", err)
	}
	o := l.object(v, k, path, ServiceFields, nil)
	s := &Service{Name: k.Value, Description: o.str("description"), Role: o.str("role"), Pos: l.pos(k)}
	l.checkDescription(o, "description", s.Description)
	if b, set := o.boolean("internetAccess"); set {
		s.InternetAccess = &b
	}
	s.Publish, _ = o.boolean("publish")
	if n := o.vals["logConfig"]; n != nil && !isNull(n) {
		lo := l.object(n, o.keys["logConfig"], path+".logConfig", LogConfigFields, []string{"project", "logstore"})
		s.LogConfig = &fc.LogConfig{Project: lo.str("project"), Logstore: lo.str("logstore")}
	}
	if n := o.vals["vpcConfig"]; n != nil && !isNull(n) {
		vo := l.object(n, o.keys["vpcConfig"], path+".vpcConfig", VPCConfigFields, []string{"vpcId", "vSwitchIds", "securityGroupId"})
		s.VPCConfig = &fc.VPCConfig{VPCID: vo.str("vpcId"), SecurityGroupID: vo.str("securityGroupId"), VSwitchIDs: l.strings(vo, "vSwitchIds")}
	}
	if n := o.vals["nasConfig"]; n != nil && !isNull(n) {
		no := l.object(n, o.keys["nasConfig"], path+".nasConfig", NASConfigFields, []string{"mountPoints"})
		nas := &fc.NASConfig{
			UserID:  int(no.integer("userId", -1, rangeCheck(-1, 65535))),
			GroupID: int(no.integer("groupId", -1, rangeCheck(-1, 65535))),
		}
		if mp := no.vals["mountPoints"]; mp != nil && !isNull(mp) {
			if mp.Kind != yaml.SequenceNode {
				l.errorf(mp, path+".nasConfig.mountPoints", "must be a list, not %s", describe(mp))
			} else {
				for i, e := range mp.Content {
					mo := l.object(e, nil, fmt.Sprintf("%s.nasConfig.mountPoints.%d", path, i), MountPointFields, MountPointFields)
					nas.MountPoints = append(nas.MountPoints, fc.MountPoint{ServerAddr: mo.str("serverAddr"), MountDir: mo.str("mountDir")})
				}
			}
		}
		s.NASConfig = nas
	}
	for _, e := range l.entries(o.vals["aliases"], path+".aliases") {
		s.Aliases = append(s.Aliases, l.alias(s, e[0], e[1]))
	}
	for _, e := range l.entries(o.vals["functions"], path+".functions") {
		s.Functions = append(s.Functions, l.function(s, e[0], e[1]))
	}
	return s
}

func (l *loader) checkDescription(o *object, field, value string) {
	if len(value) > fc.MaxDescriptionLength {
		l.errorf(o.vals[field], join(o.path, field), "is %d characters long; at most %d are allowed", len(value), fc.MaxDescriptionLength)
	}
}

func (l *loader) strings(o *object, name string) []string {
	n := o.vals[name]
	if n == nil || isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		l.errorf(n, join(o.path, name), "must be a list of strings, not %s", describe(n))
		return nil
	}
	out := []string{}
	for i, e := range n.Content {
		if e.Kind != yaml.ScalarNode || isNull(e) {
			l.errorf(e, fmt.Sprintf("%s.%d", join(o.path, name), i), "must be a string, not %s", describe(e))
			continue
		}
		out = append(out, e.Value)
	}
	return out
}

func rangeCheck(lo, hi int64) func(int64) string {
	return func(v int64) string {
		if v < lo || v > hi {
			return fmt.Sprintf("must be between %d and %d, not %d", lo, hi, v)
		}
		return ""
	}
}

var versionIDRE = regexp.MustCompile(`^[1-9][0-9]*$`)

func (l *loader) alias(s *Service, k, v *yaml.Node) Alias {
	path := join("services", s.Name) + ".aliases." + k.Value
	if err := fc.ValidateName("alias", k.Value); err != nil {
		l.errorf(k, path, "%s", err)
	}
	o := l.object(v, k, path, AliasFields, []string{"version"})
	a := Alias{Name: k.Value, Version: o.str("version"), Description: o.str("description"), Pos: l.pos(k), AdditionalVersionWeight: map[string]float64{}}
	l.checkDescription(o, "description", a.Description)
	if o.has("version") && a.Version != AliasVersionLatest && !versionIDRE.MatchString(a.Version) {
		l.errorf(o.vals["version"], path+".version", "must be %q or a version id like \"3\", not %q", AliasVersionLatest, a.Version)
	}
	w := o.vals["additionalVersionWeight"]
	if w == nil || isNull(w) {
		return a
	}
	wp := path + ".additionalVersionWeight"
	if w.Kind != yaml.MappingNode {
		l.errorf(w, wp, "must be a mapping of one version id to a weight between 0 and 1, not %s", describe(w))
		return a
	}
	if len(w.Content) > 2 {
		l.errorf(w, wp, "lists %d versions; an alias can send traffic to one additional version only", len(w.Content)/2)
	}
	for i := 0; i+1 < len(w.Content); i += 2 {
		vk, vv := w.Content[i], w.Content[i+1]
		if !versionIDRE.MatchString(vk.Value) {
			l.errorf(vk, wp+"."+vk.Value, "%q is not a version id; use a published version number like \"2\"", vk.Value)
			continue
		}
		if vk.Value == a.Version {
			l.errorf(vk, wp+"."+vk.Value, "version %s is already the alias's main version; name a different one", vk.Value)
		}
		f, err := strconv.ParseFloat(vv.Value, 64)
		if vv.Kind != yaml.ScalarNode || (vv.Tag != "!!int" && vv.Tag != "!!float") || err != nil {
			l.errorf(vv, wp+"."+vk.Value, "the weight must be a number between 0 and 1, not %s", describe(vv))
			continue
		}
		if f < 0 || f > fc.MaxAdditionalVersionWeight {
			l.errorf(vv, wp+"."+vk.Value, "the weight must be between 0 and 1, not %s", vv.Value)
			continue
		}
		a.AdditionalVersionWeight[vk.Value] = f
	}
	return a
}

// secretKeyRE matches environment variable names that look like secrets.
var secretKeyRE = regexp.MustCompile(`(?i)PASSWORD|SECRET|TOKEN|KEY`)

// IsSecretKey reports whether an environment variable's name suggests its
// value is a secret.
func IsSecretKey(name string) bool { return secretKeyRE.MatchString(name) }

func (l *loader) function(s *Service, k, v *yaml.Node) Function {
	path := join("services", s.Name) + ".functions." + k.Value
	if err := fc.ValidateName("function", k.Value); err != nil {
		l.errorf(k, path, "%s", err)
	}
	o := l.object(v, k, path, FunctionFields, []string{"runtime", "handler", "code"})
	f := Function{
		Name: k.Value, Service: s.Name, Pos: l.pos(k),
		Runtime: o.str("runtime"), Handler: o.str("handler"),
		Description: o.str("description"), Initializer: o.str("initializer"),
		EnvironmentVariables: map[string]string{}, Sensitive: map[string]bool{},
	}
	l.checkDescription(o, "description", f.Description)
	if o.has("runtime") {
		if !slices.Contains(fc.Runtimes, f.Runtime) {
			msg := fmt.Sprintf("%q is not one of: %s", f.Runtime, strings.Join(fc.Runtimes, ", "))
			if s := DidYouMean(f.Runtime, fc.Runtimes); s != "" {
				msg = fmt.Sprintf("%q is not a supported runtime; did you mean %q? Supported: %s", f.Runtime, s, strings.Join(fc.Runtimes, ", "))
			}
			l.errorf(o.vals["runtime"], path+".runtime", "%s", msg)
		}
	}
	if o.has("handler") {
		l.checkHandler(o, "handler", f.Runtime, f.Handler)
	}
	if o.has("initializer") {
		l.checkHandler(o, "initializer", f.Runtime, f.Initializer)
	}
	f.MemorySize = int32(o.integer("memorySize", fc.DefaultMemorySize, func(v int64) string {
		if fc.ValidateMemorySize(v) != nil {
			return fmt.Sprintf("must be a multiple of %d between %d and %d, not %d", fc.MemorySizeStep, fc.MinMemorySize, fc.MaxMemorySize, v)
		}
		return ""
	}))
	f.Timeout = int32(o.integer("timeout", fc.DefaultTimeout, func(v int64) string {
		if fc.ValidateTimeout(v) != nil {
			return fmt.Sprintf("must be between %d and %d seconds, not %d", fc.MinTimeout, fc.MaxTimeout, v)
		}
		return ""
	}))
	f.InitializationTimeout = int32(o.integer("initializationTimeout", 0, secondsCheck(fc.MinInitializationTimeout, fc.MaxInitializationTimeout)))
	f.InstanceConcurrency = int32(o.integer("instanceConcurrency", 0, rangeCheck(fc.MinInstanceConcurrency, fc.MaxInstanceConcurrency)))
	if o.has("code") {
		f.Code = l.code(o, path+".code")
	}
	f.Build = l.build(o.vals["build"], path+".build", &f)
	if n := o.vals["environmentVariables"]; n != nil && !isNull(n) {
		ep := path + ".environmentVariables"
		if n.Kind != yaml.MappingNode {
			l.errorf(n, ep, "must be a mapping of names to values, not %s", describe(n))
		} else {
			for i := 0; i+1 < len(n.Content); i += 2 {
				ek, ev := n.Content[i], n.Content[i+1]
				if ev.Kind != yaml.ScalarNode {
					l.errorf(ev, ep+"."+ek.Value, "must be a string, not %s", describe(ev))
					continue
				}
				f.EnvironmentVariables[ek.Value] = ev.Value
				if l.fromEnv[ev] || IsSecretKey(ek.Value) {
					f.Sensitive[ek.Value] = true
				}
			}
		}
	}
	for _, e := range l.entries(o.vals["triggers"], path+".triggers") {
		f.Triggers = append(f.Triggers, l.trigger(s, &f, e[0], e[1]))
	}
	return f
}

func secondsCheck(lo, hi int64) func(int64) string {
	return func(v int64) string {
		if v < lo || v > hi {
			return fmt.Sprintf("must be between %d and %d seconds, not %d", lo, hi, v)
		}
		return ""
	}
}

// handlerRE is `file.function` where file may contain a path.
var handlerRE = regexp.MustCompile(`^[^.\s][^\s]*\.[A-Za-z_$][A-Za-z0-9_$]*$`)

func (l *loader) checkHandler(o *object, field, runtime, value string) {
	if !slices.Contains(fc.Runtimes, runtime) || (!strings.HasPrefix(runtime, "python") && !strings.HasPrefix(runtime, "nodejs")) {
		return
	}
	if !handlerRE.MatchString(value) {
		l.errorf(o.vals[field], join(o.path, field),
			"%q must look like FILE.FUNCTION for %s, e.g. \"index.handler\" for function handler in index.%s",
			value, runtime, map[bool]string{true: "py", false: "js"}[strings.HasPrefix(runtime, "python")])
	}
}

// code resolves `code:`: oss://bucket/object, a .zip/.jar file, or a
// directory, relative to the manifest.
func (l *loader) code(o *object, path string) CodeSource {
	n := o.vals["code"]
	raw := o.str("code")
	c := CodeSource{Pos: l.pos(n)}
	if rest, ok := strings.CutPrefix(raw, "oss://"); ok {
		bucket, object, _ := strings.Cut(rest, "/")
		if bucket == "" || object == "" {
			l.errorf(n, path, "%q must look like oss://BUCKET/OBJECT", raw)
		}
		c.Kind, c.Bucket, c.Object = CodeOSS, bucket, object
		return c
	}
	if strings.Contains(raw, "://") {
		l.errorf(n, path, "%q: only oss:// URLs are supported; use a directory, a .zip or .jar file, or oss://BUCKET/OBJECT", raw)
		return c
	}
	p := raw
	if !filepath.IsAbs(p) {
		p = filepath.Join(l.dir, p)
	}
	c.Path = filepath.Clean(p)
	fi, err := os.Stat(c.Path)
	switch {
	case err != nil && os.IsNotExist(err):
		l.errorf(n, path, "%q does not exist (relative paths start at the manifest's directory)", raw)
	case err != nil:
		l.errorf(n, path, "%q: %v", raw, err)
	case fi.IsDir():
		c.Kind = CodeDir
	case fi.Mode().IsRegular():
		ext := strings.ToLower(filepath.Ext(c.Path))
		if ext != ".zip" && ext != ".jar" {
			l.errorf(n, path, "%q is a file but not a .zip or .jar; point code at the directory that contains it", raw)
		}
		c.Kind = CodeZipFile
	default:
		l.errorf(n, path, "%q is neither a directory nor a regular file", raw)
	}
	return c
}

func (l *loader) trigger(s *Service, f *Function, k, v *yaml.Node) Trigger {
	path := fmt.Sprintf("services.%s.functions.%s.triggers.%s", s.Name, f.Name, k.Value)
	if err := fc.ValidateName("trigger", k.Value); err != nil {
		l.errorf(k, path, "%s", err)
	}
	o := l.object(v, k, path, TriggerFields, []string{"type", "config"})
	t := Trigger{Name: k.Value, Type: o.str("type"), Qualifier: o.str("qualifier"), SourceARN: o.str("sourceArn"), InvocationRole: o.str("invocationRole"), Pos: l.pos(k)}
	if o.has("type") && !slices.Contains(fc.TriggerTypes, t.Type) {
		msg := fmt.Sprintf("%q is not one of: %s", t.Type, strings.Join(fc.TriggerTypes, ", "))
		if s := DidYouMean(t.Type, fc.TriggerTypes); s != "" {
			msg = fmt.Sprintf("%q is not a trigger type; did you mean %q? Supported: %s", t.Type, s, strings.Join(fc.TriggerTypes, ", "))
		}
		l.errorf(o.vals["type"], path+".type", "%s", msg)
	}
	if q := t.Qualifier; q != "" && q != fc.QualifierLatest && !versionIDRE.MatchString(q) && s.Alias(q) == nil {
		names := make([]string, len(s.Aliases))
		for i, a := range s.Aliases {
			names[i] = a.Name
		}
		msg := fmt.Sprintf("qualifier %q is not an alias of service %s", q, s.Name)
		if sug := DidYouMean(q, names); sug != "" {
			msg += fmt.Sprintf("; did you mean %q?", sug)
		} else if len(names) > 0 {
			msg += "; its aliases are: " + strings.Join(names, ", ")
		} else {
			msg += "; declare it under services." + s.Name + ".aliases"
		}
		l.errorf(o.vals["qualifier"], path+".qualifier", "%s (LATEST and version ids are also accepted)", msg)
	}
	cn := o.vals["config"]
	if cn == nil || isNull(cn) {
		return t
	}
	cp := path + ".config"
	if cn.Kind != yaml.MappingNode {
		l.errorf(cn, cp, "must be a mapping, not %s", describe(cn))
		return t
	}
	switch t.Type {
	case "timer":
		co := l.object(cn, o.keys["config"], cp, TimerConfigFields, []string{"cronExpression"})
		if co.has("cronExpression") {
			if err := CheckCron(co.str("cronExpression")); err != nil {
				l.errorf(co.vals["cronExpression"], cp+".cronExpression", "%s", err)
			}
		}
		co.boolean("enable")
		co.str("payload")
		if !co.has("enable") {
			// An unset enable means a disabled timer in Function Compute;
			// a timer written down is meant to run.
			cn.Content = append(cn.Content,
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "enable"},
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
		}
	case "http":
		co := l.object(cn, o.keys["config"], cp, HTTPConfigFields, []string{"authType", "methods"})
		if co.has("authType") && !slices.Contains(HTTPAuthTypes, co.str("authType")) {
			l.errorf(co.vals["authType"], cp+".authType", "%q is not one of: %s", co.str("authType"), strings.Join(HTTPAuthTypes, ", "))
		}
		for i, m := range l.strings(co, "methods") {
			if !slices.Contains(fc.HTTPMethods, m) {
				l.errorf(co.vals["methods"].Content[i], fmt.Sprintf("%s.methods.%d", cp, i), "%q is not one of: %s", m, strings.Join(fc.HTTPMethods, ", "))
			}
		}
	}
	val, err := Value(cn)
	if err != nil {
		l.errorf(cn, cp, "%s", err)
		return t
	}
	t.Config, err = json.Marshal(val)
	if err != nil {
		l.errorf(cn, cp, "%s", err)
	}
	return t
}

// Value converts a node to the JSON data model: map[string]any, []any,
// string, bool, nil, and json.Number for numbers.
func Value(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := Value(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[n.Content[i].Value] = v
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
			f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
			if err != nil || f != f || f > 1e308 || f < -1e308 {
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
