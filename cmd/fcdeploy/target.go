package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc"
	"github.com/fcdeploy/fcdeploy/manifest"
)

// targetOptions are the flags every command that talks to Function Compute
// takes (design.md, "Target selection").
type targetOptions struct {
	env       string
	endpoint  string
	accountID string
	region    string
}

func addTargetFlags(cmd *cobra.Command, o *targetOptions) {
	f := cmd.Flags()
	f.StringVar(&o.env, "env", "", "environment `NAME` to target (an entry of environments: in fcdeploy.yaml)")
	f.StringVar(&o.endpoint, "endpoint", "", "Function Compute endpoint `URL` (or host:port; http:// for loopback), or \"local\" for the embedded one (overrides the environment)")
	f.StringVar(&o.accountID, "account-id", "", "account id (overrides the environment)")
	f.StringVar(&o.region, "region", "", "region (overrides the environment)")
}

// target is a connected Function Compute: where it is and a client for it.
type target struct {
	EnvName   string
	Endpoint  string
	AccountID string
	Region    string
	// Embedded is set for the local Function Compute of $FCDEPLOY_HOME.
	Embedded bool
	DataDir  string
	// Creds names the variables holding the credentials (not embedded).
	Creds   manifest.Credentials
	Client  *fc.Client
	closeFn func() error
}

// Close releases an embedded instance started for this command.
func (t *target) Close() error {
	if t.closeFn == nil {
		return nil
	}
	return t.closeFn()
}

// String names the target so that output says what will change before
// anything does.
func (t *target) String() string {
	var b strings.Builder
	if t.EnvName != "" {
		fmt.Fprintf(&b, "environment %s: ", t.EnvName)
	}
	if t.Embedded {
		fmt.Fprintf(&b, "embedded local Function Compute (%s), ", t.DataDir)
	} else {
		fmt.Fprintf(&b, "endpoint %s, ", t.Endpoint)
	}
	fmt.Fprintf(&b, "account %s, region %s", t.AccountID, t.Region)
	return b.String()
}

// connect resolves the target from flags and the selected environment of
// proj (which may be nil for commands that have no manifest) and opens a
// client for it.
func (o *targetOptions) connect(ctx context.Context, proj *manifest.Project) (*target, error) {
	t := &target{}
	var creds manifest.Credentials
	if proj != nil && proj.Env != nil {
		e := proj.Env
		t.EnvName, t.Endpoint, t.AccountID, t.Region, creds = e.Name, e.Endpoint, e.AccountID, e.Region, e.Credentials
	} else if o.env != "" {
		return nil, fmt.Errorf("environment %q: no fcdeploy.yaml was loaded to define it", o.env)
	}
	if o.endpoint != "" {
		e, err := normalizeEndpoint(o.endpoint)
		if err != nil {
			return nil, err
		}
		t.Endpoint = e
	}
	if o.accountID != "" {
		t.AccountID = o.accountID
	}
	if o.region != "" {
		t.Region = o.region
	}
	if t.EnvName == "" && o.endpoint == "" || t.Endpoint == manifest.EndpointLocal {
		return t.connectEmbedded(ctx)
	}
	if t.Endpoint == "" {
		if t.AccountID == "" || t.Region == "" {
			return nil, fmt.Errorf("target %s: set endpoint, or accountId and region, in the environment or with --endpoint/--account-id/--region", t.describeName())
		}
		t.Endpoint = fmt.Sprintf("https://%s.%s.fc.aliyuncs.com", t.AccountID, t.Region)
	}
	t.Creds = creds
	return t.connectRemote(ctx)
}

// connectRemote opens a client for a target with an endpoint URL, taking
// the credentials from the variables t.Creds names.
func (t *target) connectRemote(ctx context.Context) (*target, error) {
	t.Creds = withDefaultNames(t.Creds)
	c, err := credentialsFromEnv(t.Creds)
	if err != nil {
		return nil, fmt.Errorf("target %s: %w", t.describeName(), err)
	}
	t.Client, err = fc.NewClient(fc.Config{Endpoint: t.Endpoint, AccountID: t.AccountID, Region: t.Region, Credentials: c, UserAgent: "fcdeploy", RetryFor: retryFor(ctx)})
	if err != nil {
		return nil, fmt.Errorf("target %s: %w", t.describeName(), err)
	}
	return t, nil
}

