package manifest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fcdeploy/fcdeploy/fc"
)

// The resources: each decodes its API block with the walker (decode.go),
// then handles the keys that are the manifest's own and runs the checks
// that span fields, locating their nodes through the block.

func (l *loader) service(k, v *yaml.Node) *Service {
	path := join("services", k.Value)
	if err := fc.ValidateName("service", k.Value); err != nil {
		l.errorf(k, path, "%s", err)
	}
	s := &Service{Name: k.Value, Pos: l.pos(k)}
	b := l.decodeShape(v, k, path, ServiceShape, &s.Spec)
	l.checkDescription(b, s.Spec.Description)
	if b.has("publish") {
		s.Publish, _ = l.boolean(b.vals["publish"], path+".publish")
	}
	if b.has("tags") {
		s.Tags = l.tags(b)
	}
	for _, e := range l.entries(b.vals["aliases"], path+".aliases") {
		s.Aliases = append(s.Aliases, l.alias(s, e[0], e[1]))
	}
	for _, e := range l.entries(b.vals["functions"], path+".functions") {
		s.Functions = append(s.Functions, l.function(s, e[0], e[1]))
	}
	return s
}

func (l *loader) checkDescription(b *block, value *string) {
	if value != nil && len(*value) > fc.MaxDescriptionLength {
		l.errorf(b.vals["description"], join(b.path, "description"), "is %d characters long; at most %d are allowed", len(*value), fc.MaxDescriptionLength)
	}
}

// str reads an own key's string value ("" when absent or empty).
func (l *loader) str(b *block, name string) string {
	v := b.vals[name]
	if v == nil || isNull(v) {
		return ""
	}
	if v.Kind != yaml.ScalarNode {
		l.errorf(v, join(b.path, name), "must be a string, not %s", describe(v))
		return ""
	}
	return v.Value
}

var versionIDRE = regexp.MustCompile(`^[1-9][0-9]*$`)

func (l *loader) alias(s *Service, k, v *yaml.Node) Alias {
	path := join("services", s.Name) + ".aliases." + k.Value
	if err := fc.ValidateName("alias", k.Value); err != nil {
		l.errorf(k, path, "%s", err)
	}
	a := Alias{Name: k.Value, Pos: l.pos(k)}
	b := l.decodeShape(v, k, path, AliasShape, &a.Spec)
	a.Version = l.str(b, "version")
	if b.has("provision") {
		a.Provision, a.ProvisionFunctions = l.provision(s, b)
	}
	l.checkDescription(b, a.Spec.Description)
	if b.has("version") && a.Version != AliasVersionLatest && !versionIDRE.MatchString(a.Version) {
		l.errorf(b.vals["version"], path+".version", "must be %q or a version id like \"3\", not %q", AliasVersionLatest, a.Version)
	}
	w := b.vals["additionalVersionWeight"]
	if w == nil || w.Kind != yaml.MappingNode {
		return a // absent, or already reported by the walker
	}
	wp := path + ".additionalVersionWeight"
	if len(w.Content) > 2 {
		l.errorf(w, wp, "lists %d versions; an alias can send traffic to one additional version only", len(w.Content)/2)
	}
	for vk, vv := range pairs(w) {
		switch {
		case !versionIDRE.MatchString(vk.Value):
			l.errorf(vk, wp+"."+vk.Value, "%q is not a version id; use a published version number like \"2\"", vk.Value)
		case vk.Value == a.Version:
			l.errorf(vk, wp+"."+vk.Value, "version %s is already the alias's main version; name a different one", vk.Value)
		}
		if f := a.Spec.AdditionalVersionWeight[vk.Value]; vv.Kind == yaml.ScalarNode && (f < 0 || f > fc.MaxAdditionalVersionWeight) {
			l.errorf(vv, wp+"."+vk.Value, "the weight must be between 0 and 1, not %s", vv.Value)
		}
	}
	return a
}

// IsSecretKey reports whether an environment variable's name suggests its
// value is a secret.
func IsSecretKey(name string) bool { return fc.IsSecretName(name) }

