package schema

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"gopkg.in/yaml.v3"

	"github.com/fcdeploy/fcdeploy/manifest"
)

// Diagnostic is one problem with its position; see manifest.Diagnostic.
type Diagnostic = manifest.Diagnostic

// Validate checks a manifest completely: YAML syntax and bounds, the JSON
// Schema on the document as written, and the manifest package's checks
// after interpolation (limits, code paths, alias references, cron, the
// --env name). The result is sorted by position; empty means valid.
func Validate(file string, data []byte, opt manifest.LoadOptions) []Diagnostic {
	_, diags := validate(file, data, opt)
	return diags
}

// Load reads, validates and loads the manifest at path: what plan, apply
// and package should call. Problems are returned as a *manifest.Error.
func Load(path string, opt manifest.LoadOptions) (*manifest.Project, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("manifest %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, manifest.MaxDocumentSize+1))
	if err != nil {
		return nil, fmt.Errorf("manifest %s: %w", path, err)
	}
	p, diags := validate(path, data, opt)
	if len(diags) > 0 {
		return nil, &manifest.Error{File: path, Diagnostics: diags}
	}
	return p, nil
}

// LoadBytes is Load for a manifest held in memory (read from stdin): name
// is used in diagnostics, and its directory is the project directory.
func LoadBytes(name string, data []byte, opt manifest.LoadOptions) (*manifest.Project, error) {
	p, diags := validate(name, data, opt)
	if len(diags) > 0 {
		return nil, &manifest.Error{File: name, Diagnostics: diags}
	}
	return p, nil
}

func validate(file string, data []byte, opt manifest.LoadOptions) (*manifest.Project, []Diagnostic) {
	doc, diags := manifest.ParseProject(file, data)
	if doc.Root == nil {
		return nil, manifest.SortDiagnostics(diags)
	}
	// The schema sees the document as written; Load then interpolates it.
	checked := doc.Relocate(Check(doc))
	p, loaded := doc.Load(opt)
	diags = append(diags, loaded...)
	// Where the loader already explained a problem, its message (which
	// knows the interpolated value) wins over the schema's.
	type at struct {
		file      string
		line, col int
	}
	seen := map[at]bool{}
	for _, d := range diags {
		seen[at{d.File, d.Line, d.Col}] = true
	}
	for _, d := range checked {
		if !seen[at{d.File, d.Line, d.Col}] {
			diags = append(diags, d)
		}
	}
	if len(diags) > 0 {
		return nil, manifest.LimitDiagnostics(manifest.SortDiagnostics(diags))
	}
	return p, nil
}

// Check validates a parsed document against the JSON Schema only.
func Check(doc *manifest.Document) []Diagnostic {
	s, err := compiled()
	if err != nil {
		return []Diagnostic{{File: doc.File, Message: err.Error()}}
	}
	v, err := manifest.Value(doc.Root)
	if err != nil {
		d := Diagnostic{File: doc.File, Line: doc.Root.Line, Col: doc.Root.Column, Message: err.Error()}
		var ve *manifest.ValueError
		if errors.As(err, &ve) {
			d.Line, d.Col = ve.Node.Line, ve.Node.Column
		}
		return []Diagnostic{d}
	}
	err = s.Validate(v)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []Diagnostic{{File: doc.File, Message: err.Error()}}
	}
	t := &translator{doc: doc}
	t.walk(ve)
	return manifest.SortDiagnostics(t.diags)
}

type translator struct {
	doc   *manifest.Document
	diags []Diagnostic
	// index maps a JSON pointer's tokens, joined by NUL, to the key and
	// value nodes there; built once so that placing n errors is O(n).
	index map[string][2]*yaml.Node
}

func (t *translator) buildIndex() {
	t.index = map[string][2]*yaml.Node{}
	var walk func(n *yaml.Node, key *yaml.Node, path string)
	walk = func(n, key *yaml.Node, path string) {
		t.index[path] = [2]*yaml.Node{key, n}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(n.Content[i+1], n.Content[i], path+"\x00"+n.Content[i].Value)
			}
		case yaml.SequenceNode:
			for i, e := range n.Content {
				walk(e, nil, path+"\x00"+strconv.Itoa(i))
			}
		}
	}
	walk(t.doc.Root, nil, "")
}

