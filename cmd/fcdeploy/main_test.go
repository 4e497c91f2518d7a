package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

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
			// Scripts may copy a project from examples/ (cp -r).
			examples, err := filepath.Abs("../../examples")
			if err != nil {
				return err
			}
			env.Setenv("EXAMPLES", examples)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":    cmdExits,
			"replace":  cmdReplace,
			"capture":  cmdCapture,
			"waitfile": cmdWaitFile,
			// adopt_test.go
			"console-service": cmdConsoleService,
		},
		Condition: interpreterCondition,
	})
}

// interpreterCondition answers [python3], [node] and [npm]: whether the
// interpreter is on PATH. On CI (CI=true) a missing one is an error rather
// than false, so a `[!python3] skip` cannot hide that CI stopped running the
// script.
func interpreterCondition(cond string) (bool, error) {
	switch cond {
	case "python3", "node", "npm":
	default:
		return false, fmt.Errorf("unknown condition %q", cond)
	}
	if _, err := exec.LookPath(cond); err != nil {
		if os.Getenv("CI") == "true" {
			return false, fmt.Errorf("%s is required on CI (CI=true): %w", cond, err)
		}
		return false, nil
	}
	return true, nil
}

// cmdExits runs a command and checks its exit code:
//
//	exits 3 fcdeploy apply plan.json
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE COMMAND [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: %q is not an exit code", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}

// cmdReplace replaces every OLD with NEW in FILE:
//
//	replace 'timeout: 5' 'timeout: 9' proj/fcdeploy.yaml
func cmdReplace(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: replace OLD NEW FILE")
	}
	path := ts.MkAbs(args[2])
	data, err := os.ReadFile(path)
	ts.Check(err)
	if !strings.Contains(string(data), args[0]) {
		ts.Fatalf("replace: %s does not contain %q", args[2], args[0])
	}
	ts.Check(os.WriteFile(path, []byte(strings.ReplaceAll(string(data), args[0], args[1])), 0o644))
}

// cmdCapture sets VAR to the first group of REGEXP in the last command's
// stdout:
//
//	capture REQ 'queued: request ([0-9a-f-]+)'
func cmdCapture(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: capture VAR REGEXP")
	}
	re, err := regexp.Compile(args[1])
	ts.Check(err)
	m := re.FindStringSubmatch(ts.ReadFile("stdout"))
	if len(m) < 2 {
		ts.Fatalf("capture: no match for %q in stdout", args[1])
	}
	ts.Setenv(args[0], m[1])
}

// cmdWaitFile waits until FILE exists (a background server is ready):
//
//	waitfile $FCDEPLOY_HOME/server.json
func cmdWaitFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitfile FILE")
	}
	path := ts.MkAbs(args[0])
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(path); err == nil {
			return
		}
	}
	ts.Fatalf("waitfile: %s did not appear within 30s", args[0])
}
