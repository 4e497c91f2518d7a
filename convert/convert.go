package convert

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fcdeploy/fcdeploy/manifest"
)

// Finding is something the conversion left out or could only approximate:
// where it is in the source, what it is and what to do about it.
type Finding struct {
	File string `json:"file"`
	Line int    `json:"line"`
	What string `json:"what"`
	Todo string `json:"todo"`
}

func (f Finding) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", f.File, f.Line, f.What, f.Todo)
}

// Kinds of source project.
const (
	KindFuncraft       = "Funcraft template"
	KindServerlessDevs = "Serverless Devs project"
)

// ManifestName is the file Convert writes in the output directory.
const ManifestName = "fcdeploy.yaml"

// Result is a conversion: the files to write and the report.
type Result struct {
	Kind string
	// Files to write, by absolute path: the manifest and the .fcignore of
	// code directories. Existing .fcignore files are never in it.
	Files map[string][]byte
	// Manifest is the absolute path of the manifest in Files.
	Manifest string
	// Report lists what was left out, in source order per file.
	Report []Finding
	// Services, Functions, Triggers and CustomDomains count what was
	// converted.
	Services, Functions, Triggers int
	CustomDomains                 int
	// Environments lists the environments of a Serverless Devs project
	// made of several files.
	Environments []string
}

// Converted reports whether anything was converted.
func (r *Result) Converted() bool { return r.Services > 0 }

// Options tune Convert.
type Options struct {
	// OutDir is where fcdeploy.yaml is written; empty: the directory of
	// the converted file. Code paths in the manifest are relative to it.
	OutDir string
}

// PositionError is a problem with the source file itself: it is not a
// project Convert knows, or not YAML.
type PositionError struct {
	File         string
	Line, Column int
	Msg          string
}

func (e *PositionError) Error() string {
	if e.Column > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// ErrNothingConverted says the source holds no service that could be
// converted; the Result's report says why.
var ErrNothingConverted = errors.New("nothing could be converted")

// parseFile reads a YAML file into a node tree, with positioned errors.
func parseFile(path, display string) (*yaml.Node, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		// The manifest parser positions yaml.v3's errors better (the line
		// of the problem, the construct left open).
		e := &PositionError{File: display, Line: 1, Msg: "not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
		if _, diags := manifest.Parse(display, data); len(diags) > 0 {
			d := diags[0]
			e.Line, e.Column, e.Msg = max(d.Line, 1), d.Col, "not valid YAML: "+strings.TrimPrefix(d.Message, "yaml: ")
		}
		return nil, e
	}
	root := resolve(&doc)
	if root == nil || root.Kind != yaml.MappingNode {
		// An empty file has no node, so no position: its first line.
		line, col := 1, 1
		if root != nil {
			line, col = max(root.Line, 1), max(root.Column, 1)
		}
		return nil, &PositionError{File: display, Line: line, Column: col, Msg: notAProject}
	}
	return root, nil
}

const notAProject = "neither a Funcraft template.yml (ROSTemplateFormatVersion, Transform: Aliyun::Serverless-2018-04-03) nor a Serverless Devs s.yaml (services with component: fc); convert takes one of those"

// Convert converts the Funcraft template or Serverless Devs s.yaml at path.
// It returns a *PositionError when the file is neither or not YAML, and
// ErrNothingConverted (with the Result and its report) when no service
// could be converted. It writes nothing.
func Convert(path string, opt Options) (*Result, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	root, err := parseFile(abs, path)
	if err != nil {
		return nil, err
	}
	out := opt.OutDir
	if out == "" {
		out = filepath.Dir(abs)
	}
	if out, err = filepath.Abs(out); err != nil {
		return nil, err
	}
	c := &conv{file: path, dir: filepath.Dir(abs), outDir: out, files: map[string][]byte{}}
	var manifest *yaml.Node
	switch {
	case isFuncraft(root):
		c.kind = KindFuncraft
		manifest, err = c.funcraft(root)
	case isServerlessDevs(root):
		c.kind = KindServerlessDevs
		manifest, err = c.serverlessDevs(abs, path, root)
	case isServerlessDevs3(root):
		c.kind = KindServerlessDevs
		c.serverlessDevs3(root)
	default:
		return nil, &PositionError{File: path, Line: root.Line, Column: root.Column, Msg: notAProject}
	}
	if err != nil {
		return nil, err
	}
	res := &Result{Kind: c.kind, Report: c.report, Services: c.services, Functions: c.functions, Triggers: c.triggers, CustomDomains: c.customDomains, Environments: c.envs}
	if !res.Converted() {
		return res, ErrNothingConverted
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# Converted from %s (%s) by fcdeploy convert.\n", filepath.Base(abs), c.kind)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(manifest); err != nil {
		return nil, fmt.Errorf("%s: writing the manifest: %w", path, err)
	}
	res.Manifest = filepath.Join(out, ManifestName)
	c.files[res.Manifest] = buf.Bytes()
	res.Files = c.files
	return res, nil
}

// conv is the state of one conversion.
type conv struct {
	kind   string
	file   string // the source as the user named it, for the report
	dir    string // the source's directory
	outDir string
	report []Finding
	files  map[string][]byte

	services, functions, triggers int
	customDomains                 int
	envs                          []string
	// domains are the custom domains read, converted once the services
	// are.
	domains []domain
	// accountVars says trigger source ARNs use ${vars.accountId} and
	// ${vars.region}.
	accountVars bool
}

// leftOut records a finding at n's position in the current file.
func (c *conv) leftOut(n *yaml.Node, what, todo string) {
	line := 0
	if n != nil {
		line = n.Line
	}
	c.report = append(c.report, Finding{File: c.file, Line: line, What: what, Todo: todo})
}

// codePath converts a local code path (relative to the source's
// directory) to one relative to the output directory.
func (c *conv) codePath(p string) string {
	abs := p
	if !filepath.IsAbs(p) {
		abs = filepath.Join(c.dir, p)
	}
	rel, err := filepath.Rel(c.outDir, abs)
	if err != nil {
		return filepath.ToSlash(abs)
	}
	rel = filepath.ToSlash(rel)
	if rel == "." {
		return "./"
	}
	if !strings.HasPrefix(rel, "../") {
		rel = "./" + rel
	}
	return rel
}

// absCode is a code path from the source made absolute.
func (c *conv) absCode(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(c.dir, p)
}
