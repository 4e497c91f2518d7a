package render

import (
	"fmt"
	"strings"

	"github.com/fcdeploy/fcdeploy/planner"
)

// codeFileLines describes the files a code change adds, removes and
// modifies, each file's diff lines after it. Lines have no indentation but
// the diff's own: callers indent them.
func codeFileLines(f *planner.CodeFiles) []string {
	if f == nil {
		return nil
	}
	if f.NotCompared != "" {
		return []string{"files: not compared (" + f.NotCompared + ")"}
	}
	out := []string{fmt.Sprintf("files: %d added, %d modified, %d removed", f.Added, f.Modified, f.Removed)}
	for _, fc := range f.Files {
		var line string
		switch fc.Change {
		case planner.FileAdded:
			line = fmt.Sprintf("  added    %s (%s)", fc.Path, size(fc.AfterSize))
		case planner.FileRemoved:
			line = fmt.Sprintf("  removed  %s (%s)", fc.Path, size(fc.BeforeSize))
		default:
			what := size(fc.BeforeSize) + " -> " + size(fc.AfterSize)
			if fc.BeforeSize == fc.AfterSize {
				what = size(fc.AfterSize) + ", same size"
			}
			line = fmt.Sprintf("  modified %s (%s)", fc.Path, what)
			if fc.ModeChange != "" {
				line += ", now " + fc.ModeChange
			}
		}
		if fc.DiffHidden {
			line += ", contents not shown: the name suggests secrets"
		}
		out = append(out, line)
		for _, d := range strings.Split(strings.TrimSuffix(fc.Diff, "\n"), "\n") {
			if d != "" {
				out = append(out, d)
			}
		}
	}
	if f.Omitted > 0 {
		out = append(out, fmt.Sprintf("  … %d more changed files not listed (the plan's diff budget is spent)", f.Omitted))
	}
	if f.DiffsOmitted > 0 {
		out = append(out, fmt.Sprintf("  … the diffs of %d listed files left out (the plan's diff budget is spent)", f.DiffsOmitted))
	}
	return out
}