// withDefaultNames fills the credential variable names an environment
// leaves out with the ALIBABA_CLOUD_* defaults.
func withDefaultNames(names manifest.Credentials) manifest.Credentials {
	if names.AccessKeyIDEnv == "" {
		names.AccessKeyIDEnv = manifest.DefaultAccessKeyIDEnv
	}
	if names.AccessKeySecretEnv == "" {
		names.AccessKeySecretEnv = manifest.DefaultAccessKeySecretEnv
	}
	if names.SecurityTokenEnv == "" {
		names.SecurityTokenEnv = manifest.DefaultSecurityTokenEnv
	}
	return names
}

func (t *target) describeName() string {
	if t.EnvName != "" {
		return "environment " + t.EnvName
	}
	return t.Endpoint
}

// embedded instances are shared within the process: two targets on the
// same data directory (a promotion between two local accounts) must use one
// store, which only one opener may hold.
var embedded struct {
	sync.Mutex
	byDir map[string]*sharedEmbedded
}

type sharedEmbedded struct {
	lt   *localfc.Target
	refs int
}

func openEmbedded(ctx context.Context, dir string) (*localfc.Target, func() error, error) {
	embedded.Lock()
	defer embedded.Unlock()
	if embedded.byDir == nil {
		embedded.byDir = map[string]*sharedEmbedded{}
	}
	se := embedded.byDir[dir]
	if se == nil {
		lt, err := localfc.Connect(ctx, dir)
		if err != nil {
			return nil, nil, err
		}
		se = &sharedEmbedded{lt: lt}
		embedded.byDir[dir] = se
	}
	se.refs++
	release := func() error {
		embedded.Lock()
		defer embedded.Unlock()
		if se.refs--; se.refs > 0 {
			return nil
		}
		delete(embedded.byDir, dir)
		return se.lt.Close()
	}
	return se.lt, release, nil
}

func (t *target) connectEmbedded(ctx context.Context) (*target, error) {
	dir, err := localfc.DefaultDataDir()
	if err != nil {
		return nil, err
	}
	lt, release, err := openEmbedded(ctx, dir)
	if err != nil {
		return nil, err
	}
	t.Embedded, t.DataDir, t.Endpoint = true, dir, lt.Endpoint
	if t.AccountID == "" {
		t.AccountID = lt.AccountID
	}
	if t.Region == "" {
		t.Region = lt.Region
	}
	t.closeFn = release
	t.Client, err = fc.NewClient(fc.Config{Endpoint: lt.Endpoint, AccountID: t.AccountID, Region: t.Region, Credentials: lt.Credentials, UserAgent: "fcdeploy", RetryFor: retryFor(ctx)})
	if err != nil {
		release()
		return nil, err
	}
	return t, nil
}

// credentialsFromEnv reads credentials from the variables an environment
// names (ALIBABA_CLOUD_* by default). The error names the variables, never
// their values.
func credentialsFromEnv(names manifest.Credentials) (fc.Credentials, error) {
	names = withDefaultNames(names)
	c := fc.Credentials{
		AccessKeyID:     os.Getenv(names.AccessKeyIDEnv),
		AccessKeySecret: os.Getenv(names.AccessKeySecretEnv),
		SecurityToken:   os.Getenv(names.SecurityTokenEnv),
	}
	var missing []string
	if c.AccessKeyID == "" {
		missing = append(missing, names.AccessKeyIDEnv)
	}
	if c.AccessKeySecret == "" {
		missing = append(missing, names.AccessKeySecretEnv)
	}
	if len(missing) > 0 {
		return c, errors.New("credentials missing: set " + strings.Join(missing, " and "))
	}
	return c, nil
}
