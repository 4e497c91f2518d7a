package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fcdeploy/fcdeploy/applier"
)

// exitInterrupted is the exit code of a command stopped by SIGINT or
// SIGTERM (128 + SIGINT, what shells report for Ctrl-C).
const exitInterrupted = 130

// interrupts turns the signals CI and terminals send into two stages: the
// first SIGINT or SIGTERM drains (Stop closes: nothing new starts, what is
// in flight finishes), the second aborts (the context is cancelled and the
// requests in flight are abandoned). Apply, destroy, promote and rollout
// share it.
type interrupts struct {
	ctx    context.Context
	cancel context.CancelFunc
	stop   chan struct{}
	sigs   chan os.Signal
	done   chan struct{}
	wg     sync.WaitGroup

	mu    sync.Mutex
	count int
}

// watchInterrupts starts watching until Close; what each signal does is
// said on errOut as it happens, so a user who pressed Ctrl-C sees it was
// heard.
func watchInterrupts(parent context.Context, errOut io.Writer, what string) *interrupts {
	ctx, cancel := context.WithCancel(parent)
	in := &interrupts{ctx: ctx, cancel: cancel, stop: make(chan struct{}), sigs: make(chan os.Signal, 2), done: make(chan struct{})}
	signal.Notify(in.sigs, os.Interrupt, syscall.SIGTERM)
	in.wg.Add(1)
	go func() {
		defer in.wg.Done()
		for {
			select {
			case <-in.done:
				return
			case sig := <-in.sigs:
				in.mu.Lock()
				in.count++
				n := in.count
				in.mu.Unlock()
				if n == 1 {
					fmt.Fprintf(errOut, "Interrupted (%s): finishing the %s in flight and starting no more; interrupt again to abort at once.\n", sigName(sig), what)
					close(in.stop)
				} else {
					fmt.Fprintf(errOut, "Interrupted again (%s): aborting the %s in flight.\n", sigName(sig), what)
					cancel()
					return
				}
			}
		}
	}()
	return in
}

func sigName(s os.Signal) string {
	if s == syscall.SIGTERM {
		return "SIGTERM"
	}
	return "SIGINT"
}

// Context is cancelled by the second signal.
func (in *interrupts) Context() context.Context { return in.ctx }

// Stop is closed by the first signal.
func (in *interrupts) Stop() <-chan struct{} { return in.stop }

// Interrupted says a signal arrived.
func (in *interrupts) Interrupted() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.count > 0
}

// Close stops watching: signals kill the process again, as by default.
func (in *interrupts) Close() {
	signal.Stop(in.sigs)
	close(in.done)
	in.wg.Wait()
	in.cancel()
}

type interruptsKey struct{}

// interruptible runs a command that changes an account (apply, destroy,
// promote) under interrupt handling from its start: while it only reads
// and plans, the first signal ends it at once (nothing was changed, exit
// 130); once it applies, applyPlan drains with the same watcher.
func interruptible(streams *IOStreams, run func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		in := watchInterrupts(cmd.Context(), streams.ErrOut, "steps")
		defer in.Close()
		// Reading and planning change nothing: the first signal may cancel
		// them. applyPlan applies with in.Context(), which only the second
		// signal cancels.
		planCtx, cancel := context.WithCancel(in.Context())
		defer cancel()
		go func() {
			select {
			case <-in.Stop():
				cancel()
			case <-planCtx.Done():
			}
		}()
		cmd.SetContext(context.WithValue(planCtx, interruptsKey{}, in))
		err := run(cmd, args)
		if err != nil && in.Interrupted() && errors.Is(err, context.Canceled) {
			return withExitCode(exitInterrupted, errors.New("interrupted before any change was made: nothing was changed"))
		}
		return err
	}
}

// interruptsOf is the watcher interruptible installed, or nil.
func interruptsOf(ctx context.Context) *interrupts {
	in, _ := ctx.Value(interruptsKey{}).(*interrupts)
	return in
}

// reportInterrupted says, after an interrupted apply, what was done, what
// was not started and the command that continues, and ends the command
// with exit code 130.
func reportInterrupted(errOut io.Writer, res *applier.Result, continueWith string) error {
	var notStarted []string
	done := 0
	for _, s := range res.Steps {
		switch s.Action {
		case applier.Skipped:
			notStarted = append(notStarted, s.Address)
		case applier.Failed, applier.Conflict:
		default:
			done++
		}
	}
	// The steps not started are listed with the skipped ones just before.
	fmt.Fprintf(errOut, "\nInterrupted: %s done, %s not started.\n", plural(done, "step"), plural(len(notStarted), "step"))
	fmt.Fprintf(errOut, "To continue, run: %s\n", continueWith)
	return withExitCode(exitInterrupted, nil)
}

// commandLine is the command being run, as a user would type it again:
// its path, the flags given (global ones included) and args.
func commandLine(cmd *cobra.Command, args []string) string {
	parts := strings.Fields(cmd.CommandPath())
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if f.Value.Type() == "bool" {
			parts = append(parts, "--"+f.Name)
			return
		}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			for _, v := range sv.GetSlice() {
				parts = append(parts, "--"+f.Name, v)
			}
			return
		}
		parts = append(parts, "--"+f.Name, f.Value.String())
	})
	parts = append(parts, args...)
	for i, p := range parts {
		parts[i] = shellQuote(p)
	}
	return strings.Join(parts, " ")
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,@%+", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
