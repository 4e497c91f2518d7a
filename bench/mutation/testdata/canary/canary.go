// Package canary checks that the mutation tool really runs the tests of
// the mutants it makes. Max has two mutants: `a >= b`, which gives the same
// result for every input and so must live, and `a <= b`, which its test
// kills. A run that reports anything else is not testing mutants.
package canary

// Max returns the larger of a and b.
func Max(a, b int) int {
	if a > b {
		return a
	}
	return b
}
