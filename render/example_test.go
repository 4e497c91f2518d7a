package render_test

import (
	"os"

	"github.com/fcdeploy/fcdeploy/planner"
	"github.com/fcdeploy/fcdeploy/render"
)

// Text shows a plan for a terminal; colours are the caller's decision.
func ExampleText() {
	plan := &planner.Plan{
		Project: "hello",
		Changes: []planner.Change{{
			Address: "function.hello/hi", Kind: planner.KindFunction, Action: planner.ActionUpdate,
			Service: "hello", Function: "hi",
			FieldChanges: []planner.FieldChange{
				{Path: "memorySize", Before: 128.0, After: 256.0},
				{Path: "environmentVariables.API_KEY", Before: "old", After: "new", Sensitive: true},
			},
			Code: &planner.CodeChange{Upload: true, Before: "1", After: "2", Size: 3100},
		}},
	}
	_ = render.Text(os.Stdout, plan, render.TextOptions{})
	// Output:
	// fcdeploy plan for project hello
	// Target: the local Function Compute
	//
	//   ~ function.hello/hi
	//         memorySize                   = 128 -> 256
	//         environmentVariables.API_KEY = (sensitive) -> (sensitive)
	//         code: 3.1 kB, checksum 1 -> 2 (upload)
	//
	// Plan: 0 to create, 1 to update, 0 to delete, 0 versions to publish.
}
