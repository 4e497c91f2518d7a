package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/planner"
)

// localEndpointPrefix starts the endpoint a plan records for the embedded
// local Function Compute: "local:DATADIR".
const localEndpointPrefix = "local:"

// checkPlanTargetFlags refuses target flags that contradict the target a
// saved plan records: a plan applies where it was made, and a flag that
// says otherwise is a mistake to report, not to obey.
func checkPlanTargetFlags(path string, o targetOptions, pt planner.Target) error {
	recordedEndpoint := pt.Endpoint
	if strings.HasPrefix(recordedEndpoint, localEndpointPrefix) {
		recordedEndpoint = manifest.EndpointLocal
	}
	var differ []string
	check := func(flag, given, recorded string) {
		if given != "" && given != recorded {
			if recorded == "" {
				recorded = "(none)"
			}
			differ = append(differ, fmt.Sprintf("--%s %s, but the plan was made for %s", flag, given, recorded))
		}
	}
	check("env", o.env, pt.Env)
	check("endpoint", strings.TrimSuffix(o.endpoint, "/"), strings.TrimSuffix(recordedEndpoint, "/"))
	check("account-id", o.accountID, pt.AccountID)
	check("region", o.region, pt.Region)
	if len(differ) > 0 {
		return fmt.Errorf("plan file %s: %s; a saved plan applies to the target it records: drop the flag, or make a plan for that target", path, strings.Join(differ, "; "))
	}
	return nil
}

// connectPlanTarget connects to the target a saved plan records, taking
// the credentials from the variables it names. fallback names them for plan
// files written before targets recorded their credential variables.
func connectPlanTarget(ctx context.Context, pt planner.Target, fallback manifest.Credentials) (*target, error) {
	t := &target{EnvName: pt.Env, Endpoint: pt.Endpoint, AccountID: pt.AccountID, Region: pt.Region}
	if strings.HasPrefix(pt.Endpoint, localEndpointPrefix) || pt.Endpoint == manifest.EndpointLocal {
		// The data directory is $FCDEPLOY_HOME's; CheckApplicable refuses
		// the plan when it is not the one recorded.
		return t.connectEmbedded(ctx)
	}
	if pt.Credentials != nil {
		t.Creds = manifest.Credentials{
			AccessKeyIDEnv:     pt.Credentials.AccessKeyIDEnv,
			AccessKeySecretEnv: pt.Credentials.AccessKeySecretEnv,
			SecurityTokenEnv:   pt.Credentials.SecurityTokenEnv,
		}
	} else {
		t.Creds = fallback
	}
	return t.connectRemote(ctx)
}

// checkPlanLive reads the live state a saved plan depends on and refuses
// the plan when it changed since (applied already, or overtaken), before
// anything is written.
func checkPlanLive(ctx context.Context, t *target, plan *planner.Plan) error {
	live, err := planner.ReadLive(ctx, t.Client, plan.Services(), planner.ReadOptions{Target: t.planTarget(), AsyncConfigsOf: plan.RecordedAsyncConfigs(), ClaimedBy: plan.Project})
	if err != nil {
		return fmt.Errorf("reading the live state from %s: %w", t, err)
	}
	if err := plan.CheckLive(live); err != nil {
		return withExitCode(exitConflict, err)
	}
	return nil
}
