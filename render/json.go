package render

import (
	"io"

	"github.com/fcdeploy/fcdeploy/planner"
)

// JSON writes the versioned plan JSON: the same document as a plan file,
// sensitive values marked and left out.
func JSON(w io.Writer, p *planner.Plan) error {
	return planner.WritePublicPlan(w, p)
}
