package render

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fcdeploy/fcdeploy/applier"
)

// seconds formats a duration as "1.4s" (or "120ms" below a tenth).
func seconds(d time.Duration) string {
	if d < 100*time.Millisecond {
		return d.Round(time.Millisecond).String()
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

// Event writes one progress line for an apply event, readable in CI logs:
// "function.shop/checkout: updating..." then "function.shop/checkout:
// updated in 0.2s".
func Event(w io.Writer, e applier.Event, opt TextOptions) error {
	c := painter(opt.Color)
	var line string
	switch e.Phase {
	case applier.PhaseStart:
		line = e.Address + ": " + string(e.Action) + "..."
	case applier.PhaseDone:
		line = e.Address + ": " + c.paint(ansiGreen, string(e.Outcome)) + " in " + seconds(e.Elapsed)
	case applier.PhaseFailed:
		// The error itself is shown once, with the others, by ApplyProblems.
		line = e.Address + ": " + c.paint(ansiRed, string(e.Outcome)) + " after " + seconds(e.Elapsed)
	case applier.PhaseSkipped:
		// The address starts the line: say the reason only, not the
		// error's own "SUBJECT: skipped:".
		reason := errText(e.Err)
		if skip, ok := errors.AsType[*applier.SkippedError](e.Err); ok {
			reason = skip.Cause
		}
		line = e.Address + ": " + c.paint(ansiYellow, "skipped") + ": " + reason
	default:
		line = e.Address + ": " + string(e.Phase)
	}
	_, err := fmt.Fprintln(w, line)
	return err
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return strings.ReplaceAll(err.Error(), "\n", " ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// ApplyResult writes the whole outcome of an apply to one writer: the
// summary (ApplySummary) then what went wrong (ApplyProblems).
func ApplyResult(w io.Writer, r *applier.Result, opt TextOptions) error {
	if err := ApplySummary(w, r, opt); err != nil {
		return err
	}
	var problems bytes.Buffer
	if err := ApplyProblems(&problems, r, opt); err != nil || problems.Len() == 0 {
		return err
	}
	if _, err := fmt.Fprintln(w); err != nil {
		return err
	}
	_, err := problems.WriteTo(w)
	return err
}

// ApplySummary writes the final line of an apply: "Apply complete: 3
// created, 2 updated, 1 version published, 0 deleted in 1.4s." ("Destroy
// complete: 4 deleted in 0.8s." for a destroy), then the version each
// service is at.
func ApplySummary(w io.Writer, r *applier.Result, opt TextOptions) error {
	bw := bufio.NewWriter(w)
	c := painter(opt.Color)
	s := r.Summary
	var line string
	if opt.destroy() {
		line = fmt.Sprintf("%d deleted in %s.", s.Deleted, seconds(r.Duration))
	} else {
		parts := []string{
			fmt.Sprintf("%d created", s.Created),
			fmt.Sprintf("%d updated", s.Updated),
		}
		if s.Replaced > 0 {
			parts = append(parts, fmt.Sprintf("%d replaced", s.Replaced))
		}
		parts = append(parts, plural(s.Published, "version published", "versions published"))
		if s.Unchanged > 0 {
			parts = append(parts, plural(s.Unchanged, "version already published", "versions already published"))
		}
		parts = append(parts, fmt.Sprintf("%d deleted", s.Deleted))
		line = strings.Join(parts, ", ") + " in " + seconds(r.Duration) + "."
	}
	verb := "Apply"
	if opt.destroy() {
		verb = "Destroy"
	}
	switch r.ExitCode() {
	case 0:
		fmt.Fprintln(bw, c.paint(ansiGreen, verb+" complete: ")+line)
	default:
		fmt.Fprintln(bw, c.paint(ansiRed, verb+" incomplete: ")+line)
	}
	for service, id := range sortedMap(r.Published) {
		fmt.Fprintf(bw, "Service %s is at version %s.\n", service, id)
	}
	return bw.Flush()
}

// ApplyProblems writes, once each, what did not succeed: the resources
// that changed since the plan, the failures with their errors, and the
// skipped steps. It writes nothing for a run that fully succeeded.
func ApplyProblems(w io.Writer, r *applier.Result, opt TextOptions) error {
	bw := bufio.NewWriter(w)
	c := painter(opt.Color)
	replan := opt.Replan
	if replan == "" {
		replan = "fcdeploy plan"
	}
	sep := func() {
		if bw.Buffered() > 0 {
			fmt.Fprintln(bw)
		}
	}
	if len(r.Conflicts) > 0 {
		fmt.Fprintln(bw, c.paint(ansiRed, "Changed since the plan was made (not overwritten); run "+replan+" again:"))
		for _, a := range r.Conflicts {
			fmt.Fprintln(bw, "  "+a)
		}
	}
	var failed, skipped []applier.StepResult
	for _, st := range r.Steps {
		switch st.Action {
		case applier.Failed:
			failed = append(failed, st)
		case applier.Skipped:
			skipped = append(skipped, st)
		}
	}
	if len(failed) > 0 {
		sep()
		fmt.Fprintln(bw, c.paint(ansiRed, "Failed:"))
		for _, st := range failed {
			fmt.Fprintln(bw, "  "+errText(st.Err))
		}
	}
	if len(skipped) > 0 {
		sep()
		fmt.Fprintln(bw, c.paint(ansiYellow, plural(len(skipped), "step", "steps")+" skipped (they depend on a step that did not succeed, or the apply was interrupted):"))
		for _, st := range skipped {
			fmt.Fprintln(bw, "  "+st.Address)
		}
	}
	return bw.Flush()
}
