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
	lines := make([]string, 0, len(e.Diagnostics))
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
// when none is close enough to be a plausible typo. It is called for every
// unknown key of a document, so distances are only computed as far as they
// could still win.
func DidYouMean(word string, candidates []string) string {
	w := []rune(strings.ToLower(word))
	if len(w) > maxTypoLength {
		return ""
	}
	// Allow about one edit per three letters, at least one and at most three.
	limit := min(max(len(word)/3, 1), 3)
	best, bestDist := "", limit+1
	var rows editRows
	for _, c := range candidates {
		cr := []rune(strings.ToLower(c))
		// The difference in length is a lower bound on the distance.
		if abs(len(cr)-len(w)) >= bestDist {
			continue
		}
		if d := rows.distance(w, cr, bestDist-1); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// maxTypoLength bounds the work of DidYouMean: a longer word is no typo.
const maxTypoLength = 256

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// editRows holds the three rows of the distance table that the
// transposition case looks back on, reused from one candidate to the next.
type editRows struct{ back2, back1, cur []int }

// distance is the Damerau-Levenshtein (optimal string alignment) distance
// between a and b, so that a swapped pair of letters counts as one typo, or
// some number above bound once it is known to exceed bound: the smallest
// cell of a row never decreases from one row to the next.
func (r *editRows) distance(a, b []rune, bound int) int {
	n := len(b) + 1
	if cap(r.cur) < n {
		r.back2, r.back1, r.cur = make([]int, n), make([]int, n), make([]int, n)
	}
	back2, back1, cur := r.back2[:n], r.back1[:n], r.cur[:n]
	for j := range back1 {
		back1[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j < n; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(back1[j]+1, cur[j-1]+1, back1[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, back2[j-2]+1)
			}
			cur[j] = d
			rowMin = min(rowMin, d)
		}
		if rowMin > bound {
			return bound + 1
		}
		back2, back1, cur = back1, cur, back2
	}
	return back1[n-1]
}

// quoteList renders names as `"a", "b", "c"`.
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
