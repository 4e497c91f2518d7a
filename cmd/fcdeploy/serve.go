package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

// serveSecretEnv lets the secret stay off the command line (and out of ps).
const serveSecretEnv = "FCDEPLOY_SERVE_ACCESS_KEY_SECRET"

type serveOptions struct {
	addr      string
	dataDir   string
	keyID     string
	keySecret string
	accounts  []string
	// maxProvisioned caps the instances each provision config keeps warm.
	maxProvisioned int
	// faults is a localfc.ParseFaults spec ("" reads $FCDEPLOY_SERVE_FAULTS).
	faults string
	// rateLimit is requests per second per account (0: none), answered
	// over it with rateLimitStatus (429 or 503).
	rateLimit       float64
	rateLimitBurst  int
	rateLimitStatus int
	// ready is called once the server answers (tests wait on it).
	ready func(url string)
}

func newServeCmd(streams *IOStreams) *cobra.Command {
	opts := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the local Function Compute (API 2016-08-15) on this machine",
		Long: `Run the local Function Compute: the same API as the cloud, served from a
data directory, so fcdeploy and the official FC SDKs work with no cloud account.

Without --access-key-id/--access-key-secret a key pair is created once in
DATA/credentials.json (mode 0600). The secret can also come from
$` + serveSecretEnv + `. Stop with Ctrl-C.

Keys are bound to accounts: the --access-key-id key may use the accounts
given by --account (repeatable; the first is also the account that requests
to a bare address or localhost reach), else the default account only. The
data directory's own key pair may use the accounts its credentials.json lists
("*" for all, the default). A request for another account is refused (403).

At start it prints where each HTTP trigger answers and which timer triggers it
runs (triggers deployed later work too: timers are picked up within seconds).
Invocations' logs are kept per function for "fcdeploy logs".

Provision configs keep up to --max-provisioned instances of their alias's
function started and initialized (0 stores the configs and keeps none).

To try clients against a real endpoint's bad days, --faults (or
$` + localfc.FaultsEnv + `) injects throttling, server errors, connection
resets and latency, e.g. "429=5%,503=5%,reset=2%,latency=30ms,jitter=10ms";
--rate-limit N throttles each account to N API requests per second (token
bucket, bursts of --rate-limit-burst), answering 429 ResourceExhausted or,
with --rate-limit-status 503, 503 ResourceThrottled.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.keySecret == "" {
				opts.keySecret = os.Getenv(serveSecretEnv)
			}
			if !cmd.Flags().Changed("faults") {
				opts.faults = os.Getenv(localfc.FaultsEnv)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runServe(ctx, opts, streams)
		},
	}
	cmd.Flags().StringVar(&opts.addr, "addr", "127.0.0.1:9000", "address to listen on (host:port; an empty host means 127.0.0.1)")
	cmd.Flags().StringVar(&opts.dataDir, "data", "", "data directory (default $FCDEPLOY_HOME or ~/.local/share/fcdeploy)")
	cmd.Flags().StringVar(&opts.keyID, "access-key-id", "", "accept this access key id (with --access-key-secret)")
	cmd.Flags().StringVar(&opts.keySecret, "access-key-secret", "", "the secret of --access-key-id (or $"+serveSecretEnv+")")
	cmd.Flags().StringArrayVar(&opts.accounts, "account", nil, "an account `ID` the --access-key-id key may use (repeatable; the first is the default account)")
	cmd.Flags().IntVar(&opts.maxProvisioned, "max-provisioned", 2, "at most `N` warm instances per provision config (0: store provision configs, keep none)")
	cmd.Flags().StringVar(&opts.faults, "faults", "", "inject faults: `SPEC` like 429=5%,503=5%,reset=2%,latency=30ms,jitter=10ms (or $"+localfc.FaultsEnv+")")
	cmd.Flags().Float64Var(&opts.rateLimit, "rate-limit", 0, "throttle each account to `N` API requests per second (0: no limit)")
	cmd.Flags().IntVar(&opts.rateLimitBurst, "rate-limit-burst", 0, "requests an account may send at once under --rate-limit (default: one second's worth)")
	cmd.Flags().IntVar(&opts.rateLimitStatus, "rate-limit-status", 429, "answer over --rate-limit with 429 (ResourceExhausted) or 503 (ResourceThrottled)")
	return cmd
}

func runServe(ctx context.Context, opts *serveOptions, streams *IOStreams) error {
	if (opts.keyID == "") != (opts.keySecret == "") {
		return fmt.Errorf("serve: --access-key-id and --access-key-secret (or $%s) go together; give both or neither", serveSecretEnv)
	}
	for _, a := range opts.accounts {
		if err := localfc.ValidateAccountID(a); err != nil {
			return fmt.Errorf("serve: --account: %w", err)
		}
	}
	if opts.maxProvisioned < 0 {
		return fmt.Errorf("serve: --max-provisioned %d: give 0 or more instances", opts.maxProvisioned)
	}
	faults, err := localfc.ParseFaults(opts.faults)
	if err != nil {
		return fmt.Errorf("serve: --faults (or $%s): %w", localfc.FaultsEnv, err)
	}
	var limiter *localfc.RateLimiter
	if opts.rateLimit < 0 {
		return fmt.Errorf("serve: --rate-limit %g: give a positive number of requests per second (0: no limit)", opts.rateLimit)
	}
	if opts.rateLimit > 0 {
		limiter, err = localfc.NewRateLimiter(opts.rateLimit, localfc.RateLimitOptions{Burst: opts.rateLimitBurst, Status: opts.rateLimitStatus})
		if err != nil {
			return fmt.Errorf("serve: --rate-limit: %w", err)
		}
	}
	dataDir := opts.dataDir
	if dataDir == "" {
		d, err := localfc.DefaultDataDir()
		if err != nil {
			return fmt.Errorf("serve: %w", err)
		}
		dataDir = d
	}
	// The data directory's own pair is always accepted, so other fcdeploy
	// commands on this directory (localfc.Connect) can use this server.
	dirKeys, created, err := localfc.LoadOrCreateKeys(dataDir)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	creds := map[string]string{dirKeys.AccessKeyID: dirKeys.AccessKeySecret}
	keyAccounts, err := localfc.LoadKeyAccounts(dataDir)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defaultAccount := localfc.DefaultAccountID
	if len(opts.accounts) > 0 {
		defaultAccount = opts.accounts[0]
	}
	if opts.keyID != "" {
		creds[opts.keyID] = opts.keySecret
		// The key given on the command line reaches the --account accounts,
		// else the default account only.
		keyAccounts[opts.keyID] = []string{defaultAccount}
		if len(opts.accounts) > 0 {
			keyAccounts[opts.keyID] = opts.accounts
		}
	}

	st, err := store.Open(filepath.Join(dataDir, localfc.StoreFileName))
	if err != nil {
		if errors.Is(err, store.ErrLocked) {
			if info, rerr := localfc.ReadServerInfo(dataDir); rerr == nil {
				return fmt.Errorf("serve %s: already served at %s by process %d: %w", dataDir, info.URL, info.PID, err)
			}
		}
		return fmt.Errorf("serve %s: %w", dataDir, err)
	}
	defer st.Close()

	ln, err := net.Listen("tcp", listenAddr(opts.addr))
	if err != nil {
		return fmt.Errorf("serve: listen on %s: %w", opts.addr, err)
	}
	url := "http://" + dialAddr(ln.Addr().(*net.TCPAddr))
	if err := localfc.WriteServerInfo(dataDir, url); err != nil {
		ln.Close()
		return fmt.Errorf("serve: %w", err)
	}
	defer localfc.RemoveServerInfo(dataDir)

	printServeBanner(streams, url, dataDir, opts, defaultAccount, dirKeys.AccessKeyID, created)
	if faults.Active() {
		fmt.Fprintf(streams.Out, "faults: %s\n", faults)
	}
	if limiter != nil {
		fmt.Fprintf(streams.Out, "rate limit: %s\n", limiter)
	}
	if err := printServedTriggers(ctx, streams, st, url, defaultAccount); err != nil {
		ln.Close()
		return fmt.Errorf("serve %s: %w", dataDir, err)
	}

	logger := slog.New(slog.NewTextHandler(streams.ErrOut, nil))
	pool, err := localfc.NewRuntimePool(dataDir, logger, opts.maxProvisioned)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer pool.Close()
	handler := localfc.New(localfc.Config{
		Store: st, Credentials: creds, KeyAccounts: keyAccounts, DefaultAccount: defaultAccount, Logger: logger,
		Runtime: pool, Logs: localfc.NewInvocationLogs(dataDir),
		NoProvisioning: opts.maxProvisioned == 0, RateLimit: limiter,
	})
	stopBackground := handler.StartBackground()
	defer stopBackground()
	srv := localfc.NewHTTPServer(faults.Wrap(handler), logger)
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	if opts.ready != nil {
		opts.ready(url)
	}

	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down", slog.String("url", url))
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	fmt.Fprintf(streams.Out, "fcdeploy serve: stopped (%s, data: %s)\n", url, dataDir)
	return nil
}

// listenAddr binds 127.0.0.1 unless the address names a host.
func listenAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host != "" {
		return addr
	}
	return net.JoinHostPort("127.0.0.1", port)
}

// dialAddr is how clients reach a listener: a wildcard bind is reached
// through loopback.
func dialAddr(a *net.TCPAddr) string {
	ip := a.IP
	if ip == nil || ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return net.JoinHostPort(ip.String(), fmt.Sprint(a.Port))
}

// printServeBanner says once how to use the server. The secret is printed
// only when this run created it; a secret given by flag is never echoed.
func printServeBanner(streams *IOStreams, url, dataDir string, opts *serveOptions, defaultAccount, dirKeyID string, created bool) {
	out := streams.Out
	fmt.Fprintf(out, "Local Function Compute listening on %s (data: %s)\n\n", url, dataDir)
	fmt.Fprintf(out, "Use it with --endpoint %s --account-id %s --region %s, and:\n", url, defaultAccount, localfc.DefaultRegion)
	credFile := filepath.Join(dataDir, localfc.CredentialsFileName)
	// The secret itself is never printed (it would end up in terminal
	// scrollback and CI logs): the line reads it from the 0600 file.
	readSecret := fmt.Sprintf(`"$(sed -n 's/.*"accessKeySecret": *"\([^"]*\)".*/\1/p' %s)"`, credFile)
	switch {
	case opts.keyID != "":
		fmt.Fprintf(out, "  export ALIBABA_CLOUD_ACCESS_KEY_ID=%s\n", opts.keyID)
		fmt.Fprintf(out, "  export ALIBABA_CLOUD_ACCESS_KEY_SECRET=<the secret you gave>\n")
		fmt.Fprintf(out, "(the key pair in %s is accepted too)\n", credFile)
	default:
		fmt.Fprintf(out, "  export ALIBABA_CLOUD_ACCESS_KEY_ID=%s\n", dirKeyID)
		fmt.Fprintf(out, "  export ALIBABA_CLOUD_ACCESS_KEY_SECRET=%s\n", readSecret)
		if created {
			fmt.Fprintf(out, "(a key pair was just created in %s, mode 0600)\n", credFile)
		}
	}
	fmt.Fprintf(out, "fcdeploy commands using this data directory need none of this: they find the server and its keys.\n")
}

// printCustomDomains lists the custom domains the server answers as it
// starts (ones created later are answered too), each with its routes: a
// request reaches one by carrying its name as Host. It returns how many
// there are.
func printCustomDomains(ctx context.Context, streams *IOStreams, st store.CustomDomainStore, url string) int {
	domains, err := st.AllCustomDomains(ctx)
	if err != nil || len(domains) == 0 {
		return 0
	}
	fmt.Fprintf(streams.Out, "\nCustom domains answered here (send the name as Host):\n")
	for _, d := range domains {
		fmt.Fprintf(streams.Out, "  %s  (curl -H 'Host: %s' %s/)\n", d.DomainName, d.DomainName, url)
		for _, r := range d.RouteConfig.Routes {
			target := r.ServiceName
			if r.Qualifier != "" && r.Qualifier != fc.QualifierLatest {
				target += "." + r.Qualifier
			}
			line := fmt.Sprintf("    %s -> %s/%s", r.Path, target, r.FunctionName)
			if len(r.Methods) > 0 {
				line += " (" + strings.Join(r.Methods, ", ") + ")"
			}
			fmt.Fprintln(streams.Out, line)
		}
	}
	return len(domains)
}

// servedTriggers are what a serve start announces: where HTTP triggers
// answer and which timers run.
type servedTriggers struct {
	HTTP   []string // "shop/web  GET, POST (anonymous)  URL"
	Timers []string // "shop/api/nightly  0 0 2 * * *  (qualifier live)"
}

// describeTriggers turns the store's triggers into the lines serve prints.
// An HTTP trigger of another account than the default one is reached with
// that account in x-fc-account-id, which the line says.
func describeTriggers(refs []store.TriggerRef, url, defaultAccount string) servedTriggers {
	var out servedTriggers
	for _, r := range refs {
		t := r.Trigger
		name := r.ServiceName + "/" + r.FunctionName + "/" + t.TriggerName
		if r.AccountID != defaultAccount {
			name = "account " + r.AccountID + ": " + name
		}
		target := r.ServiceName
		if t.Qualifier != "" && t.Qualifier != fc.QualifierLatest {
			target += "." + t.Qualifier
		}
		switch t.TriggerType {
		case "http":
			var cfg fc.HTTPTriggerConfig
			_ = json.Unmarshal(t.TriggerConfig, &cfg)
			line := fmt.Sprintf("%s/2016-08-15/proxy/%s/%s/  %s", url, target, r.FunctionName, name)
			var notes []string
			if len(cfg.Methods) > 0 {
				notes = append(notes, strings.Join(cfg.Methods, ", "))
			}
			if cfg.AuthType != "" && cfg.AuthType != "anonymous" {
				notes = append(notes, "signed requests only (authType "+cfg.AuthType+")")
			}
			if r.AccountID != defaultAccount {
				notes = append(notes, "send x-fc-account-id: "+r.AccountID)
			}
			if len(notes) > 0 {
				line += " (" + strings.Join(notes, "; ") + ")"
			}
			out.HTTP = append(out.HTTP, line)
		case "timer":
			var cfg fc.TimerTriggerConfig
			_ = json.Unmarshal(t.TriggerConfig, &cfg)
			state := ""
			if !cfg.Enable {
				state = ", disabled"
			}
			out.Timers = append(out.Timers, fmt.Sprintf("%s  %q -> %s/%s%s", name, cfg.CronExpression, target, r.FunctionName, state))
		}
	}
	return out
}

// printServedTriggers prints what the store serves: the HTTP triggers, the
// custom domains with their routes, and the timers.
func printServedTriggers(ctx context.Context, streams *IOStreams, st store.Store, url, defaultAccount string) error {
	refs, err := st.AllTriggers(ctx)
	if err != nil {
		return err
	}
	d := describeTriggers(refs, url, defaultAccount)
	out := streams.Out
	if len(d.HTTP) > 0 {
		fmt.Fprintln(out, "\nHTTP triggers:")
		for _, l := range d.HTTP {
			fmt.Fprintln(out, "  "+l)
		}
	}
	domains := printCustomDomains(ctx, streams, st, url)
	if len(d.Timers) > 0 {
		fmt.Fprintln(out, "\nTimer triggers (run while serve runs):")
		for _, l := range d.Timers {
			fmt.Fprintln(out, "  "+l)
		}
	}
	if len(d.HTTP) == 0 && len(d.Timers) == 0 && domains == 0 {
		fmt.Fprintln(out, "\nNo HTTP or timer triggers and no custom domains yet: deploy some with fcdeploy apply.")
	}
	return nil
}
