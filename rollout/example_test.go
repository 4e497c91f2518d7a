package rollout_test

import (
	"fmt"
	"time"

	"github.com/fcdeploy/fcdeploy/rollout"
)

// A rollout records its progress at the end of the alias description, so
// another process can resume or undo it.
func ExampleParseDescription() {
	desc := rollout.FormatDescription("Shop [beta]", rollout.Marker{
		From: "3", To: "5", Step: 2, Steps: []int{10, 50, 100},
		Started: time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC),
	})
	fmt.Println(desc)

	user, m, err := rollout.ParseDescription(desc)
	if err != nil {
		panic(err)
	}
	fmt.Printf("user description %q, from %s to %s, at step %d of %v\n", user, m.From, m.To, m.Step, m.Steps)
	// Output:
	// Shop [beta] [fcdeploy-rollout from=3 to=5 step=2/3 steps=10,50,100 started=2026-11-27T01:00:00Z]
	// user description "Shop [beta]", from 3 to 5, at step 2 of [10 50 100]
}