// walk turns the error tree into diagnostics. For anyOf, the branch that
// only allows a ${...} reference is dropped (it fails for every plain
// value), and a rule stated on the anyOf's schema replaces the branches.
func (t *translator) walk(e *jsonschema.ValidationError) {
	kw := lastToken(e.AbsoluteKeywordLocation)
	if kw == "anyOf" {
		if rule := ruleOf(parentOf(e.AbsoluteKeywordLocation)); rule != "" {
			t.add(e, "", rule+", not "+t.value(e.InstanceLocation))
			return
		}
		var kept []*jsonschema.ValidationError
		for _, c := range e.Causes {
			if !strings.Contains(c.AbsoluteKeywordLocation, "/definitions/ref") {
				kept = append(kept, c)
			}
		}
		if len(kept) > 0 {
			// The first remaining branch is the one written for plain values.
			t.walk(kept[0])
		}
		return
	}
	if len(e.Causes) > 0 {
		for _, c := range e.Causes {
			t.walk(c)
		}
		return
	}
	t.leaf(e, kw)
}

var quotedRE = regexp.MustCompile(`'((?:[^'\\]|\\.)*)'`)

// quotedNames are the names a jsonschema message quotes, unescaped. It
// writes them as Go's %q would, but between single quotes, with \' for a
// quote and " left bare: "it's" arrives as 'it\'s' and a\b as 'a\\b'.
func quotedNames(msg string) []string {
	var names []string
	for _, m := range quotedRE.FindAllStringSubmatch(msg, -1) {
		name, err := strconv.Unquote(`"` + toGoQuoted.Replace(m[1]) + `"`)
		if err != nil {
			name = m[1] // not quoted as above: keep the text as it is
		}
		names = append(names, name)
	}
	return names
}

// toGoQuoted turns the inside of a jsonschema quote into that of a Go one.
// A backslash pair is matched first: in \\\' only the last two are a quote.
var toGoQuoted = strings.NewReplacer(`\\`, `\\`, `\'`, `'`, `"`, `\"`)

func (t *translator) leaf(e *jsonschema.ValidationError, kw string) {
	sub := lookup(parentOf(e.AbsoluteKeywordLocation))
	switch kw {
	case "required":
		for _, name := range quotedNames(e.Message) {
			t.add(e, "", fmt.Sprintf("missing required field %q", name))
		}
		return
	case "additionalProperties":
		var allowed []string
		if props, ok := sub["properties"].(map[string]any); ok {
			for k := range props {
				allowed = append(allowed, k)
			}
		}
		slices.Sort(allowed)
		for _, name := range quotedNames(e.Message) {
			msg := fmt.Sprintf("unknown field %q", name)
			if s := manifest.DidYouMean(name, allowed); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			} else if len(allowed) > 0 {
				msg += "; allowed here: " + strings.Join(allowed, ", ")
			}
			t.add(e, name, msg)
		}
		return
	}
	if strings.Contains(e.KeywordLocation, "/propertyNames") {
		rule := ruleOf(parentOf(e.AbsoluteKeywordLocation))
		if rule == "" {
			rule = e.Message
		}
		key, _ := t.locate(e.InstanceLocation)
		t.addAt(key, pathOf(e.InstanceLocation), fmt.Sprintf("%s, not %s", rule, strconv.Quote(keyValue(key))))
		return
	}
	value := t.value(e.InstanceLocation)
	switch kw {
	case "type":
		t.add(e, "", fmt.Sprintf("must be %s, not %s", typeName(sub["type"]), value))
	case "enum":
		var opts []string
		for _, o := range asSlice(sub["enum"]) {
			opts = append(opts, fmt.Sprint(o))
		}
		t.add(e, "", fmt.Sprintf("%s is not one of: %s", value, strings.Join(opts, ", ")))
	case "const":
		t.add(e, "", fmt.Sprintf("must be %q, not %s", fmt.Sprint(sub["const"]), value))
	case "minItems":
		t.add(e, "", "must list at least one value")
	case "maxProperties":
		if rule, ok := sub["x-rule"].(string); ok {
			t.add(e, "", rule)
			return
		}
		t.add(e, "", e.Message)
	default:
		if rule, ok := sub["x-rule"].(string); ok {
			t.add(e, "", rule+", not "+value)
			return
		}
		t.add(e, "", e.Message)
	}
}

