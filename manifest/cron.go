package manifest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// cronField is one field of Function Compute's 6-field cron expression.
type cronField struct {
	name     string
	lo, hi   int
	names    []string // names for values lo.., e.g. JAN..DEC
	question bool     // `?` allowed
}

var cronFields = []cronField{
	{name: "seconds", lo: 0, hi: 59},
	{name: "minutes", lo: 0, hi: 59},
	{name: "hours", lo: 0, hi: 23},
	{name: "day of month", lo: 1, hi: 31, question: true},
	{name: "month", lo: 1, hi: 12, names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
	{name: "day of week", lo: 0, hi: 6, names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}, question: true},
}

// CheckCron validates a timer trigger's cronExpression: six fields
// (seconds minutes hours day-of-month month day-of-week) built from
// numbers, names, `*`, `?`, ranges `a-b`, steps `/n` and lists `,`; or
// `@every DURATION` of at least one minute.
func CheckCron(expr string) error {
	expr = strings.TrimSpace(expr)
	if rest, ok := strings.CutPrefix(expr, "@every "); ok {
		d, err := time.ParseDuration(strings.TrimSpace(rest))
		if err != nil {
			return fmt.Errorf("%q: the interval after @every must be a duration like 5m or 1h30m", expr)
		}
		if d < time.Minute {
			return fmt.Errorf("%q: the interval must be at least 1m", expr)
		}
		return nil
	}
	if strings.HasPrefix(expr, "@") {
		return fmt.Errorf("%q is not supported; use @every DURATION or six cron fields like \"0 0 2 * * *\"", expr)
	}
	fields := strings.Fields(expr)
	if len(fields) != len(cronFields) {
		hint := ""
		if len(fields) == 5 {
			hint = ` (Function Compute's cron starts with a seconds field: "0 ` + expr + `")`
		}
		return fmt.Errorf("%q has %d fields; a cron expression needs 6: seconds minutes hours day-of-month month day-of-week%s", expr, len(fields), hint)
	}
	for i, f := range fields {
		if err := cronFields[i].check(f); err != nil {
			var v *valueError
			if errors.As(err, &v) && v.value == f {
				return fmt.Errorf("%q: %s %s", expr, cronFields[i].name, err)
			}
			return fmt.Errorf("%q: %s %q: %w", expr, cronFields[i].name, f, err)
		}
	}
	return nil
}

func (c cronField) check(f string) error {
	if f == "?" {
		if !c.question {
			return fmt.Errorf("? is only allowed in day of month and day of week")
		}
		return nil
	}
	for _, part := range strings.Split(f, ",") {
		rng, step, hasStep := strings.Cut(part, "/")
		if hasStep {
			n, err := strconv.Atoi(step)
			if err != nil || n < 1 || n > c.hi-c.lo+1 {
				return fmt.Errorf("step %q must be a number from 1 to %d", step, c.hi-c.lo+1)
			}
		}
		if rng == "*" {
			continue
		}
		a, b, isRange := strings.Cut(rng, "-")
		lo, err := c.value(a)
		if err != nil {
			return err
		}
		if isRange {
			hi, err := c.value(b)
			if err != nil {
				return err
			}
			if hi < lo {
				return fmt.Errorf("range %s goes backwards", rng)
			}
		}
	}
	return nil
}

// valueError is a field value out of its range.
type valueError struct {
	value, rule string
}

func (e *valueError) Error() string { return fmt.Sprintf("must be %s, not %s", e.rule, e.value) }

func (c cronField) value(s string) (int, error) {
	for i, n := range c.names {
		if strings.EqualFold(s, n) {
			return c.lo + i, nil
		}
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < c.lo || v > c.hi {
		rule := fmt.Sprintf("%d-%d", c.lo, c.hi)
		if len(c.names) > 0 {
			rule += fmt.Sprintf(" or %s-%s", c.names[0], c.names[len(c.names)-1])
		}
		return 0, &valueError{value: s, rule: rule}
	}
	return v, nil
}
