package planner_test

import (
	"fmt"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/planner"
)

func ptr[T any](v T) *T { return &v }

// Diff compares a desired state with what is live. Here nothing is live
// yet, so everything is created, the version is published after the
// function, and the alias follows that version.
func ExampleDiff() {
	desired := &planner.Desired{
		Project: "hello",
		Services: []planner.DesiredService{{
			Name: "hello", Managed: true, Publish: true,
			Config: fc.ServiceInput{Description: ptr("Hello world")},
			Functions: []planner.DesiredFunction{{
				Name:   "hi",
				Config: fc.FunctionInput{Runtime: ptr("python3"), Handler: ptr("index.handler")},
				Code:   planner.DesiredCode{Checksum: "11051210869376104954", Size: 9, Source: "./src"},
			}},
			Aliases: []planner.DesiredAlias{{Name: "live", Version: planner.VersionLatest}},
		}},
	}
	live := &planner.Live{Services: map[string]*planner.LiveService{"hello": {}}}

	plan, err := planner.Diff(desired, live, planner.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range plan.Changes {
		fmt.Println(c.Action, c.Address, c.DependsOn)
	}
	fmt.Printf("%+v\n", plan.Summary())
	// Output:
	// create service.hello []
	// create function.hello/hi [service.hello]
	// publish version.hello [service.hello function.hello/hi]
	// create alias.hello/live [version.hello]
	// {Create:3 Update:0 Delete:0 Replace:0 Publish:1 NoOp:0}
}
