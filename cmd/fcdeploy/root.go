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
		Version:       readBuildVersion().String(),
	}
	root.SetVersionTemplate("{{.Version}}")
	if streams.Color == "" {
		streams.Color = "auto"
	}
	pf := root.PersistentFlags()
	pf.BoolVarP(&streams.Quiet, "quiet", "q", false, "print only errors and the final summary line (with --format json: only the summary)")
	pf.StringVar(&streams.Color, "color", streams.Color, "colour output `WHEN`: auto (terminals, honouring NO_COLOR and FORCE_COLOR), always or never")
	_ = root.RegisterFlagCompletionFunc("color", fixedCompletions(colorModes...))
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		return checkColorMode(streams.Color)
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	root.AddCommand(
		newValidateCmd(streams),
		newConvertCmd(streams),
		newImportCmd(streams),
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
		newShowCmd(streams),
		newVersionCmd(streams),
		newLogsCmd(streams),
	)
	registerCompletions(root)
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
	code, shown := exitError, err
	var ec *exitCodeError
	if errors.As(err, &ec) {
		code, shown = ec.code, ec.err
	}
	if shown != nil {
		fmt.Fprintln(streams.ErrOut, "Error:", shown)
	}
	if streams.events != nil {
		// A JSON stream always ends with a summary, even when the command
		// stopped before it could write one.
		streams.events.failed(code, shown)
	}
	return code
}
