package manifest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckCron(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, expr, wantErr string
	}{
		{"every day at 2am", "0 0 2 * * *", ""},
		{"steps, ranges, lists and names", "*/15 0-30/5 8,12,18 ? JAN-jun MON-FRI", ""},
		{"question mark in day of month", "0 0 2 ? * 1", ""},
		{"a fixed interval", "@every 5m", ""},
		{"an interval with hours and minutes", "@every 1h30m", ""},
		{"five fields suggests the seconds field", "0 2 * * *", `"0 2 * * *" has 5 fields; a cron expression needs 6: seconds minutes hours day-of-month month day-of-week (Function Compute's cron starts with a seconds field: "0 0 2 * * *")`},
		{"hour 24 is out of range", "0 0 24 * * *", `"0 0 24 * * *": hours must be 0-23, not 24`},
		{"month 13 is out of range", "0 0 0 1 13 *", `"0 0 0 1 13 *": month must be 1-12 or JAN-DEC, not 13`},
		{"day of month 0 is out of range", "0 0 0 0 * *", `"0 0 0 0 * *": day of month must be 1-31, not 0`},
		{"a backwards range", "0 30-10 * * * *", `"0 30-10 * * * *": minutes "30-10": range 30-10 goes backwards`},
		{"a zero step", "*/0 * * * * *", `"*/0 * * * * *": seconds "*/0": step "0" must be a number from 1 to 60`},
		{"question mark in hours", "0 0 ? * * *", `"0 0 ? * * *": hours "?": ? is only allowed in day of month and day of week`},
		{"a value out of range inside a list", "0 0 1,25 * * *", `"0 0 1,25 * * *": hours "1,25": must be 0-23, not 25`},
		{"an interval under a minute", "@every 30s", `"@every 30s": the interval must be at least 1m`},
		{"an interval that is not a duration", "@every often", `"@every often": the interval after @every must be a duration like 5m or 1h30m`},
		{"a macro Function Compute lacks", "@daily", `"@daily" is not supported; use @every DURATION or six cron fields like "0 0 2 * * *"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckCron(tc.expr)
			if tc.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			assert.EqualError(t, err, tc.wantErr)
		})
	}
}
