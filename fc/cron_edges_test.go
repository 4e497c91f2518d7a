package fc

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCronAcceptsTheTopOfEveryRange(t *testing.T) {
	for _, tc := range []struct{ expr, fires string }{
		{"0 59 23 * * *", "2026-01-01T23:59:00Z"},
		{"59 59 23 31 12 *", "2026-12-31T23:59:59Z"},
		{"0 0 0 ? * SAT", "2026-01-03T00:00:00Z"},
		{"0 0 0 ? * 6", "2026-01-03T00:00:00Z"},
		{"0 0 0 ? DEC *", "2026-12-05T00:00:00Z"},
		{"0 0 0 31 * ?", "2026-01-31T00:00:00Z"},
		{"0 50-59 * * * *", "2026-01-01T10:59:00Z"},
		{"*/60 * * * * *", "2026-01-01T10:20:00Z"},
		{"0 0 0 1/31 * ?", "2026-01-01T00:00:00Z"},
	} {
		sc, err := ParseCron(tc.expr)
		require.NoError(t, err, tc.expr)
		now, err := time.Parse(time.RFC3339, tc.fires)
		require.NoError(t, err)
		assert.True(t, sc.Due(now.Add(-time.Second), now), "%s at %s", tc.expr, tc.fires)
		assert.False(t, sc.Due(now, now.Add(-time.Second)), "%s a second before %s", tc.expr, tc.fires)
	}
	for _, expr := range []string{"0 60 23 * * *", "0 0 24 * * *", "60 * * * * *", "0 0 0 32 * ?", "0 0 0 0 * ?", "0 0 0 ? 13 *", "0 0 0 ? 0 *", "*/61 * * * * *"} {
		_, err := ParseCron(expr)
		assert.Error(t, err, expr)
	}
}

// As in classic cron, when both day fields are restricted either one
// matching is enough; a day field given as * or ? leaves the other in charge.
func TestCronDayOfMonthAndDayOfWeek(t *testing.T) {
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		return tm
	}
	// 2026-01-01 is a Thursday, 2026-01-05 a Monday, 2026-01-06 a Tuesday.
	for _, tc := range []struct {
		expr, day string
		due       bool
	}{
		{"0 0 12 1 * MON", "2026-01-01", true},  // the 1st, a Thursday
		{"0 0 12 1 * MON", "2026-01-05", true},  // a Monday, not the 1st
		{"0 0 12 1 * MON", "2026-01-06", false}, // neither
		{"0 0 12 1 * *", "2026-01-01", true},
		{"0 0 12 1 * *", "2026-01-05", false}, // day of week * does not widen day of month
		{"0 0 12 ? * MON", "2026-01-05", true},
		{"0 0 12 ? * MON", "2026-01-01", false},
		{"0 0 12 * * MON", "2026-01-06", false},
		{"0 0 12 * * *", "2026-01-06", true},
		{"0 0 12 ? * ?", "2026-01-06", true},
	} {
		now := at(tc.day + "T12:00:00Z")
		sc, err := ParseCron(tc.expr)
		require.NoError(t, err, tc.expr)
		assert.Equal(t, tc.due, sc.Due(now.Add(-time.Minute), now), "%s on %s", tc.expr, tc.day)
	}
}
