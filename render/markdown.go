package render

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/fcdeploy/fcdeploy/planner"
)

func actionWord(a planner.Action) string {
	switch a {
	case planner.ActionCreate:
		return "➕ create"
	case planner.ActionUpdate:
		return "🔄 update"
	case planner.ActionDelete:
		return "❌ delete"
	case planner.ActionReplace:
		return "♻️ replace"
	case planner.ActionPublish:
		return "🚀 publish"
	}
	return string(a)
}

// cell escapes text for a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

// markdownDetails is the short description of a change for the table.
func markdownDetails(ch *planner.Change) string {
	var parts []string
	if ch.Adopt != nil {
		parts = append(parts, "**adopt "+ch.Adopt.String()+"**")
	}
	if ch.Action == planner.ActionPublish && ch.Reason != "" {
		parts = append(parts, ch.Reason)
	}
	if len(ch.FieldChanges) > 0 {
		var paths []string
		for _, f := range ch.FieldChanges {
			paths = append(paths, f.Path)
		}
		const most = 5
		if len(paths) > most {
			paths = append(paths[:most], fmt.Sprintf("and %d more", len(paths)-most))
		}
		parts = append(parts, strings.Join(paths, ", "))
	}
	if ch.Code != nil && ch.Code.Upload {
		what := size(ch.Code.Size)
		if ch.Code.BeforeSize > 0 && ch.Code.Before != "" {
			what += ", " + sizeDelta(ch.Code.BeforeSize, ch.Code.Size)
		}
		parts = append(parts, "code upload ("+what+")")
	}
	return strings.Join(parts, "; ")
}

// DefaultMarkdownMaxBytes bounds Markdown output by default: GitHub refuses
// comments over 65,536 characters, and a marker and a heading may be added.
const DefaultMarkdownMaxBytes = 60_000

// MinMarkdownMaxBytes is the smallest budget that still fits the heading,
// the summary and the note saying what was left out.
const MinMarkdownMaxBytes = 2_000

// MarkdownOptions tune Markdown.
type MarkdownOptions struct {
	// MaxBytes bounds the output (0: DefaultMarkdownMaxBytes). Past it,
	// table rows, detail blocks and the not-managed list are left out
	// whole, and a note counts them and says where the full plan is.
	MaxBytes int
	// FullPlan says where the whole plan can be read when some of it is
	// left out, e.g. "the plan.json artifact of this workflow run".
	FullPlan string
}

// Markdown writes the plan as a pull-request comment within the default
// byte budget; see MarkdownWith.
func Markdown(w io.Writer, p *planner.Plan) error {
	return MarkdownWith(w, p, MarkdownOptions{})
}

// MarkdownWith writes the plan as a pull-request comment: a heading with
// the target, the summary counts, a loud warning listing deletions, a table
// of changes, a folded block of field diffs per resource and the resources
// not managed. Sections are added whole while they fit opt.MaxBytes, so a
// table or a code fence is never cut; what does not fit is counted in a
// closing note. The output holds no path of the machine that rendered it.
func MarkdownWith(w io.Writer, p *planner.Plan, opt MarkdownOptions) error {
	limit := opt.MaxBytes
	if limit <= 0 {
		limit = DefaultMarkdownMaxBytes
	}
	var b strings.Builder
	name := p.Project
	if name == "" {
		name = "project"
	}
	fmt.Fprintf(&b, "### fcdeploy plan for `%s`\n\n", name)
	fmt.Fprintf(&b, "Target: %s\n\n", markdownTargetLine(p.Target))
	if len(p.Only) > 0 {
		fmt.Fprintf(&b, "%s\n\n", onlyLine(p.Only))
	}

	if !p.HasChanges() {
		b.WriteString("**No changes.** The live state matches the desired state.\n\n")
	} else {
		fmt.Fprintf(&b, "**%s**\n\n", summaryLine(p))
	}
	if del := p.Deletions(); len(del) > 0 {
		noun := "resources"
		if len(del) == 1 {
			noun = "resource"
		}
		fmt.Fprintf(&b, "> [!WARNING]\n> ⚠️ **This plan deletes %d %s:**\n", len(del), noun)
		const most = 20
		for i, a := range del {
			if i == most {
				fmt.Fprintf(&b, "> - and %d more (see the table)\n", len(del)-most)
				break
			}
			fmt.Fprintf(&b, "> - `%s`\n", a)
		}
		b.WriteString("\n")
	}

	if adopts := p.Adoptions(); len(adopts) > 0 {
		// Taking over a service built elsewhere needs apply --adopt (or
		// --force-adopt): say so before the reviewer approves.
		b.WriteString("> [!IMPORTANT]\n> **This plan adopts live services it did not create:**\n")
		for _, ch := range adopts {
			fmt.Fprintf(&b, "> - `%s` (%s)\n", ch.Service, ch.Adopt)
		}
		b.WriteString("\n")
	}
	// The closing note needs room whatever is left out: keep it aside.
	budget := limit - noteReserve - len(opt.FullPlan)
	var left omitted
	if p.HasChanges() {
		const header = "| Action | Resource | Details |\n|---|---|---|\n"
		// A table is written only with at least one row: a header alone
		// would read as a plan without changes.
		var rows strings.Builder
		shown := 0
		for i := range p.Changes {
			ch := &p.Changes[i]
			row := fmt.Sprintf("| %s | `%s` | %s |\n", actionWord(ch.Action), ch.Address, cell(markdownDetails(ch)))
			if b.Len()+len(header)+rows.Len()+len(row)+1 > budget {
				break
			}
			rows.WriteString(row)
			shown++
		}
		if shown > 0 {
			b.WriteString(header)
			b.WriteString(rows.String())
			b.WriteString("\n")
		}
		left.rows = p.Changes[shown:]
		// Details only for the rows shown, in order, while they fit.
		for i := 0; i < shown; i++ {
			block := markdownDetailsBlock(&p.Changes[i])
			if block == "" {
				continue
			}
			if b.Len()+len(block) > budget {
				for j := i; j < shown; j++ {
					if markdownDetailsBlock(&p.Changes[j]) != "" {
						left.details++
					}
				}
				break
			}
			b.WriteString(block)
		}
	}
	if len(p.NotManaged) > 0 {
		block := notManagedBlock(p.NotManaged)
		if b.Len()+len(block) > budget {
			left.notManaged = len(p.NotManaged)
		} else {
			b.WriteString(block)
		}
	}
	b.WriteString(left.note(limit, opt.FullPlan))
	_, err := io.WriteString(w, b.String())
	return err
}