func (l *loader) function(s *Service, k, v *yaml.Node) Function {
	path := join("services", s.Name) + ".functions." + k.Value
	if err := fc.ValidateName("function", k.Value); err != nil {
		l.errorf(k, path, "%s", err)
	}
	f := Function{Name: k.Value, Service: s.Name, Pos: l.pos(k), Sensitive: map[string]bool{}}
	b := l.decodeShape(v, k, path, FunctionShape, &f.Spec)
	if f.Spec.Runtime != nil {
		f.Runtime = *f.Spec.Runtime
	}
	if f.Spec.Handler != nil {
		f.Handler = *f.Spec.Handler
	}
	l.checkDescription(b, f.Spec.Description)
	if b.has("runtime") {
		l.checkRuntime(b.vals["runtime"], path+".runtime", f.Runtime)
	}
	if b.has("handler") {
		l.checkHandler(b, "handler", f.Runtime, f.Handler)
	}
	if b.has("initializer") && f.Spec.Initializer != nil {
		l.checkHandler(b, "initializer", f.Runtime, *f.Spec.Initializer)
	}
	switch container := f.Runtime == fc.RuntimeCustomContainer; {
	case container && b.has("code"):
		l.errorf(b.vals["code"], path+".code", "a %s function runs customContainerConfig.image and has no code; remove code", fc.RuntimeCustomContainer)
	case container:
		f.Code = CodeSource{Kind: CodeImage, Pos: l.pos(k)}
		if f.Spec.CustomContainerConfig == nil {
			l.errorf(k, path, "missing required field %q: a %s function runs an image", "customContainerConfig", fc.RuntimeCustomContainer)
		}
	case b.has("code"):
		f.Code = l.code(b, path+".code")
		f.Build = l.build(b.vals["build"], path+".build", &f)
	default:
		if v, written := b.vals["code"]; written && isNull(v) {
			l.errorf(b.keys["code"], path+".code", "code is empty; it is required")
		} else {
			l.errorf(k, path, "missing required field %q", "code")
		}
	}
	if soft, hard := f.Spec.InstanceSoftConcurrency, f.Spec.InstanceConcurrency; soft != nil && *soft > 1 && (hard == nil || *soft > *hard) {
		limit := "1 when instanceConcurrency is not set"
		if hard != nil {
			limit = fmt.Sprintf("instanceConcurrency (%d)", *hard)
		}
		l.errorf(b.vals["instanceSoftConcurrency"], path+".instanceSoftConcurrency", "%d is more than %s; scale-out starts at the soft limit, so it must not exceed the hard one", *soft, limit)
	}
	// A value is secret by its name, or by its origin: the process
	// environment.
	if n := b.vals["environmentVariables"]; n != nil && n.Kind == yaml.MappingNode {
		for ek, ev := range pairs(n) {
			if _, ok := f.Spec.EnvironmentVariables[ek.Value]; ok && (l.fromEnv[ev] || IsSecretKey(ek.Value)) {
				f.Sensitive[ek.Value] = true
			}
		}
	}
	if b.has("layers") {
		l.checkLayers(b, f.Spec.Layers)
	} else if f.Runtime != fc.RuntimeCustomContainer {
		// No layers written means none: dropping the key detaches the
		// function from its layers (before --prune deletes them).
		f.Spec.Layers = []string{}
	}
	for _, e := range l.entries(b.vals["triggers"], path+".triggers") {
		f.Triggers = append(f.Triggers, l.trigger(s, &f, e[0], e[1]))
	}
	if b.has("asyncInvokeConfig") {
		f.AsyncConfig = l.asyncConfig(s, b)
	}
	return f
}

func (l *loader) checkRuntime(n *yaml.Node, path, runtime string) {
	if slices.Contains(fc.Runtimes, runtime) {
		return
	}
	lang, _ := fc.RuntimeLanguage(runtime)
	same := fc.RuntimesOf(lang)
	var msg string
	// Newest first, so that of equally close runtimes the newest is proposed.
	candidates := slices.Clone(fc.RuntimeCandidates(runtime))
	slices.Reverse(candidates)
	switch s := DidYouMean(runtime, candidates); {
	case s != "":
		msg = fmt.Sprintf("%q is not a supported runtime; did you mean %q? Supported: %s", runtime, s, strings.Join(fc.Runtimes, ", "))
	case len(same) > 0 && lang != "":
		// A version newer than any Function Compute offers: list the
		// language's runtimes rather than suggest an older one.
		msg = fmt.Sprintf("%q is not a supported runtime; the %s runtimes are: %s", runtime, lang, strings.Join(same, ", "))
	default:
		msg = fmt.Sprintf("%q is not one of: %s", runtime, strings.Join(fc.Runtimes, ", "))
	}
	l.errorf(n, path, "%s", msg)
}

// handlerRE is `file.function` where file may contain a path.
var handlerRE = regexp.MustCompile(`^[^.\s][^\s]*\.[A-Za-z_$][A-Za-z0-9_$]*$`)

