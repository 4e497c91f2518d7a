package planner

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Fingerprint is a hash of everything a plan was computed from on the
// desired side: the configuration after interpolation and the code
// checksums. A saved plan records it; applying the plan later recomputes
// it from the manifest and refuses when it differs (the manifest, the
// variables or the code changed since). Secret values enter the hash only
// as their SecretDigest under the plan's salt, so the fingerprint is no
// shortcut for guessing them.
func Fingerprint(d *Desired, salt string) string {
	var secrets []string
	for _, s := range d.Services {
		for _, f := range s.Functions {
			for _, k := range f.sensitiveKeys() {
				if v, ok := f.Config.EnvironmentVariables[k]; ok {
					secrets = append(secrets, v)
				}
			}
		}
	}
	warmDigests(salt, secrets)
	c := Desired{Project: d.Project, Services: slices.Clone(d.Services), Layers: d.Layers, CustomDomains: d.CustomDomains}
	slices.SortFunc(c.Services, func(a, b DesiredService) int { return strings.Compare(a.Name, b.Name) })
	for i := range c.Services {
		s := &c.Services[i]
		s.Functions = slices.Clone(s.Functions)
		slices.SortFunc(s.Functions, func(a, b DesiredFunction) int { return strings.Compare(a.Name, b.Name) })
		for j := range s.Functions {
			f := &s.Functions[j]
			secret := f.sensitiveKeys()
			f.Config.EnvironmentVariables = maps.Clone(f.Config.EnvironmentVariables)
			f.Sensitive = maps.Clone(f.Sensitive)
			for _, k := range secret {
				if v, ok := f.Config.EnvironmentVariables[k]; ok {
					f.Config.EnvironmentVariables[k] = SecretDigest(salt, v)
				}
				// Marked or only secret by its name: the same plan.
				if !f.Sensitive[k] {
					if f.Sensitive == nil {
						f.Sensitive = map[string]bool{}
					}
					f.Sensitive[k] = true
				}
			}
			f.Triggers = slices.Clone(f.Triggers)
			slices.SortFunc(f.Triggers, func(a, b DesiredTrigger) int { return strings.Compare(a.Name, b.Name) })
		}
		s.Aliases = slices.Clone(s.Aliases)
		slices.SortFunc(s.Aliases, func(a, b DesiredAlias) int { return strings.Compare(a.Name, b.Name) })
	}
	b, err := json.Marshal(c)
	if err != nil {
		// Desired holds only encodable values; a failure here is a bug
		// worth a fingerprint that never matches.
		return "sha256:unencodable:" + err.Error()
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// StalePlanError says a saved plan cannot be applied as it is: it was made
// for another target, or from a desired state that has changed since.
// Callers exit with code 3 (like a conflict): run plan again.
type StalePlanError struct {
	Reason string
}

func (e *StalePlanError) Error() string {
	return "plan file: " + e.Reason + ": run plan again"
}

// CheckApplicable refuses a saved plan made for another account, region or
// endpoint than target, or whose fingerprint differs from the one of the
// desired state now (see Fingerprint).
func (p *Plan) CheckApplicable(target Target, fingerprint string) error {
	switch {
	case p.Target.AccountID != target.AccountID || p.Target.Region != target.Region || p.Target.Endpoint != target.Endpoint:
		return &StalePlanError{Reason: fmt.Sprintf("it was made for account %q, region %q, endpoint %q, not account %q, region %q, endpoint %q",
			p.Target.AccountID, p.Target.Region, p.Target.Endpoint, target.AccountID, target.Region, target.Endpoint)}
	case p.Fingerprint != fingerprint:
		return &StalePlanError{Reason: "the manifest, its variables or the code changed since it was made"}
	}
	return nil
}
