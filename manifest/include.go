package manifest

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Bounds of `include:`.
const (
	// MaxIncludes is how many files one manifest may include.
	MaxIncludes = 200
	// MaxProjectSize is the size of a manifest and its includes together.
	MaxProjectSize = 16 << 20
)

// lineStride separates the lines of included files inside the merged
// document: the nodes of the k-th included file carry Line + k*lineStride,
// so every diagnostic made from a node anywhere (schema, loader) can be
// given back its file and line in one place (Document.Relocate). A file of
// MaxDocumentSize bytes has fewer lines than the stride.
const lineStride = 1 << 23

// ParseFile reads and parses the manifest at path with its includes.
func ParseFile(path string) (*Document, []Diagnostic) {
	data, err := readBounded(path)
	if err != nil {
		return &Document{File: path}, []Diagnostic{{File: path, Message: err.Error()}}
	}
	return ParseProject(path, data)
}

// ParseProject parses a manifest and the files its top-level `include:`
// names (a path or a list of paths, relative to the manifest's directory;
// glob patterns such as services/*.yaml are expanded in sorted order).
// An included file holds only `services:`; its services join the
// manifest's, and a service defined twice is an error naming both places.
// Aliases do not cross files. The merged document has no `include:` key;
// its diagnostics name the included file and its own line and column once
// passed through Relocate (Load and the schema do that).
func ParseProject(file string, data []byte) (*Document, []Diagnostic) {
	doc, diags := Parse(file, data)
	if doc.Root == nil {
		return doc, diags
	}
	inc := takeKey(doc.Root, "include")
	if inc == nil {
		return doc, diags
	}
	paths, more := doc.includePaths(inc)
	diags = append(diags, more...)
	services := valueOf(doc.Root, "services")
	if services != nil && isNull(services) {
		services.Kind, services.Tag, services.Value = yaml.MappingNode, "!!map", ""
	}
	total := int64(len(data))
	for _, p := range paths {
		if len(doc.includes) == MaxIncludes {
			diags = append(diags, Diagnostic{File: file, Line: inc.Line, Col: inc.Column, Path: "include",
				Message: fmt.Sprintf("more than %d files are included; merge some of them", MaxIncludes)})
			break
		}
		idata, err := readBounded(p)
		if err != nil {
			diags = append(diags, Diagnostic{File: file, Line: inc.Line, Col: inc.Column, Path: "include", Message: err.Error()})
			continue
		}
		if total += int64(len(idata)); total > MaxProjectSize {
			diags = append(diags, Diagnostic{File: p, Message: fmt.Sprintf(
				"the manifest and its includes hold more than %d bytes (16 MiB) together; the project is refused", MaxProjectSize)})
			break
		}
		idoc, idiags := Parse(p, idata)
		diags = append(diags, idiags...)
		if idoc.Root == nil {
			continue
		}
		doc.includes = append(doc.includes, p)
		isvc, more := includedServices(idoc)
		diags = append(diags, more...)
		if isvc == nil {
			continue
		}
		if services == nil || services.Kind != yaml.MappingNode {
			if services != nil {
				continue // the schema reports the manifest's own `services:`
			}
			services = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: inc.Line, Column: inc.Column}
			doc.Root.Content = append(doc.Root.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "services", Line: inc.Line, Column: inc.Column}, services)
		}
		for i := 0; i+1 < len(isvc.Content); i += 2 {
			k := isvc.Content[i]
			if first := keyNode(services, k.Value); first != nil {
				f, l := doc.Position(first.Line)
				diags = append(diags, Diagnostic{File: p, Line: k.Line, Col: k.Column, Path: "services." + k.Value,
					Message: fmt.Sprintf("service %q is also defined at %s:%d:%d; define it in one file", k.Value, f, l, first.Column)})
				continue
			}
			shiftLines(k, len(doc.includes)*lineStride)
			shiftLines(isvc.Content[i+1], len(doc.includes)*lineStride)
			services.Content = append(services.Content, k, isvc.Content[i+1])
		}
	}
	return doc, diags
}

