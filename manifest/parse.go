package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Bounds that keep hostile documents from using unbounded memory or time.
// They grow with the input, so a large honest project (20,000 functions
// across a manifest and its includes) loads in time and memory linear in
// its size, while alias bombs and hostile nesting stop in milliseconds.
const (
	// MaxDocumentSize is the largest manifest file accepted, in bytes; a
	// project larger than that splits its services into included files.
	MaxDocumentSize = 4 << 20
	// MaxAliasNodes is how many nodes YAML aliases may expand to, plus
	// AliasFactor times the values the document writes itself: shared
	// settings merged into every function (`<<: *defaults`) stay well
	// within it, while a "billion laughs" document, which grows
	// exponentially, blows through it after a few aliases whatever its size.
	MaxAliasNodes = 10_000
	// AliasFactor is that multiple.
	AliasFactor = 4
	// MaxDepth is how deeply values may nest; real manifests use about 8.
	MaxDepth = 100
	// MaxNodes is how many lines and commas any document may have before
	// their density is checked: beyond it, lines and commas must average
	// at least MinBytesPerValue bytes. yaml.v3 builds the whole tree before
	// any bound here can act, and a document of bare `1,1,1,...` would
	// cost hundreds of MB to parse; written YAML averages far more.
	MaxNodes = 100_000
	// MinBytesPerValue is that average.
	MinBytesPerValue = 8
)

// Document is a parsed manifest: one YAML document whose aliases and merge
// keys (`<<`) have been expanded and whose duplicate keys were reported, so
// every later reader sees a plain tree of mappings, sequences and scalars.
type Document struct {
	File string
	Root *yaml.Node // a MappingNode, or nil when parsing failed
	// includes are the files merged in by `include:` (see ParseProject).
	includes []string
}

// Parse decodes data as a single YAML document with the bounds above. It
// reports syntax errors with their line, duplicate keys, and documents
// that are too large or expand too much.
func Parse(file string, data []byte) (*Document, []Diagnostic) {
	doc := &Document{File: file}
	if len(data) > MaxDocumentSize {
		return doc, []Diagnostic{{File: file, Message: fmt.Sprintf(
			"the file is %d bytes; manifests larger than %d bytes (4 MiB) are refused", len(data), MaxDocumentSize)}}
	}
	// yaml.v3 builds the whole tree before the bounds below can act; every
	// value needs a line or a comma of its own, so this cheap count keeps a
	// dense document from costing hundreds of MB to parse.
	if seps := bytes.Count(data, []byte{'\n'}) + bytes.Count(data, []byte{','}); seps > 2*MaxNodes && seps > len(data)/MinBytesPerValue {
		return doc, []Diagnostic{{File: file, Message: fmt.Sprintf(
			"the document has %d lines and commas in %d bytes, fewer than %d bytes each; a manifest this dense is refused (the first %d are allowed at any density)", seps, len(data), MinBytesPerValue, 2*MaxNodes)}}
	}
	root, err := decodeYAML(data)
	if err != nil {
		return doc, []Diagnostic{syntaxDiagnostic(file, data, err)}
	}
	if root == nil || len(root.Content) == 0 || isNull(root.Content[0]) {
		return doc, []Diagnostic{{File: file, Message: "the file is empty; it needs at least `project:` and `services:`"}}
	}
	x := &expander{file: file, aliasBudget: MaxAliasNodes + AliasFactor*countWritten(root.Content[0], 0)}
	top := x.copy(root.Content[0], 0, "")
	if x.stopped {
		return doc, x.diags
	}
	if top.Kind != yaml.MappingNode {
		x.diags = append(x.diags, Diagnostic{File: file, Line: top.Line, Col: top.Column,
			Message: fmt.Sprintf("the document must be a mapping with `project:` and `services:`, not %s", describe(top))})
		return doc, x.diags
	}
	doc.Root = top
	return doc, x.diags
}

// decodeYAML parses the first document and refuses a second one, turning
// parser panics (never expected, but the input is untrusted) into errors.
func decodeYAML(data []byte) (root *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			root, err = nil, fmt.Errorf("yaml: the parser failed on this input: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var n yaml.Node
	if err := dec.Decode(&n); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &multiDocError{line: extra.Line}
	} else if !errors.Is(err, io.EOF) {
		return nil, err
	}
	return &n, nil
}

type multiDocError struct{ line int }

