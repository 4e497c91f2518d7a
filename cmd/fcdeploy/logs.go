package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/fcdeploy/fcdeploy/localfc"
	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/schema"
)

// logsPoll is how often `logs -f` looks for new invocations.
const logsPoll = 250 * time.Millisecond

type logsOptions struct {
	file      string
	env       string
	dataDir   string
	accountID string
	follow    bool
	since     time.Duration
	requestID string
	format    string
}

func newLogsCmd(streams *IOStreams) *cobra.Command {
	o := &logsOptions{}
	cmd := &cobra.Command{
		Use:   "logs SERVICE[.QUALIFIER]/FUNCTION",
		Short: "Show the invocation logs of a function of the local Function Compute",
		Long: fmt.Sprintf(`Show what a function printed, invocation by invocation, each between
"FC Invoke Start RequestId: ..." and "FC Invoke End RequestId: ..." lines, oldest
first. The local Function Compute (fcdeploy serve, or the embedded one other
commands start) keeps the last %d invocations or %d KiB of logs per function in
its data directory, whether they came from invoke, the async queue, a timer or an
HTTP trigger; this reads them there, with or without a running server.

A QUALIFIER keeps the invocations of that alias or version (LATEST: unqualified
ones). -f follows new invocations until Ctrl-C; with --request-id it waits for that
invocation (an async one, say) and exits once it is shown.

Logs of Function Compute itself live in Log Service (the service's logConfig).`, localfc.LogMaxRecords, localfc.LogMaxBytes>>10),
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeFunctionRef,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runLogs(ctx, streams, o, args[0])
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.follow, "follow", "f", false, "keep printing new invocations as they happen")
	f.DurationVar(&o.since, "since", 0, "only invocations that started within this `DURATION` (e.g. 10m, 2h)")
	f.StringVar(&o.requestID, "request-id", "", "only the invocation with this request `ID`")
	f.StringVar(&o.format, "format", "text", "output format: text, or json for one record per line")
	f.StringVar(&o.dataDir, "data", "", "data `DIR` of the local Function Compute (default $FCDEPLOY_HOME or ~/.local/share/fcdeploy)")
	f.StringVar(&o.accountID, "account-id", "", "account `ID` (default: the environment's, else "+localfc.DefaultAccountID+")")
	f.StringVar(&o.env, "env", "", "environment `NAME` whose account to read (its endpoint must be local)")
	f.StringVar(&o.file, "file", "", "manifest `FILE` holding the environments (with --env)")
	return cmd
}

func runLogs(ctx context.Context, streams *IOStreams, o *logsOptions, ref string) error {
	service, qualifier, function, err := parseFunctionRef(ref)
	if err != nil {
		return err
	}
	if o.format != "text" && o.format != "json" {
		return fmt.Errorf("--format %q is not supported; use text or json", o.format)
	}
	if o.since < 0 {
		return fmt.Errorf("--since %s: give a positive duration such as 10m", o.since)
	}
	account, err := o.account()
	if err != nil {
		return err
	}
	dataDir := o.dataDir
	if dataDir == "" {
		if dataDir, err = localfc.DefaultDataDir(); err != nil {
			return err
		}
	}
	q := localfc.LogQuery{Qualifier: qualifier, RequestID: o.requestID}
	if o.since > 0 {
		q.Since = time.Now().Add(-o.since)
	}
	show := func(r localfc.InvocationLog) {
		if o.format == "json" {
			enc := json.NewEncoder(streams.Out)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(r)
			return
		}
		printInvocationLog(streams, r)
	}
	if !o.follow {
		recs, err := localfc.ReadInvocationLogs(dataDir, account, service, function, q)
		if err != nil {
			return fmt.Errorf("function %s/%s: %w", service, function, err)
		}
		for _, r := range recs {
			show(r)
		}
		if len(recs) == 0 {
			fmt.Fprintf(streams.ErrOut, "No invocation logs of %s in %s (account %s)%s. Logs are kept from each invocation on; follow new ones with -f.\n",
				ref, dataDir, account, filterNote(o))
		}
		return nil
	}
	if _, err := localfc.ReadServerInfo(dataDir); err != nil {
		// Without a server, only other fcdeploy commands run functions
		// (and queued async invocations and timers wait for one).
		fmt.Fprintf(streams.ErrOut, "No fcdeploy serve is running on %s: new invocations come only from other fcdeploy commands; async ones and timers run while a serve does.\n", dataDir)
	}
	err = localfc.FollowInvocationLogs(ctx, dataDir, account, service, function, q, logsPoll, func(r localfc.InvocationLog) bool {
		show(r)
		// With a request id there is one invocation to wait for.
		return o.requestID == ""
	})
	if err != nil {
		return fmt.Errorf("function %s/%s: %w", service, function, err)
	}
	return nil
}

func filterNote(o *logsOptions) string {
	var parts []string
	if o.since > 0 {
		parts = append(parts, "within "+o.since.String())
	}
	if o.requestID != "" {
		parts = append(parts, "with request id "+o.requestID)
	}
	if len(parts) == 0 {
		return ""
	}
	return " " + strings.Join(parts, " ")
}

// account is the account whose logs to read: --account-id, the
// environment's, or the local default. An environment that is not local
// has no logs here.
func (o *logsOptions) account() (string, error) {
	if o.env == "" {
		if o.accountID != "" {
			return o.accountID, nil
		}
		return localfc.DefaultAccountID, nil
	}
	path, err := resolveManifestPath("", o.file)
	if err != nil {
		return "", err
	}
	proj, err := schema.Load(path, manifest.LoadOptions{Env: o.env})
	if err != nil {
		return "", err
	}
	if proj.Env.Endpoint != manifest.EndpointLocal {
		return "", fmt.Errorf("environment %s: fcdeploy logs reads the local Function Compute only; the logs of Function Compute are in Log Service (see the service's logConfig)", o.env)
	}
	switch {
	case o.accountID != "":
		return o.accountID, nil
	case proj.Env.AccountID != "":
		return proj.Env.AccountID, nil
	}
	return localfc.DefaultAccountID, nil
}

// printInvocationLog prints one invocation the way Function Compute frames
// it, with when it started, how long it took and how it failed.
func printInvocationLog(streams *IOStreams, r localfc.InvocationLog) {
	w := streams.Out
	what := r.Service
	if r.Qualifier != "" {
		what += "." + r.Qualifier
	}
	what += "/" + r.Function
	if r.VersionID != "" {
		what += " (version " + r.VersionID + ")"
	}
	fmt.Fprintf(w, "%s %s%s  %s\n", r.Time.UTC().Format("2006-01-02T15:04:05.000Z"), logStartLine, r.RequestID, what)
	log := r.Log
	if log != "" && !strings.HasSuffix(log, "\n") {
		log += "\n"
	}
	fmt.Fprint(w, log)
	end := r.Time.Add(time.Duration(r.DurationMS) * time.Millisecond)
	outcome := fmt.Sprintf("duration %dms", r.DurationMS)
	if r.ErrorType != "" {
		outcome += ", " + r.ErrorType
	}
	fmt.Fprintf(w, "%s %s%s  %s\n", end.UTC().Format("2006-01-02T15:04:05.000Z"), logEndLine, r.RequestID, outcome)
}
