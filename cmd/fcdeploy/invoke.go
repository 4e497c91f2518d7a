package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/schema"
)

type invokeOptions struct {
	dir    string
	file   string
	target targetOptions
	event  string
	async  bool
	log    bool
}

func newInvokeCmd(streams *IOStreams) *cobra.Command {
	o := &invokeOptions{}
	cmd := &cobra.Command{
		Use:   "invoke SERVICE[.QUALIFIER]/FUNCTION",
		Short: "Invoke a deployed function and print its result",
		Long: `Invoke a function on the target (the embedded local Function Compute by default)
and print its result to stdout (with a final newline on a terminal). --event passes
the event from a file, or from stdin with "-". --log prints the invocation's log
tail to stderr between "FC Invoke Start RequestId: ..." and "FC Invoke End
RequestId: ..." lines. A function error prints the error and its stack trace to
stderr and exits 1. Earlier invocations' logs: fcdeploy logs.`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeFunctionRef,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runInvoke(cmd, streams, o, args[0])
		},
	}
	cmd.Flags().StringVar(&o.event, "event", "", "event `FILE`, or - for stdin (default: empty event)")
	cmd.Flags().BoolVar(&o.async, "async", false, "invoke asynchronously (prints the request id)")
	cmd.Flags().BoolVar(&o.log, "log", false, "print the invocation's log tail to stderr")
	cmd.Flags().StringVarP(&o.file, "file", "f", "", "manifest `FILE` holding the environments (with --env)")
	addTargetFlags(cmd, &o.target)
	return cmd
}

// parseFunctionRef splits SERVICE[.QUALIFIER]/FUNCTION.
func parseFunctionRef(ref string) (service, qualifier, function string, err error) {
	svc, fn, ok := strings.Cut(ref, "/")
	if !ok || svc == "" || fn == "" || strings.Contains(fn, "/") {
		return "", "", "", fmt.Errorf("%q is not SERVICE[.QUALIFIER]/FUNCTION, e.g. hello/hello or shop.live/api", ref)
	}
	service, qualifier, _ = strings.Cut(svc, ".")
	return service, qualifier, fn, nil
}

func runInvoke(cmd *cobra.Command, streams *IOStreams, o *invokeOptions, ref string) error {
	service, qualifier, function, err := parseFunctionRef(ref)
	if err != nil {
		return err
	}
	event, err := readEvent(streams, o.event)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	var proj *manifest.Project
	if o.target.env != "" {
		path, err := resolveManifestPath(o.dir, o.file)
		if err != nil {
			return err
		}
		if proj, err = schema.Load(path, manifest.LoadOptions{Env: o.target.env}); err != nil {
			return err
		}
	}
	t, err := o.target.connect(ctx, proj)
	if err != nil {
		return err
	}
	defer t.Close()
	out, err := t.Client.InvokeFunction(ctx, service, qualifier, function, event, fc.InvokeOptions{Async: o.async, LogTail: o.log})
	if err != nil {
		return fmt.Errorf("function %s/%s: %w", service, function, err)
	}
	if o.async {
		fmt.Fprintf(streams.Out, "queued: request %s\n", out.RequestID)
		return nil
	}
	if o.log {
		printLogTail(streams, out.RequestID, out.Log)
	}
	if out.ErrorType != "" {
		fmt.Fprintf(streams.ErrOut, "function %s/%s failed (%s): %s\n", service, function, out.ErrorType, formatFunctionError(out.Body))
		return withExitCode(exitError, nil)
	}
	streams.Out.Write(out.Body)
	if len(out.Body) > 0 && out.Body[len(out.Body)-1] != '\n' && streams.OutTTY {
		fmt.Fprintln(streams.Out)
	}
	return nil
}

func readEvent(streams *IOStreams, src string) ([]byte, error) {
	switch src {
	case "":
		return nil, nil
	case "-":
		b, err := io.ReadAll(io.LimitReader(streams.In, fc.MaxZipSize))
		if err != nil {
			return nil, fmt.Errorf("reading the event from stdin: %w", err)
		}
		return b, nil
	}
	b, err := os.ReadFile(src)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("event file %s does not exist", src)
	}
	return b, err
}

// Function Compute frames each invocation's log with these lines.
const (
	logStartLine = "FC Invoke Start RequestId: "
	logEndLine   = "FC Invoke End RequestId: "
)

// printLogTail prints an invocation's log tail to stderr between FC's start
// and end lines (added when the server did not send them).
func printLogTail(streams *IOStreams, requestID, log string) {
	if log != "" && !strings.HasSuffix(log, "\n") {
		log += "\n"
	}
	if !strings.Contains(log, logStartLine) {
		log = logStartLine + requestID + "\n" + log
	}
	if !strings.Contains(log, logEndLine) {
		log += logEndLine + requestID + "\n"
	}
	fmt.Fprint(streams.ErrOut, log)
}