func (e *multiDocError) Error() string {
	return "only one YAML document is allowed; remove the second `---`"
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): `)

// syntaxDiagnostic positions a yaml.v3 error. The parser reports a line
// but no column, so the column is that of the line's first character.
func syntaxDiagnostic(file string, data []byte, err error) Diagnostic {
	d := Diagnostic{File: file, Message: err.Error()}
	lines := strings.Split(string(data), "\n")
	var md *multiDocError
	if errors.As(err, &md) {
		d.Line = md.line
	} else if m := yamlLineRE.FindStringSubmatch(d.Message); m != nil {
		d.Line, _ = strconv.Atoi(m[1])
		d.Message = "yaml: " + strings.TrimPrefix(d.Message, m[0])
		for _, c := range parserContexts {
			if strings.HasSuffix(d.Message, c.problem) {
				// yaml.v3 names the 0-based line of the construct that
				// is not finished or, when that is 0, the line of the
				// problem. After a blank line the construct's 0-based
				// line is never 0, and it is its 1-based line here.
				if _, err := decodeYAML(append([]byte{'\n'}, data...)); err != nil {
					if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
						d.Line, _ = strconv.Atoi(m[1])
					}
				}
				d.Message += " " + c.context
				if d.Line <= len(lines) {
					if i := strings.IndexAny(lines[d.Line-1], c.opener); i >= 0 {
						d.Col = i + 1
						return d
					}
				}
				break
			}
		}
	}
	if strings.Contains(d.Message, "cannot start any token") {
		// Almost always a tab used for indentation; point at it.
		for i, l := range lines {
			indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
			if t := strings.IndexByte(indent, '\t'); t >= 0 && (d.Line == 0 || d.Line == i+1) {
				d.Line, d.Col = i+1, t+1
				d.Message = "yaml: a tab character is used for indentation; YAML allows only spaces"
				return d
			}
		}
	}
	if d.Line > 0 {
		d.Col = 1
		if d.Line <= len(lines) {
			d.Col = len(lines[d.Line-1]) - len(strings.TrimLeft(lines[d.Line-1], " \t")) + 1
		}
	}
	return d
}

// parserContexts are the yaml.v3 parser errors that carry the position of
// the unfinished construct rather than of the problem.
var parserContexts = []struct{ problem, context, opener string }{
	{"did not find expected ',' or '}'", "in the {...} mapping that starts here; is a comma or the closing } missing?", "{"},
	{"did not find expected ',' or ']'", "in the [...] list that starts here; is a comma or the closing ] missing?", "["},
	{"did not find expected key", "in the mapping that starts here; check the indentation of the lines below it", ""},
	{"did not find expected '-' indicator", "in the list that starts here; check the indentation of the lines below it", ""},
	{"did not find expected node content", "here; is a value missing or a bracket not closed?", ""},
}

// countWritten counts the nodes of the tree as written, not following
// aliases, so its cost is that of the parse. Past MaxDepth it stops: the
// expander refuses that nesting anyway.
func countWritten(n *yaml.Node, depth int) int {
	if depth > MaxDepth {
		return 1
	}
	c := 1
	for _, e := range n.Content {
		c += countWritten(e, depth+1)
	}
	return c
}

// expander copies the parsed tree, replacing aliases with copies of their
// anchors within aliasBudget nodes.
type expander struct {
	file        string
	aliasBudget int
	aliasNodes  int
	inAlias     int
	aliasAt     *yaml.Node // the outermost alias being expanded
	aliasPath   string
	stopped     bool
	diags       []Diagnostic
}

func (x *expander) stop(n *yaml.Node, path, msg string) *yaml.Node {
	if !x.stopped {
		x.stopped = true
		x.diags = append(x.diags, Diagnostic{File: x.file, Line: n.Line, Col: n.Column, Path: path, Message: msg})
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: n.Line, Column: n.Column}
}

func (x *expander) copy(n *yaml.Node, depth int, path string) *yaml.Node {
	if x.stopped {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
	}
	if depth > MaxDepth {
		return x.stop(n, path, fmt.Sprintf("values are nested more than %d levels deep", MaxDepth))
	}
	if x.inAlias > 0 {
		x.aliasNodes++
		if x.aliasNodes > x.aliasBudget {
			return x.stop(x.aliasAt, x.aliasPath, fmt.Sprintf(
				"YAML aliases expand to more than %d values (%d plus %d times the %d the document writes); the document is refused (an alias bomb?)",
				x.aliasBudget, MaxAliasNodes, AliasFactor, (x.aliasBudget-MaxAliasNodes)/AliasFactor))
		}
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return x.stop(n, path, "yaml: alias without an anchor")
		}
		if x.inAlias == 0 {
			x.aliasAt, x.aliasPath = n, path
		}
		x.inAlias++
		c := x.copy(n.Alias, depth, path)
		x.inAlias--
		return c
	case yaml.MappingNode:
		return x.mapping(n, depth, path)
	case yaml.SequenceNode:
		c := &yaml.Node{Kind: n.Kind, Tag: n.Tag, Style: n.Style, Line: n.Line, Column: n.Column}
		for i, e := range n.Content {
			if x.stopped {
				break
			}
			c.Content = append(c.Content, x.copy(e, depth+1, join(path, strconv.Itoa(i))))
		}
		return c
	default:
		c := *n
		c.Anchor, c.HeadComment, c.LineComment, c.FootComment = "", "", "", ""
		return &c
	}
}

// mapping copies a mapping, reporting duplicate keys and applying merge
// keys: entries written in the mapping win over merged ones.
func (x *expander) mapping(n *yaml.Node, depth int, path string) *yaml.Node {
	c := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: n.Style, Line: n.Line, Column: n.Column}
	seen := map[string]*yaml.Node{}
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content) && !x.stopped; i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			merges = append(merges, v)
			continue
		}
		key := x.copy(k, depth+1, path)
		if key.Kind != yaml.ScalarNode {
			x.diags = append(x.diags, Diagnostic{File: x.file, Line: k.Line, Col: k.Column,
				Message: "keys must be plain names, not " + describe(key)})
			continue
		}
		if first, dup := seen[key.Value]; dup {
			x.diags = append(x.diags, Diagnostic{File: x.file, Line: k.Line, Col: k.Column, Path: join(path, key.Value),
				Message: fmt.Sprintf("duplicate key %q (first defined at line %d); remove one of them", key.Value, first.Line)})
			continue
		}
		seen[key.Value] = key
		c.Content = append(c.Content, key, x.copy(v, depth+1, join(path, key.Value)))
	}
	for _, m := range merges {
		x.merge(c, seen, m, depth, path)
	}
	return c
}

func (x *expander) merge(c *yaml.Node, seen map[string]*yaml.Node, m *yaml.Node, depth int, path string) {
	src := x.copy(m, depth+1, path)
	switch src.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(src.Content); i += 2 {
			if _, ok := seen[src.Content[i].Value]; ok {
				continue
			}
			seen[src.Content[i].Value] = src.Content[i]
			c.Content = append(c.Content, src.Content[i], src.Content[i+1])
		}
	case yaml.SequenceNode:
		for _, e := range src.Content {
			if e.Kind == yaml.MappingNode {
				x.merge(c, seen, e, depth, path)
			}
		}
	default:
		if !x.stopped {
			x.diags = append(x.diags, Diagnostic{File: x.file, Line: m.Line, Col: m.Column,
				Message: "a merge key `<<` needs a mapping or a list of mappings"})
		}
	}
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// describe names a node's type for messages: "a mapping", "a list",
// "the number 12", "the string \"x\"".
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "an empty value"
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!bool":
			return "the boolean " + n.Value
		case "!!str":
			return strconv.Quote(truncate(n.Value, 40))
		}
		return strconv.Quote(truncate(n.Value, 40))
	}
	return "an unknown value"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Locate finds the key and value nodes at a path of mapping keys and list
// indexes (as decimal strings). For the root, key is nil. ok is false when
// the path does not exist; then key/value are the deepest nodes found.
func (d *Document) Locate(path []string) (key, value *yaml.Node, ok bool) {
	value = d.Root
	for _, tok := range path {
		if value == nil {
			return key, value, false
		}
		switch value.Kind {
		case yaml.MappingNode:
			found := false
			for i := 0; i+1 < len(value.Content); i += 2 {
				if value.Content[i].Value == tok {
					key, value, found = value.Content[i], value.Content[i+1], true
					break
				}
			}
			if !found {
				return key, value, false
			}
		case yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(value.Content) {
				return key, value, false
			}
			key, value = nil, value.Content[i]
		default:
			return key, value, false
		}
	}
	return key, value, true
}
