package main

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/fcdeploy/fcdeploy/applier"
	"github.com/fcdeploy/fcdeploy/planner"
	"github.com/fcdeploy/fcdeploy/rollout"
)

// The JSON event stream of apply, destroy, promote and rollout with
// --format json: one object per line, the last a "summary". Field names
// are a contract documented in docs/json-output.md; add fields, never
// rename or remove them.

// eventFormats are the values --format takes on the verbs that change
// things.
var eventFormats = []string{"text", "json"}

// addEventFormatFlag adds --format text|json to a verb that changes
// things; with json its output becomes the event stream.
func addEventFormatFlag(cmd *cobra.Command, format *string) {
	cmd.Flags().StringVar(format, "format", "text", "output format: text, or json for one JSON event per line and a summary object (docs/json-output.md)")
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletions(eventFormats...))
}

// startEvents checks format and, for json, switches the streams to the
// event stream of command.
func startEvents(streams *IOStreams, command, format string) error {
	switch format {
	case "text":
		return nil
	case "json":
		streams.events = &eventWriter{enc: json.NewEncoder(streams.Out), quiet: streams.Quiet, command: command}
		streams.events.enc.SetEscapeHTML(false)
		return nil
	}
	return errors.New(`--format "` + format + `" is not supported here; use text or json`)
}

// eventWriter writes the event stream. It is used from one goroutine at
// a time (applier and rollout events arrive one by one).
type eventWriter struct {
	enc        *json.Encoder
	quiet      bool // --quiet: only the summary
	command    string
	summarized bool
}

func (w *eventWriter) write(v any) {
	_ = w.enc.Encode(v)
}

func (w *eventWriter) event(v any) {
	if !w.quiet {
		w.write(v)
	}
}

func ms(d time.Duration) int64 { return d.Milliseconds() }

func stamp(t time.Time) string {
	if t.IsZero() {
		t = time.Now()
	}
	return t.UTC().Format(time.RFC3339Nano)
}

type plannedChangeEvent struct {
	Type     string `json:"type"` // planned_change
	Action   string `json:"action"`
	Resource string `json:"resource"`
	Reason   string `json:"reason,omitempty"`
	// Adopt is "untagged" or "from project X" when the change takes over
	// a live service (see planner.Adoption).
	Adopt string `json:"adopt,omitempty"`
}

// planned writes one planned_change per change of plan.
func (w *eventWriter) planned(plan *planner.Plan) {
	for _, c := range plan.Changes {
		e := plannedChangeEvent{Type: "planned_change", Action: string(c.Action), Resource: c.Address, Reason: c.Reason}
		if c.Adopt != nil {
			e.Adopt = c.Adopt.String()
		}
		w.event(e)
	}
}

type stepEvent struct {
	Type       string `json:"type"` // step
	Time       string `json:"time"`
	Action     string `json:"action"`
	Resource   string `json:"resource"`
	Status     string `json:"status"`
	DurationMS *int64 `json:"duration_ms,omitempty"`
	Error      string `json:"error,omitempty"`
}

// step writes one applier event.
func (w *eventWriter) step(e applier.Event) {
	ev := stepEvent{Type: "step", Time: stamp(e.Time), Action: string(e.Action), Resource: e.Address}
	switch e.Phase {
	case applier.PhaseStart:
		ev.Status = "started"
	case applier.PhaseSkipped:
		ev.Status = string(applier.Skipped)
	default:
		ev.Status = string(e.Outcome)
		d := ms(e.Elapsed)
		ev.DurationMS = &d
	}
	if e.Err != nil {
		ev.Error = e.Err.Error()
	}
	w.event(ev)
}

type resourceError struct {
	Resource string `json:"resource"`
	Error    string `json:"error"`
}

