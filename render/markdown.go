package render

import (
	"bufio"
	"fmt"
	"io"
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

// details is the short description of a change for the table.
func details(ch *planner.Change) string {
	var parts []string
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
		parts = append(parts, "code upload ("+size(ch.Code.Size)+")")
	}
	return strings.Join(parts, "; ")
}

// Markdown writes the plan as a pull-request comment: a heading with the
// target, the summary counts, a loud warning listing deletions, a table of
// changes and a collapsible block of field diffs per resource.
func Markdown(w io.Writer, p *planner.Plan) error {
	bw := bufio.NewWriter(w)
	name := p.Project
	if name == "" {
		name = "project"
	}
	fmt.Fprintf(bw, "### fcdeploy plan for `%s`\n\n", name)
	fmt.Fprintf(bw, "Target: %s\n\n", targetLine(p.Target))

	if !p.HasChanges() {
		fmt.Fprint(bw, "**No changes.** The live state matches the desired state.\n\n")
	} else {
		fmt.Fprintf(bw, "**%s**\n\n", summaryLine(p))
	}
	if del := p.Deletions(); len(del) > 0 {
		noun := "resources"
		if len(del) == 1 {
			noun = "resource"
		}
		fmt.Fprintf(bw, "> [!WARNING]\n> ⚠️ **This plan deletes %d %s:**\n", len(del), noun)
		for _, a := range del {
			fmt.Fprintf(bw, "> - `%s`\n", a)
		}
		fmt.Fprintln(bw)
	}
	if p.HasChanges() {
		fmt.Fprint(bw, "| Action | Resource | Details |\n|---|---|---|\n")
		for i := range p.Changes {
			ch := &p.Changes[i]
			fmt.Fprintf(bw, "| %s | `%s` | %s |\n", actionWord(ch.Action), ch.Address, cell(details(ch)))
		}
		fmt.Fprintln(bw)
		for i := range p.Changes {
			writeMarkdownDetails(bw, &p.Changes[i])
		}
	}
	if len(p.NotManaged) > 0 {
		fmt.Fprint(bw, "<details><summary>Not managed: live, but absent from the desired state (<code>--prune</code> deletes them)</summary>\n\n")
		for _, a := range p.NotManaged {
			fmt.Fprintf(bw, "- `%s`\n", a)
		}
		fmt.Fprint(bw, "\n</details>\n\n")
	}
	return bw.Flush()
}

func writeMarkdownDetails(w io.Writer, ch *planner.Change) {
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
	if line := codeLine(ch.Code); line != "" {
		body = append(body, "  "+line)
	}
	if len(body) == 0 {
		return
	}
	fmt.Fprintf(w, "<details><summary>%s <code>%s</code></summary>\n\n```diff\n", actionWord(ch.Action), ch.Address)
	for _, line := range body {
		fmt.Fprintln(w, strings.ReplaceAll(line, "```", "`\u200b``"))
	}
	fmt.Fprint(w, "```\n\n</details>\n\n")
}
