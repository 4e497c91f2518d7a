package render

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/fcdeploy/fcdeploy/planner"
)

const (
	sensitiveText = "(sensitive)"
	unknownText   = "(version published by this apply)"
	noneText      = "(none)"
	removedText   = "(removed)"
	// longString is the length beyond which a string is shown as a diff.
	longString = 60
)

// value formats one JSON-like value: strings quoted, everything else as
// compact JSON.
func value(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func isLong(v any) bool {
	s, ok := v.(string)
	return ok && (len(s) > longString || strings.Contains(s, "\n"))
}

// fieldLine is one rendered field change: either a one-line
// "before -> after", or a multi-line diff of a long string.
type fieldLine struct {
	path string
	text string   // one-line form
	diff []string // "+ line", "- line", "  line" for long strings
}

func renderField(f planner.FieldChange, create bool) fieldLine {
	l := fieldLine{path: f.Path}
	switch {
	case f.Sensitive:
		switch {
		case create || f.Before == nil:
			l.text = sensitiveText
		case f.After == nil && !f.AfterUnknown:
			l.text = sensitiveText + " -> " + removedText
		default:
			l.text = sensitiveText + " -> " + sensitiveText
		}
	case f.AfterUnknown:
		if create || f.Before == nil {
			l.text = unknownText
		} else {
			l.text = value(f.Before) + " -> " + unknownText
		}
	case create:
		if isLong(f.After) {
			l.diff = lineDiff("", f.After.(string))
		} else {
			l.text = value(f.After)
		}
	case isLong(f.Before) || isLong(f.After):
		b, _ := f.Before.(string)
		a, _ := f.After.(string)
		l.diff = lineDiff(b, a)
	case f.Before == nil:
		l.text = noneText + " -> " + value(f.After)
	case f.After == nil:
		l.text = value(f.Before) + " -> " + removedText
	default:
		l.text = value(f.Before) + " -> " + value(f.After)
	}
	return l
}

// lineDiff is a line-by-line unified diff of two strings.
func lineDiff(before, after string) []string {
	dmp := diffmatchpatch.New()
	a, b, lines := dmp.DiffLinesToChars(before, after)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines)
	var out []string
	for _, d := range diffs {
		prefix := "  "
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			prefix = "+ "
		case diffmatchpatch.DiffDelete:
			prefix = "- "
		}
		// go-diff emits no empty chunk today; one would print a stray "+ "
		// line. A chunk that is one blank line ("\n") is kept: it is a line.
		if d.Text == "" {
			continue
		}
		for _, line := range strings.Split(strings.TrimSuffix(d.Text, "\n"), "\n") {
			out = append(out, prefix+line)
		}
	}
	return out
}

// size formats a byte count in SI units: "512 B", "3.1 kB", "12.4 MB".
func size(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1000)
	default:
		return fmt.Sprintf("%.1f MB", float64(n)/1000/1000)
	}
}

// shortChecksum shortens a code checksum (20 decimal digits of CRC-64) to
// what a person compares at a glance, like git's short hashes.
func shortChecksum(sum string) string {
	const keep = 8
	if len(sum) <= keep+2 {
		return sum
	}
	return sum[:keep] + "…"
}

// sizeDelta formats a size change with its sign: "+200 B", "-1.2 kB".
func sizeDelta(before, after int64) string {
	switch d := after - before; {
	case d > 0:
		return "+" + size(d)
	case d < 0:
		return "-" + size(-d)
	}
	return "same size"
}

// codeLine describes a code change: "code: 2.9 kB -> 3.1 kB (+200 B) from
// ./src, checksum 12345678… -> 87654321… (upload)".
func codeLine(c *planner.CodeChange) string {
	if c == nil {
		return ""
	}
	return codeLineFrom(c, c.Source)
}

// codeLineFrom is codeLine with the code's source given separately, so that
// Markdown can leave out a path that is local to the machine.
func codeLineFrom(c *planner.CodeChange, source string) string {
	if c == nil {
		return ""
	}
	if !c.Upload {
		return "code: unchanged"
	}
	var what string
	switch {
	case c.OSSObject != "":
		what = "oss://" + c.OSSBucket + "/" + c.OSSObject
	case c.BeforeSize > 0 && c.Before != "":
		what = size(c.BeforeSize) + " -> " + size(c.Size) + " (" + sizeDelta(c.BeforeSize, c.Size) + ")"
	default:
		what = size(c.Size)
	}
	if source != "" && c.OSSObject == "" {
		what += " from " + source
	}
	sum := shortChecksum(c.After)
	if c.Before != "" {
		sum = shortChecksum(c.Before) + " -> " + shortChecksum(c.After)
	}
	if sum == "" {
		return "code: " + what + " (upload)"
	}
	return "code: " + what + ", checksum " + sum + " (upload)"
}

// summaryLine is "Plan: 2 to create, 1 to update, 0 to delete, 1 version
// to publish." A replace counts as one create and one delete.
func summaryLine(p *planner.Plan) string {
	s := p.Summary()
	versions := "versions"
	if s.Publish == 1 {
		versions = "version"
	}
	return fmt.Sprintf("Plan: %d to create, %d to update, %d to delete, %d %s to publish.",
		s.Create+s.Replace, s.Update, s.Delete+s.Replace, s.Publish, versions)
}

// destroyLine is "Destroy: 5 to delete." (a destroy plan only deletes).
func destroyLine(p *planner.Plan) string {
	s := p.Summary()
	return fmt.Sprintf("Destroy: %d to delete.", s.Delete+s.Replace)
}

func targetLine(t planner.Target) string {
	var parts []string
	if t.AccountID != "" {
		parts = append(parts, "account "+t.AccountID)
	}
	if t.Region != "" {
		parts = append(parts, "region "+t.Region)
	}
	if t.Endpoint != "" {
		parts = append(parts, "endpoint "+t.Endpoint)
	}
	if t.Env != "" {
		parts = append(parts, "env "+t.Env)
	}
	if len(parts) == 0 {
		return "the local Function Compute"
	}
	return strings.Join(parts, ", ")
}

// onlyLine says a plan was limited with --target, so that nobody takes it
// for the whole picture.
func onlyLine(only []string) string {
	what := "what it depends on"
	if len(only) > 1 {
		what = "what they depend on"
	}
	return "Limited to " + strings.Join(only, ", ") + " and " + what + " (--target): other changes are not shown."
}

// marker is the symbol of an action.
func marker(a planner.Action) string {
	switch a {
	case planner.ActionCreate, planner.ActionPublish:
		return "+"
	case planner.ActionUpdate:
		return "~"
	case planner.ActionDelete:
		return "-"
	case planner.ActionReplace:
		return "-/+"
	}
	return " "
}

// note is the text after a change's address.
func note(c *planner.Change) string {
	if c.Adopt != nil {
		return "adopt " + c.Adopt.String()
	}
	switch c.Action {
	case planner.ActionPublish:
		if c.Reason != "" {
			return "publish a new version: " + c.Reason
		}
		return "publish a new version"
	case planner.ActionReplace:
		if c.Reason != "" {
			return "replace: " + c.Reason
		}
		return "replace"
	}
	return ""
}

// sortedMap iterates m in key order.
func sortedMap(m map[string]string) func(yield func(string, string) bool) {
	return func(yield func(string, string) bool) {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if !yield(k, m[k]) {
				return
			}
		}
	}
}