type applySummaryEvent struct {
	Type                string            `json:"type"` // summary
	Command             string            `json:"command"`
	Status              string            `json:"status"`
	ExitCode            int               `json:"exit_code"`
	Created             int               `json:"created"`
	Updated             int               `json:"updated"`
	Replaced            int               `json:"replaced"`
	Deleted             int               `json:"deleted"`
	Published           int               `json:"published"`
	Unchanged           int               `json:"unchanged"`
	Failed              int               `json:"failed"`
	Skipped             int               `json:"skipped"`
	Conflicts           int               `json:"conflicts"`
	ConflictedResources []string          `json:"conflicted_resources,omitempty"`
	Errors              []resourceError   `json:"errors,omitempty"`
	Versions            map[string]string `json:"versions,omitempty"`
	DurationMS          int64             `json:"duration_ms"`
	PlanFile            string            `json:"plan_file,omitempty"`
	Error               string            `json:"error,omitempty"`
}

// applied writes the summary of an apply's result.
func (w *eventWriter) applied(res *applier.Result) {
	s := res.Summary
	ev := applySummaryEvent{
		Type: "summary", Command: w.command, ExitCode: res.ExitCode(),
		Created: s.Created, Updated: s.Updated, Replaced: s.Replaced, Deleted: s.Deleted,
		Published: s.Published, Unchanged: s.Unchanged, Failed: s.Failed, Skipped: s.Skipped, Conflicts: s.Conflicts,
		ConflictedResources: res.Conflicts, Versions: res.Published, DurationMS: ms(res.Duration),
	}
	if res.Interrupted {
		ev.ExitCode = exitInterrupted
	}
	switch ev.ExitCode {
	case exitInterrupted:
		ev.Status = "interrupted"
	case exitOK:
		ev.Status = "succeeded"
	case exitConflict:
		ev.Status = "conflict"
	default:
		ev.Status = "failed"
	}
	for _, st := range res.Steps {
		if st.Err != nil && st.Action != applier.Skipped {
			ev.Errors = append(ev.Errors, resourceError{Resource: st.Address, Error: st.Err.Error()})
		}
	}
	w.summary(ev)
}

// unchanged writes the summary of a run that had nothing to do, or that
// saved its plan instead of applying it.
func (w *eventWriter) unchanged(status, planFile string) {
	w.summary(applySummaryEvent{Type: "summary", Command: w.command, Status: status, PlanFile: planFile})
}

func (w *eventWriter) summary(v any) {
	w.summarized = true
	w.write(v)
}

type errorSummaryEvent struct {
	Type     string `json:"type"` // summary
	Command  string `json:"command"`
	Status   string `json:"status"` // error
	ExitCode int    `json:"exit_code"`
	Error    string `json:"error,omitempty"`
}

// failed ends a stream that has no summary yet: the command stopped with
// an error before it could write one.
func (w *eventWriter) failed(code int, err error) {
	if w.summarized {
		return
	}
	ev := errorSummaryEvent{Type: "summary", Command: w.command, Status: "error", ExitCode: code}
	if err != nil {
		ev.Error = err.Error()
	}
	w.summary(ev)
}

type rolloutEvent struct {
	Type     string `json:"type"` // rollout
	Time     string `json:"time"`
	Event    string `json:"event"`
	Resource string `json:"resource"`
	From     string `json:"from,omitempty"`
	To       string `json:"to,omitempty"`
	Step     int    `json:"step,omitempty"`
	Steps    int    `json:"steps,omitempty"`
	Percent  int    `json:"percent"`
	WaitMS   int64  `json:"wait_ms,omitempty"`
	Error    string `json:"error,omitempty"`
}

// rollout writes one rollout event about alias.SERVICE/ALIAS.
func (w *eventWriter) rollout(resource string, e rollout.Event) {
	ev := rolloutEvent{Type: "rollout", Time: stamp(e.Time), Event: string(e.Kind), Resource: resource,
		From: e.From, To: e.To, Step: e.Step, Steps: e.Steps, Percent: e.Percent, WaitMS: ms(e.Wait)}
	if e.Err != nil {
		ev.Error = e.Err.Error()
	}
	w.event(ev)
}

type rolloutSummaryEvent struct {
	Type     string `json:"type"` // summary
	Command  string `json:"command"`
	Status   string `json:"status"`
	ExitCode int    `json:"exit_code"`
	Resource string `json:"resource"`
	From     string `json:"from,omitempty"`
	To       string `json:"to,omitempty"`
	Error    string `json:"error,omitempty"`
}
