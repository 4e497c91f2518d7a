package manifest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Diagnostic is one problem in a manifest, at the position of the value
// (or key) it is about. Path is the dotted path of that value, e.g.
// services.shop.functions.checkout.memorySize; "" for the document itself.
type Diagnostic struct {
	File    string
	Line    int // 1-based; 0 when the problem has no position
	Col     int
	Path    string
	Message string
}

// String is `file:line:col: path: message`.
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", d.Line, d.Col)
	}
	b.WriteString(": ")
	if d.Path != "" {
		b.WriteString(d.Path)
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// Error holds every problem found in a manifest, sorted by position.
type Error struct {
	File        string
	Diagnostics []Diagnostic
}

func (e *Error) Error() string {
	lines := make([]string, 0, len(e.Diagnostics)+1)
	for _, d := range e.Diagnostics {
		lines = append(lines, d.String())
	}
	return strings.Join(lines, "\n")
}

// SortDiagnostics orders diagnostics by position, then path and message,
// and drops exact duplicates.
func SortDiagnostics(ds []Diagnostic) []Diagnostic {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Col, b.Col),
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Message, b.Message),
		)
	})
	return slices.Compact(ds)
}

// MaxDiagnostics is how many problems are listed; a document with more
// gets a last line saying how many were left out.
const MaxDiagnostics = 100

// LimitDiagnostics keeps the first MaxDiagnostics of sorted diagnostics.
func LimitDiagnostics(ds []Diagnostic) []Diagnostic {
	if len(ds) <= MaxDiagnostics {
		return ds
	}
	rest := len(ds) - MaxDiagnostics
	ds = append(ds[:MaxDiagnostics:MaxDiagnostics], Diagnostic{File: ds[0].File,
		Message: fmt.Sprintf("%d more problems not shown; fix the ones above first", rest)})
	return ds
}

// DidYouMean returns the candidate closest to word by edit distance, or ""
// when none is close enough to be a plausible typo.
func DidYouMean(word string, candidates []string) string {
	best, bestDist := "", 0
	lw := strings.ToLower(word)
	for _, c := range candidates {
		d := editDistance(lw, strings.ToLower(c))
		if best == "" || d < bestDist {
			best, bestDist = c, d
		}
	}
	// Allow about one edit per three letters, at least one and at most three.
	limit := min(max(len(word)/3, 1), 3)
	if best == "" || bestDist > limit {
		return ""
	}
	return best
}

// editDistance is the Damerau-Levenshtein (optimal string alignment)
// distance, so that a swapped pair of letters counts as one typo.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 256 || len(rb) > 256 {
		return max(len(ra), len(rb)) // too long to be a typo; bound the work
	}
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// quoteList renders names as `"a", "b", "c"`.
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
