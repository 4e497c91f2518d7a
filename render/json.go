package render

import (
	"io"

	"github.com/fcdeploy/fcdeploy/planner"
)

// JSON writes the versioned plan JSON: the same document as a plan file,
// sensitive values as hashes.
func JSON(w io.Writer, p *planner.Plan) error {
	return planner.WritePlan(w, p)
}