// includePaths resolves `include:` to file paths, reporting bad entries.
func (d *Document) includePaths(inc *yaml.Node) ([]string, []Diagnostic) {
	var entries []*yaml.Node
	switch inc.Kind {
	case yaml.ScalarNode:
		entries = []*yaml.Node{inc}
	case yaml.SequenceNode:
		entries = inc.Content
	}
	bad := func(n *yaml.Node, path, msg string) Diagnostic {
		return Diagnostic{File: d.File, Line: n.Line, Col: n.Column, Path: path, Message: msg}
	}
	if entries == nil || isNull(inc) {
		return nil, []Diagnostic{bad(inc, "include", "`include:` takes a file path or a list of them, relative to this manifest")}
	}
	dir := filepath.Dir(d.File)
	var paths []string
	var diags []Diagnostic
	seen := map[string]bool{filepath.Clean(d.File): true}
	for i, e := range entries {
		path := fmt.Sprintf("include.%d", i)
		if inc.Kind == yaml.ScalarNode {
			path = "include"
		}
		if e.Kind != yaml.ScalarNode || e.Tag != "!!str" || e.Value == "" {
			diags = append(diags, bad(e, path, "an include is a file path, relative to this manifest"))
			continue
		}
		pattern := e.Value
		if !filepath.IsAbs(pattern) {
			pattern = filepath.Join(dir, pattern)
		}
		matches := []string{pattern}
		if strings.ContainsAny(e.Value, "*?[") {
			var err error
			if matches, err = filepath.Glob(pattern); err != nil {
				diags = append(diags, bad(e, path, fmt.Sprintf("%q is not a valid pattern: %v", e.Value, err)))
				continue
			}
			if len(matches) == 0 {
				diags = append(diags, bad(e, path, fmt.Sprintf("%q matches no file", e.Value)))
				continue
			}
			slices.Sort(matches)
		} else if _, err := os.Stat(pattern); err != nil {
			diags = append(diags, bad(e, path, fmt.Sprintf("%q cannot be read: %v (paths are relative to the manifest's directory)", e.Value, err)))
			continue
		}
		for _, m := range matches {
			if c := filepath.Clean(m); !seen[c] {
				seen[c] = true
				paths = append(paths, m)
			}
		}
	}
	return paths, diags
}

// includedServices returns an included file's `services:` mapping,
// reporting any other key (includes are one level deep: the manifest
// alone holds the project's settings and the list of includes).
func includedServices(d *Document) (*yaml.Node, []Diagnostic) {
	var diags []Diagnostic
	var services *yaml.Node
	for k, v := range pairs(d.Root) {
		if k.Value != "services" {
			diags = append(diags, Diagnostic{File: d.File, Line: k.Line, Col: k.Column, Path: k.Value,
				Message: fmt.Sprintf("an included file holds only `services:`, not %q; put it in the including manifest", k.Value)})
			continue
		}
		if v.Kind != yaml.MappingNode {
			if !isNull(v) {
				diags = append(diags, Diagnostic{File: d.File, Line: v.Line, Col: v.Column, Path: "services",
					Message: "`services:` must be a mapping of service names, not " + describe(v)})
			}
			continue
		}
		services = v
	}
	return services, diags
}

// Position turns a line of the merged document into the file and line it
// was written at.
func (d *Document) Position(line int) (string, int) {
	k := line / lineStride
	if k == 0 || k > len(d.includes) {
		return d.File, line
	}
	return d.includes[k-1], line - k*lineStride
}

// Relocate gives diagnostics made from the merged document the file and
// line of what they point at.
func (d *Document) Relocate(diags []Diagnostic) []Diagnostic {
	for i := range diags {
		if diags[i].File == d.File { // Position leaves the manifest's own lines as they are
			diags[i].File, diags[i].Line = d.Position(diags[i].Line)
		}
	}
	return diags
}

// takeKey removes key from a mapping and returns its value, or nil.
func takeKey(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v := m.Content[i+1]
			m.Content = slices.Delete(m.Content, i, i+2)
			return v
		}
	}
	return nil
}

// keyNode returns the key node named key of a mapping, or nil.
func keyNode(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i]
		}
	}
	return nil
}

func valueOf(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// shiftLines moves a subtree's lines into an included file's range. The
// expander made it a tree (aliases copied), so no node is shifted twice.
func shiftLines(n *yaml.Node, by int) {
	n.Line += by
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}

// readBounded reads a manifest file, refusing one over MaxDocumentSize
// without reading all of it.
func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("manifest %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxDocumentSize+1))
	if err != nil {
		return nil, fmt.Errorf("manifest %s: %w", path, err)
	}
	return data, nil
}
