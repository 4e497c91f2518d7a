package rollout

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var started = time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)

func TestMarkerIsWrittenInTheDocumentedForm(t *testing.T) {
	m := Marker{From: "3", To: "5", Step: 2, Steps: []int{10, 50, 100}, Started: started}
	assert.Equal(t, "[fcdeploy-rollout from=3 to=5 step=2/3 steps=10,50,100 started=2026-11-27T01:00:00Z]", m.String())
	assert.Equal(t, "Shop API [fcdeploy-rollout from=3 to=5 step=2/3 steps=10,50,100 started=2026-11-27T01:00:00Z]",
		FormatDescription("Shop API", m))
}

func TestMarkerStartTimeIsWrittenInUTC(t *testing.T) {
	m := Marker{From: "1", To: "2", Step: 1, Steps: []int{100}, Started: started.In(time.FixedZone("CST", 8*3600))}
	assert.Contains(t, m.String(), "started=2026-11-27T01:00:00Z")
}

func TestDescriptionsSurviveARoundTripThroughTheMarker(t *testing.T) {
	m := Marker{From: "12", To: "13", Step: 1, Steps: []int{5, 25, 100}, Started: started}
	for _, tc := range []struct{ name, user string }{
		{"an empty description", ""},
		{"a plain description", "checkout traffic"},
		{"a description with brackets", "shop [beta] api [v2]"},
		{"a description ending in a bracket", "see [docs]"},
		{"a description ending in a space", "trailing space "},
		{"a description holding an older marker", "old [fcdeploy-rollout from=1 to=2 step=1/1 steps=100 started=2026-01-01T00:00:00Z]"},
		{"a description holding a half marker", "[fcdeploy-rollout oops"},
		{"a unicode description", "结账 服务"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			user, got, err := ParseDescription(FormatDescription(tc.user, m))
			require.NoError(t, err)
			require.NotNil(t, got)
			assert.Equal(t, tc.user, user)
			assert.Equal(t, m, *got)
		})
	}
}

func TestDescriptionsWithoutAMarkerAreTheUsersOwn(t *testing.T) {
	for _, desc := range []string{"", "shop", "shop [beta]", "x[fcdeploy-rollout from=1 to=2 step=1/1 steps=100 started=2026-01-01T00:00:00Z]"} {
		user, m, err := ParseDescription(desc)
		require.NoError(t, err, desc)
		assert.Nil(t, m, desc)
		assert.Equal(t, desc, user)
	}
}

func TestMalformedMarkersAreRefusedWithWhatIsWrong(t *testing.T) {
	for _, tc := range []struct{ name, desc, want string }{
		{"an unclosed marker", "x [fcdeploy-rollout from=1 to=2 step=1/1 steps=100 started=2026-01-01T00:00:00Z", "does not end with ]"},
		{"a missing field", "[fcdeploy-rollout from=1 to=2 step=1/1 steps=100]", "field started is missing"},
		{"an unknown field", "[fcdeploy-rollout from=1 to=2 step=1/1 steps=100 started=2026-01-01T00:00:00Z by=me]", `unknown field "by"`},
		{"a repeated field", "[fcdeploy-rollout from=1 from=1 to=2 step=1/1 steps=100 started=2026-01-01T00:00:00Z]", "appears twice"},
		{"a field without a value", "[fcdeploy-rollout from to=2 step=1/1 steps=100 started=2026-01-01T00:00:00Z]", "has no ="},
		{"a version that is not a number", "[fcdeploy-rollout from=v1 to=2 step=1/1 steps=100 started=2026-01-01T00:00:00Z]", "decimal numbers"},
		{"a step out of range", "[fcdeploy-rollout from=1 to=2 step=4/3 steps=10,50,100 started=2026-01-01T00:00:00Z]", "does not fit"},
		{"a step count that differs from the steps", "[fcdeploy-rollout from=1 to=2 step=1/2 steps=10,50,100 started=2026-01-01T00:00:00Z]", "does not fit"},
		{"a step that is not N/M", "[fcdeploy-rollout from=1 to=2 step=two steps=10,50,100 started=2026-01-01T00:00:00Z]", "not N/M"},
		{"steps that do not end at 100", "[fcdeploy-rollout from=1 to=2 step=1/2 steps=10,50 started=2026-01-01T00:00:00Z]", "last step must be 100"},
		{"a bad time", "[fcdeploy-rollout from=1 to=2 step=1/1 steps=100 started=yesterday]", "RFC 3339"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, m, err := ParseDescription(tc.desc)
			require.ErrorIs(t, err, ErrMalformedMarker)
			assert.ErrorContains(t, err, tc.want)
			assert.Nil(t, m)
		})
	}
}

func TestStepsMustIncreaseStrictlyAndEndAt100(t *testing.T) {
	for _, tc := range []struct {
		name  string
		steps []int
		want  string // "" means valid
	}{
		{"the default steps are valid", DefaultSteps, ""},
		{"a single step of 100 is valid", []int{100}, ""},
		{"many small steps are valid", []int{1, 2, 5, 10, 25, 50, 75, 100}, ""},
		{"no steps are refused", nil, "at least one step"},
		{"steps not ending at 100 are refused", []int{10, 50}, "last step must be 100"},
		{"a repeated percentage is refused", []int{10, 10, 100}, "increase strictly (10 after 10)"},
		{"a decreasing percentage is refused", []int{50, 10, 100}, "increase strictly (10 after 50)"},
		{"zero percent is refused", []int{0, 100}, "0% is not between 1 and 100"},
		{"more than 100 percent is refused", []int{10, 150}, "150% is not between 1 and 100"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateSteps(tc.steps)
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

func FuzzParseDescription(f *testing.F) {
	f.Add("shop [beta] [fcdeploy-rollout from=3 to=5 step=2/3 steps=10,50,100 started=2026-11-27T01:00:00Z]")
	f.Add("[fcdeploy-rollout from=1 to=2 step=1/1 steps=100 started=2026-01-01T00:00:00Z]")
	f.Add("plain")
	f.Fuzz(func(t *testing.T, desc string) {
		user, m, err := ParseDescription(desc)
		if err != nil || m == nil {
			return
		}
		// Whatever parses formats back to a description that parses the same.
		user2, m2, err := ParseDescription(FormatDescription(user, *m))
		if err != nil {
			t.Fatalf("reformatted %q does not parse: %v", desc, err)
		}
		if user2 != user || m2.String() != m.String() {
			t.Fatalf("round trip of %q changed it: %q %v", desc, user2, m2)
		}
	})
}
