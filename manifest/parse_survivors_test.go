package manifest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

func TestADocumentOfExactlyTheSizeLimitIsParsed(t *testing.T) {
	t.Parallel()
	_, diags := Parse("f.yaml", []byte(padded("a", MaxDocumentSize)))
	assert.Empty(t, diags)
	_, diags = Parse("f.yaml", []byte(padded("a", MaxDocumentSize+1)))
	require.Len(t, diags, 1)
	assert.Contains(t, diags[0].Message, "the file is 4194305 bytes")
}

func isDense(diags []Diagnostic) bool {
	return len(diags) == 1 && strings.Contains(diags[0].Message, "a manifest this dense is refused")
}

func TestTheDensityCheckStartsPastTwiceMaxNodesAndAllowsExactlyTheMinimumAverage(t *testing.T) {
	t.Parallel()
	_, diags := Parse("f.yaml", []byte(strings.Repeat("#\n", 2*MaxNodes)))
	assert.False(t, isDense(diags), "the first 2*MaxNodes lines are allowed at any density: %v", diags)
	_, diags = Parse("f.yaml", []byte(strings.Repeat("#\n", 2*MaxNodes+1)))
	assert.True(t, isDense(diags), "%v", diags)

	line := "#" + strings.Repeat("x", MinBytesPerValue-2) + "\n"
	_, diags = Parse("f.yaml", []byte(strings.Repeat(line, 2*MaxNodes+1)))
	assert.False(t, isDense(diags), "lines of exactly MinBytesPerValue bytes are allowed: %v", diags)
	_, diags = Parse("f.yaml", []byte(strings.Repeat(line[1:], 2*MaxNodes+1)))
	assert.True(t, isDense(diags), "%v", diags)
}

func TestAnEmptyOrNullDocumentIsReportedAsEmpty(t *testing.T) {
	t.Parallel()
	for _, src := range []string{"", "# nothing\n", "~\n", "null\n"} {
		doc, diags := Parse("f.yaml", []byte(src))
		assert.Nil(t, doc.Root, "%q", src)
		require.Len(t, diags, 1, "%q", src)
		assert.Equal(t, "the file is empty; it needs at least `project:` and `services:`", diags[0].Message, "%q", src)
	}
}

func TestSyntaxErrorsPointAtTheLineAndItsFirstCharacter(t *testing.T) {
	t.Parallel()
	cases := []struct{ src, want string }{
		// The unclosed { on the last line.
		{"x: 1\na: {b: 1", "f.yaml:2:4: yaml: did not find expected ',' or '}' in the {...} mapping"},
		// The unclosed { on the first line, which yaml.v3 does not name.
		{"a: {b: 1\n", "f.yaml:1:4: yaml: did not find expected ',' or '}' in the {...} mapping"},
		{"a: [1, 2", "f.yaml:1:4: yaml: did not find expected ',' or ']' in the [...] list"},
		{"{a: 1\n", "f.yaml:1:1: yaml: did not find expected ',' or '}' in the {...} mapping"},
		// The mapping that starts on the first line, which has no opener.
		{"a: b\n- c\n", "f.yaml:1:1: yaml: did not find expected key in the mapping that starts here"},
		{"a:\n  - b\n c: d", "f.yaml:1:1: yaml: did not find expected key in the mapping that starts here"},
		// ... and one that starts further down, at its indentation.
		{"x:\n  a: b\n  - c\n", "f.yaml:2:3: yaml: did not find expected key in the mapping that starts here"},
		// A backtick on an indented last line, with no tab anywhere.
		{"a:\n  b: `c", "f.yaml:2:3: yaml: found character that cannot start any token"},
		// A tab inside a flow list is no indentation problem of the line that fails.
		{"a: [1,\n\t2]\nb: `x`\n", "f.yaml:3:1: yaml: found character that cannot start any token"},
		// A tab indenting the line that fails is named.
		{"a:\n\tb: 1\n", "f.yaml:2:1: yaml: a tab character is used for indentation"},
	}
	for _, c := range cases {
		_, diags := Parse("f.yaml", []byte(c.src))
		require.Len(t, diags, 1, "%q", c.src)
		assert.True(t, strings.HasPrefix(diags[0].String(), c.want), "%q: got %s", c.src, diags[0])
	}
}

