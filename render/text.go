package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/fcdeploy/fcdeploy/planner"
)

// TextOptions tune Text.
type TextOptions struct {
	// Color adds ANSI colours. The caller sets it only for a terminal and
	// never when NO_COLOR is set.
	Color bool
	// Verb names the run: "" or "apply" for plans and applies, "destroy"
	// for a destroy, whose plan and result say so.
	Verb string
	// Replan is the command that makes a new plan, named when resources
	// changed since the plan ("" means fcdeploy plan).
	Replan string
	// SummaryOnly prints the summary line alone (--quiet).
	SummaryOnly bool
}

func (o TextOptions) destroy() bool { return o.Verb == "destroy" }

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiFaint  = "\x1b[2m"
)

type painter bool

func (p painter) paint(code, s string) string {
	if !p || s == "" {
		return s
	}
	return code + s + ansiReset
}

func actionColor(a planner.Action) string {
	switch a {
	case planner.ActionCreate, planner.ActionPublish:
		return ansiGreen
	case planner.ActionUpdate:
		return ansiYellow
	case planner.ActionDelete, planner.ActionReplace:
		return ansiRed
	}
	return ""
}

func diffColor(line string) string {
	switch {
	case strings.HasPrefix(line, "+"):
		return ansiGreen
	case strings.HasPrefix(line, "-"):
		return ansiRed
	}
	return ansiFaint
}

// Text writes the plan for a terminal: the target, one block per change
// with "+ ~ - -/+" markers and field diffs, the resources not managed, and
// a summary line.
func Text(w io.Writer, p *planner.Plan, opt TextOptions) error {
	bw := bufio.NewWriter(w)
	c := painter(opt.Color)
	if opt.SummaryOnly {
		switch {
		case !p.HasChanges() && opt.destroy():
			fmt.Fprintln(bw, "Nothing to destroy.")
		case !p.HasChanges():
			fmt.Fprintln(bw, "No changes.")
		case opt.destroy():
			fmt.Fprintln(bw, destroyLine(p))
		default:
			fmt.Fprintln(bw, summaryLine(p))
		}
		return bw.Flush()
	}
	title := "fcdeploy plan"
	if opt.destroy() {
		title = "fcdeploy destroy"
	}
	if p.Project != "" {
		title += " for project " + p.Project
	}
	fmt.Fprintln(bw, c.paint(ansiBold, title))
	fmt.Fprintln(bw, "Target: "+targetLine(p.Target))
	if len(p.Only) > 0 {
		fmt.Fprintln(bw, onlyLine(p.Only))
	}
	fmt.Fprintln(bw)

	// Sections end with a blank line; the summary comes last.
	if !p.HasChanges() {
		if opt.destroy() {
			fmt.Fprintln(bw, c.paint(ansiGreen, "Nothing to destroy.")+" None of the declared services exist.")
		} else {
			fmt.Fprintln(bw, c.paint(ansiGreen, "No changes.")+" The live state matches the desired state.")
		}
		if len(p.NotManaged) > 0 {
			fmt.Fprintln(bw)
		}
	}
	for i := range p.Changes {
		writeTextChange(bw, c, &p.Changes[i])
	}
	if len(p.NotManaged) > 0 {
		fmt.Fprintln(bw, "Not managed (live, but absent from the desired state; --prune deletes them):")
		for _, a := range p.NotManaged {
			fmt.Fprintln(bw, "  "+a)
		}
		fmt.Fprintln(bw)
	}
	if p.HasChanges() {
		line := summaryLine(p)
		if opt.destroy() {
			line = destroyLine(p)
		}
		fmt.Fprintln(bw, c.paint(ansiBold, line))
	}
	return bw.Flush()
}

func writeTextChange(w io.Writer, c painter, ch *planner.Change) {
	head := "  " + c.paint(actionColor(ch.Action), marker(ch.Action)) + " " + c.paint(ansiBold, ch.Address)
	if n := note(ch); n != "" {
		head += " " + c.paint(ansiFaint, "("+n+")")
	}
	fmt.Fprintln(w, head)
	create := ch.Action == planner.ActionCreate
	lines := make([]fieldLine, len(ch.FieldChanges))
	width := 0
	for i, f := range ch.FieldChanges {
		lines[i] = renderField(f, create)
		if lines[i].diff == nil && len(f.Path) > width {
			width = len(f.Path)
		}
	}
	const indent = "        "
	for _, l := range lines {
		if l.diff != nil {
			fmt.Fprintln(w, indent+l.path+":")
			for _, d := range l.diff {
				fmt.Fprintln(w, indent+"    "+c.paint(diffColor(d), d))
			}
			continue
		}
		fmt.Fprintf(w, "%s%-*s = %s\n", indent, width, l.path, l.text)
	}
	if line := codeLine(ch.Code); line != "" {
		fmt.Fprintln(w, indent+line)
		for _, l := range codeFileLines(ch.Code.Files) {
			fmt.Fprintln(w, indent+"  "+c.paint(diffColor(l), l))
		}
	}
	fmt.Fprintln(w)
}
