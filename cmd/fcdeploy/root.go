package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

// Exit codes of the CLI contract (design.md, "Contracts the CLI keeps").
const (
	exitOK       = 0
	exitError    = 1
	exitChanges  = 2 // plan --detailed-exitcode found changes
	exitConflict = 3 // live state changed since the plan
)

// exitError carries a specific exit code through cobra's error return.
type exitCodeError struct {
	code int
	err  error // nil: exit quietly with code
}

func (e *exitCodeError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitCodeError) Unwrap() error { return e.err }

// withExitCode makes err end the process with code.
func withExitCode(code int, err error) error { return &exitCodeError{code: code, err: err} }

// errNotBuilt names a feature that is not built yet, so users see a clear
// error instead of a fake success.
func errNotBuilt(feature string) error {
	return fmt.Errorf("%s is not built yet in this version of fcdeploy", feature)
}

func newRootCmd(streams *IOStreams) *cobra.Command {
	root := &cobra.Command{
		Use:           "fcdeploy",
		Short:         "Plan, apply and promote Function Compute deployments from fcdeploy.yaml",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	root.AddCommand(
		newValidateCmd(streams),
		newSchemaCmd(streams),
		newPackageCmd(streams),
		newBuildCmd(streams),
		newPlanCmd(streams),
		newApplyCmd(streams),
		newDestroyCmd(streams),
		newPromoteCmd(streams),
		newRolloutCmd(streams),
		newRollbackCmd(streams),
		newInvokeCmd(streams),
		newServeCmd(streams),
	)
	return root
}

// run executes the CLI and returns the process exit code.
func run(args []string, streams *IOStreams) int {
	root := newRootCmd(streams)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ec *exitCodeError
	if errors.As(err, &ec) {
		if ec.err != nil {
			fmt.Fprintln(streams.ErrOut, "Error:", ec.err)
		}
		return ec.code
	}
	fmt.Fprintln(streams.ErrOut, "Error:", err)
	return exitError
}