// checkHandler checks the FILE.FUNCTION form of python and nodejs
// handlers; other runtimes name handlers differently (a class, a binary, a
// placeholder) and are not checked.
func (l *loader) checkHandler(b *block, field, runtime, value string) {
	if !slices.Contains(fc.Runtimes, runtime) || (!strings.HasPrefix(runtime, "python") && !strings.HasPrefix(runtime, "nodejs")) {
		return
	}
	if !handlerRE.MatchString(value) {
		l.errorf(b.vals[field], join(b.path, field),
			"%q must look like FILE.FUNCTION for %s, e.g. \"index.handler\" for function handler in index.%s",
			value, runtime, map[bool]string{true: "py", false: "js"}[strings.HasPrefix(runtime, "python")])
	}
}

// code resolves `code:`: oss://bucket/object, a .zip/.jar file, or a
// directory, relative to the manifest.
func (l *loader) code(b *block, path string) CodeSource {
	n := b.vals["code"]
	raw := l.str(b, "code")
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
		p = filepath.Join(l.dirOf(n), p)
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
	t := Trigger{Name: k.Value, Pos: l.pos(k)}
	b := l.decodeShape(v, k, path, TriggerShape, &t.Spec)
	t.Spec.TriggerType = l.str(b, "type")
	if typ := t.Spec.TriggerType; b.has("type") && !slices.Contains(fc.TriggerTypes, typ) {
		msg := fmt.Sprintf("%q is not one of: %s", typ, strings.Join(fc.TriggerTypes, ", "))
		if s := DidYouMean(typ, fc.TriggerTypes); s != "" {
			msg = fmt.Sprintf("%q is not a trigger type; did you mean %q? Supported: %s", typ, s, strings.Join(fc.TriggerTypes, ", "))
		}
		l.errorf(b.vals["type"], path+".type", "%s", msg)
	}
	if t.Spec.Qualifier != nil {
		l.checkQualifier(s, b, *t.Spec.Qualifier)
	}
	if b.has("config") {
		t.Spec.TriggerConfig = l.triggerConfig(b, t.Spec.TriggerType)
	}
	return t
}

func (l *loader) checkQualifier(s *Service, b *block, q string) {
	if q == "" || q == fc.QualifierLatest || versionIDRE.MatchString(q) || s.Alias(q) != nil {
		return
	}
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
	l.errorf(b.vals["qualifier"], b.path+".qualifier", "%s (LATEST and version ids are also accepted)", msg)
}

// triggerConfig decodes `config:` into the Go type its trigger type picks
// (fc.TriggerConfigTypes), or as free JSON for the types without one, and
// returns it as canonical JSON.
func (l *loader) triggerConfig(b *block, typ string) json.RawMessage {
	cn, cp := b.vals["config"], b.path+".config"
	if cn.Kind != yaml.MappingNode {
		l.errorf(cn, cp, "must be a mapping, not %s", describe(cn))
		return nil
	}
	var val any
	if ct, ok := fc.TriggerConfigTypes[typ]; ok {
		cv := reflect.New(ct)
		cb := l.decodeStruct(cn, b.keys["config"], cp, cv.Elem(), TriggerShape.Kind, []string{"triggerConfig"}, nil, nil)
		switch c := cv.Interface().(type) {
		case *fc.TimerTriggerConfig:
			if cb.has("cronExpression") {
				if err := CheckCron(c.CronExpression); err != nil {
					l.errorf(cb.vals["cronExpression"], cp+".cronExpression", "%s", err)
				}
			}
			if !cb.has("enable") {
				// An unset enable means a disabled timer in Function
				// Compute; a timer written down is meant to run.
				c.Enable = true
			}
		case *fc.HTTPTriggerConfig:
			if cb.has("authType") && !slices.Contains(HTTPAuthTypes, c.AuthType) {
				l.errorf(cb.vals["authType"], cp+".authType", "%q is not one of: %s", c.AuthType, strings.Join(HTTPAuthTypes, ", "))
			}
			for i, m := range c.Methods {
				if !slices.Contains(fc.HTTPMethods, m) {
					l.errorf(cb.vals["methods"].Content[i], cp+".methods."+strconv.Itoa(i), "%q is not one of: %s", m, strings.Join(fc.HTTPMethods, ", "))
				}
			}
		}
		val = cv.Interface()
	} else {
		v, err := Value(cn)
		if err != nil {
			l.errorf(cn, cp, "%s", err)
			return nil
		}
		val = v
	}
	raw, err := canonicalJSON(val)
	if err != nil {
		l.errorf(cn, cp, "%s", err)
	}
	return raw
}

// canonicalJSON encodes v with object keys sorted at every depth, so that
// the same configuration always has the same bytes.
func canonicalJSON(v any) (json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	var plain any
	if err := d.Decode(&plain); err != nil {
		return nil, err
	}
	return json.Marshal(plain)
}
