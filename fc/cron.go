package fc

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The cron grammar of timer triggers, one implementation for the manifest's
// validation, the local server's request checks and its scheduler.

// MinCronInterval is the shortest @every interval Function Compute accepts.
const MinCronInterval = time.Minute

// cronField is one field of Function Compute's 6-field cron expression.
type cronField struct {
	name     string
	lo, hi   int
	names    []string // names for values lo.., e.g. JAN..DEC
	question bool     // `?` allowed
}

var cronFields = [6]cronField{
	{name: "seconds", lo: 0, hi: 59},
	{name: "minutes", lo: 0, hi: 59},
	{name: "hours", lo: 0, hi: 23},
	{name: "day of month", lo: 1, hi: 31, question: true},
	{name: "month", lo: 1, hi: 12, names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
	{name: "day of week", lo: 0, hi: 6, names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}, question: true},
}

// CronSchedule is a parsed cronExpression.
type CronSchedule struct {
	every  time.Duration
	fields [6]uint64 // allowed values as bits: sec min hour dom month dow
	anyDay [2]bool   // day of month, day of week given as * or ?
}

// ParseCron parses a timer trigger's cronExpression: six fields (seconds
// minutes hours day-of-month month day-of-week) built from numbers, names,
// `*`, `?`, ranges `a-b`, steps `/n` and lists `,`; or `@every DURATION` of
// at least one minute. Errors quote the expression and say what to write.
func ParseCron(expr string) (CronSchedule, error) {
	var sc CronSchedule
	expr = strings.TrimSpace(expr)
	if rest, ok := strings.CutPrefix(expr, "@every "); ok {
		d, err := time.ParseDuration(strings.TrimSpace(rest))
		if err != nil {
			return sc, fmt.Errorf("%q: the interval after @every must be a duration like 5m or 1h30m", expr)
		}
		if d < MinCronInterval {
			return sc, fmt.Errorf("%q: the interval must be at least 1m", expr)
		}
		sc.every = d
		return sc, nil
	}
	if strings.HasPrefix(expr, "@") {
		return sc, fmt.Errorf("%q is not supported; use @every DURATION or six cron fields like \"0 0 2 * * *\"", expr)
	}
	fields := strings.Fields(expr)
	if len(fields) != len(cronFields) {
		hint := ""
		if len(fields) == 5 {
			hint = ` (Function Compute's cron starts with a seconds field: "0 ` + expr + `")`
		}
		return sc, fmt.Errorf("%q has %d fields; a cron expression needs 6: seconds minutes hours day-of-month month day-of-week%s", expr, len(fields), hint)
	}
	for i, f := range fields {
		bits, err := cronFields[i].parse(f)
		if err != nil {
			var v *cronValueError
			if errors.As(err, &v) && v.value == f {
				return sc, fmt.Errorf("%q: %s %s", expr, cronFields[i].name, err)
			}
			return sc, fmt.Errorf("%q: %s %q: %w", expr, cronFields[i].name, f, err)
		}
		sc.fields[i] = bits
		if (i == 3 || i == 5) && (f == "*" || f == "?") {
			sc.anyDay[i/5] = true
		}
	}
	return sc, nil
}

// Due reports whether the schedule fires at the second now, last being its
// previous firing (or when it started counting, for @every).
func (sc CronSchedule) Due(last, now time.Time) bool {
	if sc.every > 0 {
		return now.Sub(last) >= sc.every
	}
	has := func(i, v int) bool { return sc.fields[i]&(1<<uint(v)) != 0 }
	if !has(0, now.Second()) || !has(1, now.Minute()) || !has(2, now.Hour()) || !has(4, int(now.Month())) {
		return false
	}
	dom, dow := has(3, now.Day()), has(5, int(now.Weekday()))
	switch {
	case sc.anyDay[0] && sc.anyDay[1]:
		return true
	case sc.anyDay[0]:
		return dow
	case sc.anyDay[1]:
		return dom
	}
	return dom || dow // both restricted: either matches, as in cron
}

// parse turns one field into the set of values it allows.
func (c cronField) parse(f string) (uint64, error) {
	if f == "?" {
		if !c.question {
			return 0, fmt.Errorf("? is only allowed in day of month and day of week")
		}
		return c.span(c.lo, c.hi, 1), nil
	}
	var bits uint64
	for _, part := range strings.Split(f, ",") {
		rng, stepStr, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepStr)
			if err != nil || n < 1 || n > c.hi-c.lo+1 {
				return 0, fmt.Errorf("step %q must be a number from 1 to %d", stepStr, c.hi-c.lo+1)
			}
			step = n
		}
		if rng == "*" {
			bits |= c.span(c.lo, c.hi, step)
			continue
		}
		a, b, isRange := strings.Cut(rng, "-")
		lo, err := c.value(a)
		if err != nil {
			return 0, err
		}
		hi := lo
		switch {
		case isRange:
			if hi, err = c.value(b); err != nil {
				return 0, err
			}
			if hi < lo {
				return 0, fmt.Errorf("range %s goes backwards", rng)
			}
		case hasStep: // a/n means from a to the end, every n
			hi = c.hi
		}
		bits |= c.span(lo, hi, step)
	}
	return bits, nil
}

func (c cronField) span(lo, hi, step int) uint64 {
	var bits uint64
	for v := lo; v <= hi; v += step {
		bits |= 1 << uint(v)
	}
	return bits
}

// cronValueError is a field value out of its range.
type cronValueError struct {
	value, rule string
}

func (e *cronValueError) Error() string { return fmt.Sprintf("must be %s, not %s", e.rule, e.value) }

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
		return 0, &cronValueError{value: s, rule: rule}
	}
	return v, nil
}