func TestAnErrorWithoutALineHasNoPosition(t *testing.T) {
	t.Parallel()
	_, diags := Parse("f.yaml", []byte("a: \x01\n"))
	require.Len(t, diags, 1)
	assert.Equal(t, "f.yaml: yaml: control characters are not allowed", diags[0].String())
}

// nest is n lists, one inside the other.
func nest(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

func tooDeep(diags []Diagnostic) bool {
	for _, d := range diags {
		if strings.Contains(d.Message, fmt.Sprintf("nested more than %d levels deep", MaxDepth)) {
			return true
		}
	}
	return false
}

func TestKeysAndMergedMappingsAreAsDeepAsTheSameValueWrittenInPlace(t *testing.T) {
	t.Parallel()
	mappings := func(n int) string { return strings.Repeat("{a: ", n) + "1" + strings.Repeat("}", n) }
	for _, n := range []int{MaxDepth - 1, MaxDepth, MaxDepth + 1} {
		_, value := Parse("f.yaml", []byte("k: "+nest(n)+"\n"))
		_, key := Parse("f.yaml", []byte(nest(n)+": k\n"))
		assert.Equal(t, tooDeep(value), tooDeep(key), "a key %d lists deep: %v", n, key)
		_, written := Parse("f.yaml", []byte("k: "+mappings(n)+"\n"))
		_, merged := Parse("f.yaml", []byte("<<: "+mappings(n)+"\n"))
		assert.Equal(t, tooDeep(written), tooDeep(merged), "a merge %d mappings deep: %v", n, merged)
	}
	_, diags := Parse("f.yaml", []byte("k: "+nest(MaxDepth+1)+"\n"))
	assert.True(t, tooDeep(diags), "the bound itself is checked")
}

func TestCountingWhatTheDocumentWritesStopsJustPastMaxDepth(t *testing.T) {
	t.Parallel()
	var root yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte(nest(MaxDepth+50)), &root))
	assert.Equal(t, MaxDepth+2, countWritten(root.Content[0], 0), "levels 0 to MaxDepth+1 count, the rest does not")
}

// aliasBudgetDocument writes a list of 99 values and `aliases` aliases of
// it, plus 64 more values: 400 values written in all with 116 aliases, so
// the aliases expand to exactly MaxAliasNodes + AliasFactor*400 = 11,600.
func aliasBudgetDocument(aliases int) string {
	var b strings.Builder
	b.WriteString("a: &a [" + strings.TrimSuffix(strings.Repeat("1,", 99), ",") + "]\n")
	b.WriteString("pad: [" + strings.TrimSuffix(strings.Repeat("1,", 64), ",") + "]\n")
	for i := range aliases {
		fmt.Fprintf(&b, "b%d: *a\n", i)
	}
	return b.String()
}

func TestAliasesMayExpandToExactlyTheAliasBudget(t *testing.T) {
	t.Parallel()
	doc, diags := Parse("f.yaml", []byte(aliasBudgetDocument(116)))
	assert.Empty(t, diags)
	require.NotNil(t, doc.Root)

	_, diags = Parse("f.yaml", []byte(aliasBudgetDocument(117)))
	require.Len(t, diags, 1)
	assert.Equal(t, "f.yaml:119:7: b116: YAML aliases expand to more than 11608 values (10000 plus 4 times the 402 the document writes); the document is refused (an alias bomb?)",
		diags[0].String(), "the refusal points at the alias that crosses the budget")
}

func TestLongStringsAreShortenedInMessagesButTheLimitItselfIsKept(t *testing.T) {
	t.Parallel()
	forty := strings.Repeat("s", 40)
	assert.Equal(t, `"`+forty+`"`, describe(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: forty}))
	assert.Equal(t, `"`+forty+`…"`, describe(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: forty + "s"}))
}