// add reports e at the node its instance names: for object-level problems
// (child != "" for an unknown field) at the key, otherwise at the value.
func (t *translator) add(e *jsonschema.ValidationError, child, msg string) {
	loc := e.InstanceLocation
	kw := lastToken(e.AbsoluteKeywordLocation)
	if child != "" {
		loc += "/" + url.PathEscape(strings.ReplaceAll(strings.ReplaceAll(child, "~", "~0"), "/", "~1"))
	}
	key, value := t.locate(loc)
	at := value
	if (kw == "required" || child != "") && key != nil {
		at = key
	}
	t.addAt(at, pathOf(loc), msg)
}

func (t *translator) addAt(n *yaml.Node, path, msg string) {
	d := Diagnostic{File: t.doc.File, Path: path, Message: msg}
	if n != nil {
		d.Line, d.Col = n.Line, n.Column
	}
	t.diags = append(t.diags, d)
}

func (t *translator) locate(instance string) (key, value *yaml.Node) {
	if t.index == nil {
		t.buildIndex()
	}
	// The instance is a node of the tree the index holds: the schema
	// checked the value built from it, and quoted names are unescaped.
	p := ""
	for _, tok := range tokens(instance) {
		p += "\x00" + tok
	}
	if kv, ok := t.index[p]; ok {
		return kv[0], kv[1]
	}
	return nil, t.doc.Root
}

func (t *translator) value(instance string) string {
	_, v := t.locate(instance)
	if v == nil {
		return "nothing"
	}
	return describe(v)
}

func keyValue(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	return n.Value
}

// describe mirrors the manifest package's wording for a value.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.Tag {
	case "!!null":
		return "an empty value"
	case "!!int", "!!float":
		return n.Value
	case "!!bool":
		return n.Value
	}
	v := n.Value
	if len(v) > 40 {
		v = v[:40] + "…"
	}
	return strconv.Quote(v)
}

func typeName(t any) string {
	names := map[string]string{
		"string": "a string", "integer": "a whole number", "number": "a number",
		"boolean": "true or false", "object": "a mapping", "array": "a list", "null": "empty",
	}
	var out []string
	for _, s := range asSlice(t) {
		out = append(out, names[fmt.Sprint(s)])
	}
	if s, ok := t.(string); ok {
		out = []string{names[s]}
	}
	if len(out) > 2 {
		return strings.Join(out[:len(out)-1], ", ") + " or " + out[len(out)-1]
	}
	return strings.Join(out, " or ")
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// tokens splits a JSON pointer into unescaped tokens.
func tokens(ptr string) []string {
	ptr = strings.TrimPrefix(ptr, "/")
	if ptr == "" {
		return nil
	}
	parts := strings.Split(ptr, "/")
	for i, p := range parts {
		// jsonschema/v5 percent-encodes each token after the ~ escapes.
		if u, err := url.PathUnescape(p); err == nil {
			p = u
		}
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
	}
	return parts
}

func pathOf(instance string) string { return strings.Join(tokens(instance), ".") }

func fragment(abs string) string {
	if i := strings.IndexByte(abs, '#'); i >= 0 {
		return abs[i+1:]
	}
	return ""
}

func lastToken(abs string) string {
	t := tokens(fragment(abs))
	if len(t) == 0 {
		return ""
	}
	return t[len(t)-1]
}

// parentOf is the location of the schema that holds the keyword at abs.
func parentOf(abs string) string {
	f := fragment(abs)
	if i := strings.LastIndexByte(f, '/'); i >= 0 {
		return "#" + f[:i]
	}
	return "#"
}

// lookup returns the schema object at a location ("...#/a/b").
func lookup(loc string) map[string]any {
	var cur any = rawSchema()
	for _, tok := range tokens(fragment(loc)) {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
	}
	m, _ := cur.(map[string]any)
	return m
}

func ruleOf(loc string) string {
	r, _ := lookup(loc)["x-rule"].(string)
	return r
}
