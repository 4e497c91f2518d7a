package rollout

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// markerTag opens the marker that a rollout appends to the alias
// description.
const markerTag = "[fcdeploy-rollout "

// Marker is the progress of a rollout as recorded on the alias:
//
//	[fcdeploy-rollout from=3 to=5 step=2/3 steps=10,50,100 started=2026-11-27T01:00:00Z]
//
// Step is the 1-based step whose weight has been set on the alias; its
// check has not necessarily passed yet, so a resume runs it again.
type Marker struct {
	From    string
	To      string
	Step    int
	Steps   []int
	Started time.Time
}

// String is the marker as written into the description.
func (m Marker) String() string {
	return fmt.Sprintf("%sfrom=%s to=%s step=%d/%d steps=%s started=%s]",
		markerTag, m.From, m.To, m.Step, len(m.Steps), formatSteps(m.Steps),
		m.Started.UTC().Format(time.RFC3339))
}

// FormatDescription appends m to the user's own description.
func FormatDescription(user string, m Marker) string {
	if user == "" {
		return m.String()
	}
	return user + " " + m.String()
}

// ErrMalformedMarker says a description ends in something that starts like
// a rollout marker but does not parse.
var ErrMalformedMarker = errors.New("malformed fcdeploy-rollout marker")

// ParseDescription splits an alias description into the user's own text and
// the rollout marker at its end. A description without a marker gives a nil
// Marker and the whole text. Only the last marker counts, so user text that
// contains brackets, or even an older marker, survives a round trip.
func ParseDescription(desc string) (user string, m *Marker, err error) {
	i := strings.LastIndex(desc, markerTag)
	if i < 0 {
		return desc, nil, nil
	}
	if i > 0 && desc[i-1] != ' ' {
		// Glued to other text: not a marker we wrote.
		return desc, nil, nil
	}
	body, ok := strings.CutSuffix(desc[i+len(markerTag):], "]")
	if !ok {
		return desc, nil, fmt.Errorf("%w: %q does not end with ]", ErrMalformedMarker, desc[i:])
	}
	parsed, err := parseMarker(body)
	if err != nil {
		return desc, nil, fmt.Errorf("%w: %q: %w", ErrMalformedMarker, desc[i:], err)
	}
	if i > 0 {
		user = desc[:i-1]
	}
	return user, parsed, nil
}

func parseMarker(body string) (*Marker, error) {
	m := &Marker{}
	total := 0
	seen := map[string]bool{}
	for _, field := range strings.Fields(body) {
		k, v, ok := strings.Cut(field, "=")
		if !ok {
			return nil, fmt.Errorf("field %q has no =", field)
		}
		if seen[k] {
			return nil, fmt.Errorf("field %s appears twice", k)
		}
		seen[k] = true
		switch k {
		case "from":
			m.From = v
		case "to":
			m.To = v
		case "step":
			a, b, ok := strings.Cut(v, "/")
			n, err1 := strconv.Atoi(a)
			t, err2 := strconv.Atoi(b)
			if !ok || err1 != nil || err2 != nil {
				return nil, fmt.Errorf("step %q is not N/M", v)
			}
			m.Step, total = n, t
		case "steps":
			for _, s := range strings.Split(v, ",") {
				p, err := strconv.Atoi(s)
				if err != nil {
					return nil, fmt.Errorf("steps %q: %q is not a number", v, s)
				}
				m.Steps = append(m.Steps, p)
			}
		case "started":
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return nil, fmt.Errorf("started %q is not an RFC 3339 time", v)
			}
			m.Started = t
		default:
			return nil, fmt.Errorf("unknown field %q", k)
		}
	}
	for _, k := range []string{"from", "to", "step", "steps", "started"} {
		if !seen[k] {
			return nil, fmt.Errorf("field %s is missing", k)
		}
	}
	if !isVersionID(m.From) || !isVersionID(m.To) {
		return nil, fmt.Errorf("from=%s to=%s: version ids are decimal numbers", m.From, m.To)
	}
	if err := ValidateSteps(m.Steps); err != nil {
		return nil, err
	}
	if total != len(m.Steps) || m.Step < 1 || m.Step > total {
		return nil, fmt.Errorf("step %d/%d does not fit %d steps", m.Step, total, len(m.Steps))
	}
	return m, nil
}

func isVersionID(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// DefaultSteps are the traffic percentages of a rollout that names none.
var DefaultSteps = []int{10, 50, 100}

// ValidateSteps checks a list of traffic percentages: each in 1..100,
// strictly increasing, the last 100.
func ValidateSteps(steps []int) error {
	if len(steps) == 0 {
		return errors.New("steps: at least one step is needed, and the last must be 100")
	}
	for i, p := range steps {
		if p < 1 || p > 100 {
			return fmt.Errorf("steps %s: %d%% is not between 1 and 100", formatSteps(steps), p)
		}
		if i > 0 && p <= steps[i-1] {
			return fmt.Errorf("steps %s: percentages must increase strictly (%d after %d)", formatSteps(steps), p, steps[i-1])
		}
	}
	if steps[len(steps)-1] != 100 {
		return fmt.Errorf("steps %s: the last step must be 100", formatSteps(steps))
	}
	return nil
}

func formatSteps(steps []int) string {
	s := make([]string, len(steps))
	for i, p := range steps {
		s[i] = strconv.Itoa(p)
	}
	return strings.Join(s, ",")
}
