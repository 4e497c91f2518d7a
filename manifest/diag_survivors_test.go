package manifest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAWordOfExactlyTheTypoLengthStillGetsASuggestion(t *testing.T) {
	t.Parallel()
	word := strings.Repeat("a", maxTypoLength)
	near := word[:maxTypoLength-1] + "b"
	assert.Equal(t, near, DidYouMean(word, []string{near}))
	assert.Empty(t, DidYouMean(word+"a", []string{near + "a"}), "a longer word is no typo")
}

func TestAbsIsTheDistanceFromZero(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]int{-3: 3, 0: 0, 3: 3} {
		assert.Equal(t, want, abs(n), "%d", n)
	}
}

func TestAnErrorWithoutDiagnosticsIsEmpty(t *testing.T) {
	t.Parallel()
	assert.Empty(t, (&Error{File: "f.yaml"}).Error())
}
