package rollout

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVersionIdsWithTheDigitsZeroAndNineAreNumbers(t *testing.T) {
	_, m, err := ParseDescription("[fcdeploy-rollout from=9 to=10 step=1/1 steps=100 started=2026-01-01T00:00:00Z]")
	require.NoError(t, err)
	assert.Equal(t, "9", m.From)
	assert.Equal(t, "10", m.To)
}

func TestAStepWhosePartsAreNotBothNumbersIsNotNOverM(t *testing.T) {
	for _, step := range []string{"x/3", "1/x"} {
		marker := "[fcdeploy-rollout from=1 to=2 step=" + step + " steps=10,50,100 started=2026-01-01T00:00:00Z]"
		_, m, err := ParseDescription(marker)
		require.ErrorIs(t, err, ErrMalformedMarker)
		assert.EqualError(t, err, `malformed fcdeploy-rollout marker: "`+marker+`": step "`+step+`" is not N/M`)
		assert.Nil(t, m)
	}
}

func TestWeightsABillionthApartAreTheSameWeight(t *testing.T) {
	// 2e-9 - 1e-9 is exactly 1e-9 in binary: the tolerance itself.
	assert.True(t, sameWeights(map[string]float64{"2": 2e-9}, map[string]float64{"2": 1e-9}))
	assert.False(t, sameWeights(map[string]float64{"2": 3e-9}, map[string]float64{"2": 1e-9}))
	assert.False(t, sameWeights(map[string]float64{"2": 0.5}, map[string]float64{"2": 0.1}))
	assert.False(t, sameWeights(map[string]float64{"2": 0.1}, map[string]float64{"3": 0.1}))
}