// noteReserve is room kept for the closing note (without the caller's
// FullPlan text, which is added to it).
const noteReserve = 700

// omitted is what MarkdownWith left out to stay within its budget.
type omitted struct {
	rows       []planner.Change
	details    int
	notManaged int
}

func (o omitted) note(limit int, fullPlan string) string {
	if len(o.rows) == 0 && o.details == 0 && o.notManaged == 0 {
		return ""
	}
	var parts []string
	if n := len(o.rows); n > 0 {
		parts = append(parts, fmt.Sprintf("%s (%s)", plural(n, "change", "changes"), countActions(o.rows)))
	}
	if o.details > 0 {
		parts = append(parts, "the field diffs of "+plural(o.details, "more change", "more changes"))
	}
	if o.notManaged > 0 {
		parts = append(parts, plural(o.notManaged, "not managed resource", "not managed resources"))
	}
	where := fullPlan
	if where == "" {
		where = "save it with `fcdeploy plan --out plan.json` and read it with `fcdeploy show plan.json`"
	}
	return fmt.Sprintf("> [!NOTE]\n> Not shown, to keep this comment under %d bytes: %s.\n> The full plan: %s\n",
		limit, strings.Join(parts, "; "), where)
}

// countActions is "3 create, 1 delete" in the order actions first appear.
func countActions(changes []planner.Change) string {
	counts := map[planner.Action]int{}
	var order []planner.Action
	for _, c := range changes {
		if counts[c.Action] == 0 {
			order = append(order, c.Action)
		}
		counts[c.Action]++
	}
	parts := make([]string, len(order))
	for i, a := range order {
		parts[i] = fmt.Sprintf("%d %s", counts[a], a)
	}
	return strings.Join(parts, ", ")
}

func notManagedBlock(addrs []string) string {
	var b strings.Builder
	b.WriteString("<details><summary>Not managed: live, but absent from the desired state (<code>--prune</code> deletes them)</summary>\n\n")
	for _, a := range addrs {
		fmt.Fprintf(&b, "- `%s`\n", a)
	}
	b.WriteString("\n</details>\n\n")
	return b.String()
}

// markdownTargetLine is targetLine without the embedded instance's data
// directory: a comment must not show paths of the machine that made it.
func markdownTargetLine(t planner.Target) string {
	if t.Endpoint == "local" || strings.HasPrefix(t.Endpoint, "local:") {
		t.Endpoint = "local (embedded)"
	}
	return targetLine(t)
}

// markdownSource is a code source fit for a comment: paths inside the
// working directory as they are; absolute ones, and relative ones that
// climb out of it (../../tmp/...), left out, since they show the layout of
// the machine that made the plan.
func markdownSource(source string) string {
	if filepath.IsAbs(source) || strings.HasPrefix(source, "~") || strings.HasPrefix(source, `\\`) || (len(source) > 1 && source[1] == ':') {
		return ""
	}
	for _, part := range strings.FieldsFunc(source, func(r rune) bool { return r == '/' || r == '\\' }) {
		if part == ".." {
			return ""
		}
	}
	return source
}

// markdownDetailsBlock is a change's folded field diffs, or "" when it
// has none.
func markdownDetailsBlock(ch *planner.Change) string {
	create := ch.Action == planner.ActionCreate
	var body []string
	for _, f := range ch.FieldChanges {
		l := renderField(f, create)
		switch {
		case l.diff != nil:
			body = append(body, "  "+l.path+":")
			for _, d := range l.diff {
				body = append(body, d[:1]+"     "+d[2:])
			}
		case create:
			body = append(body, "+ "+l.path+" = "+l.text)
		default:
			before, after, ok := strings.Cut(l.text, " -> ")
			if !ok {
				body = append(body, "+ "+l.path+" = "+l.text)
				continue
			}
			if before != noneText {
				body = append(body, "- "+l.path+" = "+before)
			}
			if after != removedText {
				body = append(body, "+ "+l.path+" = "+after)
			}
		}
	}
	if ch.Code != nil {
		body = append(body, "  "+codeLineFrom(ch.Code, markdownSource(ch.Code.Source)))
		for _, l := range codeFileLines(ch.Code.Files) {
			if strings.HasPrefix(l, "+") || strings.HasPrefix(l, "-") || strings.HasPrefix(l, "@@") || strings.HasPrefix(l, " ") {
				body = append(body, l)
			} else {
				body = append(body, "  "+l)
			}
		}
	}
	if len(body) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<details><summary>%s <code>%s</code></summary>\n\n```diff\n", actionWord(ch.Action), ch.Address)
	for _, line := range body {
		b.WriteString(strings.ReplaceAll(line, "```", "`\u200b``"))
		b.WriteString("\n")
	}
	b.WriteString("```\n\n</details>\n\n")
	return b.String()
}
