package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"fcdeploy": func() { os.Exit(run(os.Args[1:], systemStreams())) },
	})
}

// TestScripts runs the CLI end-to-end scripts in testdata/script: each is a
// txtar archive of files plus the commands a user would type.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			// Every script gets its own embedded Function Compute.
			env.Setenv("FCDEPLOY_HOME", env.WorkDir+"/.fcdeploy-home")
			env.Setenv("NO_COLOR", "1")
			return nil
		},
	})
}
