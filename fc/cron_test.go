package fc

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCronSchedulesFireWhenTheirFieldsMatch(t *testing.T) {
	at := func(s string) time.Time { tm, err := time.Parse(time.RFC3339, s); require.NoError(t, err); return tm }
	tests := []struct {
		name, expr, last, now string
		due                   bool
	}{
		{"daily at 02:00:00 fires then", "0 0 2 * * *", "2026-01-01T01:59:59Z", "2026-01-01T02:00:00Z", true},
		{"daily at 02:00:00 not a second later", "0 0 2 * * *", "2026-01-01T02:00:00Z", "2026-01-01T02:00:01Z", false},
		{"every 15 seconds", "*/15 * * * * *", "2026-01-01T00:00:00Z", "2026-01-01T00:00:30Z", true},
		{"every 15 seconds, not at 31", "*/15 * * * * *", "2026-01-01T00:00:30Z", "2026-01-01T00:00:31Z", false},
		{"weekdays by name", "0 30 9 ? * MON-FRI", "2026-01-05T09:29:00Z", "2026-01-05T09:30:00Z", true},
		{"not on sunday", "0 30 9 ? * MON-FRI", "2026-01-04T09:29:00Z", "2026-01-04T09:30:00Z", false},
		{"@every 5m after five minutes", "@every 5m", "2026-01-01T00:00:00Z", "2026-01-01T00:05:00Z", true},
		{"@every 5m not before", "@every 5m", "2026-01-01T00:00:00Z", "2026-01-01T00:04:59Z", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := ParseCron(tt.expr)
			require.NoError(t, err)
			assert.Equal(t, tt.due, sc.Due(at(tt.last), at(tt.now)))
		})
	}
}

func TestParseCronRefusesWhatFunctionComputeRefuses(t *testing.T) {
	for _, expr := range []string{"0 0 2 * *", "0 0 25 * * *", "@every 30s", "@daily", "0 0 2 ? * MON-XYZ", "0 0 2 * * 7", "*/0 * * * * *", "0 0 5-2 * * *"} {
		_, err := ParseCron(expr)
		assert.Error(t, err, expr)
	}
	_, err := ParseCron("0 0 2 * *")
	assert.ErrorContains(t, err, `starts with a seconds field: "0 0 0 2 * *"`)
}
