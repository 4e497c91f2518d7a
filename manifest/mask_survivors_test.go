package manifest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAThreeCharacterSecretIsMaskedWholeEvenWhenItIsTheOnlyOne(t *testing.T) {
	t.Parallel()
	var m secretMask
	m.add("abc")
	assert.Equal(t, "the value *** is bad", m.apply("the value abc is bad"))
}

func TestAnEightByteSecretIsMaskedWholeAtTheEndOfAMessage(t *testing.T) {
	t.Parallel()
	var m secretMask
	m.add("abcdefgh")
	assert.Equal(t, "the value ***", m.apply("the value abcdefgh"))
	assert.Equal(t, "the value *** is bad", m.apply("the value abcdefgh is bad"))
}

func TestALongSecretIsMaskedAsOneRunNotEightBytesAtATime(t *testing.T) {
	t.Parallel()
	var m secretMask
	m.add("abcdefghijkl")
	assert.Equal(t, "x *** y", m.apply("x abcdefghijkl y"))
	assert.Equal(t, "x *** y", m.apply("x abcdefghij y"), "a truncated copy is one run too")
}

func TestAnEightByteSecretIsMaskedInItsEscapedForm(t *testing.T) {
	t.Parallel()
	var m secretMask
	m.add(`abc"defg`)
	assert.Equal(t, `the value "***" is bad`, m.apply(`the value "abc\"defg" is bad`))
}
