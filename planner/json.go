package planner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// planJSON has Plan's fields without its methods, so that MarshalJSON can
// encode it without recursing.
type planJSON Plan

// MarshalJSON encodes the plan in the versioned plan file format, with
// every sensitive value replaced by its SecretDigest under the plan's
// salt (a plan without one gets one: the salt is written with the plan).
// The receiver is a value so that a Plan encoded by value is redacted too.
func (p Plan) MarshalJSON() ([]byte, error) {
	if p.SecretSalt == "" {
		p.SecretSalt = NewSalt()
	}
	return p.marshal(func(v string) string { return SecretDigest(p.SecretSalt, v) }, false)
}

// marshal encodes the plan with sensitive values hidden by hide; public
// says hide keeps nothing of them (so digests read from a file go too).
func (p *Plan) marshal(hide func(string) string, public bool) ([]byte, error) {
	out := planJSON(*p)
	out.Changes = make([]Change, len(p.Changes))
	for i, c := range p.Changes {
		out.Changes[i] = redact(c, hide, public)
	}
	if out.Changes == nil {
		out.Changes = []Change{}
	}
	if out.NotManaged == nil {
		out.NotManaged = []string{}
	}
	return json.Marshal(out)
}

// redact returns c with its sensitive values hidden by hide (a copy: c's
// maps and slices are not modified).
func redact(c Change, hide func(string) string, public bool) Change {
	if c.redacted {
		if !public {
			return c // values are digests already
		}
		// A plan file shown as plan output: not even the digests.
		hide = func(string) string { return SensitivePlaceholder }
	}
	if c.FunctionInput != nil && len(c.Sensitive) > 0 {
		in := *c.FunctionInput
		in.EnvironmentVariables = maps.Clone(in.EnvironmentVariables)
		for _, k := range c.Sensitive {
			if v, ok := in.EnvironmentVariables[k]; ok {
				in.EnvironmentVariables[k] = hide(v)
			}
		}
		c.FunctionInput = &in
	}
	if slices.ContainsFunc(c.FieldChanges, func(f FieldChange) bool { return f.Sensitive }) {
		fcs := slices.Clone(c.FieldChanges)
		for i := range fcs {
			if fcs[i].Sensitive {
				fcs[i].Before = hideValue(fcs[i].Before, hide)
				fcs[i].After = hideValue(fcs[i].After, hide)
			}
		}
		c.FieldChanges = fcs
	}
	return c
}

func hideValue(v any, hide func(string) string) any {
	if v == nil {
		return nil
	}
	if s, ok := v.(string); ok {
		return hide(s)
	}
	b, _ := json.Marshal(v)
	return hide(string(b))
}

// WritePublicPlan writes p as indented plan JSON for people and tools to
// read (plan --format json): the plan file format, each sensitive value
// replaced by SensitivePlaceholder, without digest nor salt (without the
// salt, even the fingerprint, which covers the digests, gives no handle on
// a secret). It cannot be applied (FillSecrets says so); plan --out writes
// plans to apply.
func WritePublicPlan(w io.Writer, p *Plan) error {
	c := *p
	c.SecretSalt = ""
	b, err := c.marshal(func(string) string { return SensitivePlaceholder }, true)
	if err == nil {
		var buf bytes.Buffer
		if err = json.Indent(&buf, b, "", "  "); err == nil {
			b = append(buf.Bytes(), '\n')
		}
	}
	if err != nil {
		return fmt.Errorf("plan: encode: %w", err)
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("plan: write: %w", err)
	}
	return nil
}

// WritePlan writes p as an indented plan file.
func WritePlan(w io.Writer, p *Plan) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("plan: encode: %w", err)
	}
	b = append(b, '\n')
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("plan: write: %w", err)
	}
	return nil
}

// FormatError says a plan file's format_version is not one this version
// of fcdeploy reads.
type FormatError struct {
	Version string
}

func (e *FormatError) Error() string {
	if e.Version == "" {
		return "plan file: no format_version: this is not an fcdeploy plan file"
	}
	return fmt.Sprintf("plan file: format_version %q is not supported (this fcdeploy reads %s.x): make the plan again with this fcdeploy", e.Version, FormatVersion)
}

// ReadPlan reads a plan file. Its sensitive values are hashes until
// FillSecrets restores them.
func ReadPlan(r io.Reader) (*Plan, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("plan file: read: %w", err)
	}
	var head struct {
		FormatVersion string `json:"format_version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("plan file: not valid JSON: %w", err)
	}
	major, _, _ := strings.Cut(head.FormatVersion, ".")
	if major != FormatVersion {
		return nil, &FormatError{Version: head.FormatVersion}
	}
	var p planJSON
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("plan file: %w", err)
	}
	for i := range p.Changes {
		c := &p.Changes[i]
		c.redacted = len(c.Sensitive) > 0 ||
			slices.ContainsFunc(c.FieldChanges, func(f FieldChange) bool { return f.Sensitive })
	}
	plan := Plan(p)
	return &plan, nil
}

// PendingSecrets lists the secrets a plan read from a file still lacks, as
// "function shop/checkout: DB_PASSWORD".
func (p *Plan) PendingSecrets() []string {
	var out []string
	for _, c := range p.Changes {
		if !c.redacted || c.FunctionInput == nil {
			continue
		}
		for _, k := range c.Sensitive {
			if _, ok := c.FunctionInput.EnvironmentVariables[k]; ok {
				out = append(out, c.Subject()+": "+k)
			}
		}
	}
	return out
}

// SecretChangedError says a secret's value differs from the one a saved
// plan was made with.
type SecretChangedError struct {
	Subject, Key string
}

func (e *SecretChangedError) Error() string {
	return fmt.Sprintf("%s: the value of secret environment variable %s differs from the one the plan was made with: run plan again", e.Subject, e.Key)
}

// FillSecrets puts the real values of sensitive environment variables back
// into a plan read from a file, taking them from d (rebuilt from the
// manifest and the current environment). Each value must hash to what the
// plan recorded, else a *SecretChangedError: the plan would not apply what
// was reviewed.
func (p *Plan) FillSecrets(d *Desired) error {
	functions := map[string]*DesiredFunction{}
	for i := range d.Services {
		for j := range d.Services[i].Functions {
			f := &d.Services[i].Functions[j]
			functions[d.Services[i].Name+"/"+f.Name] = f
		}
	}
	for i := range p.Changes {
		c := &p.Changes[i]
		if !c.redacted {
			continue
		}
		if c.FunctionInput != nil {
			df := functions[c.Service+"/"+c.Function]
			if df == nil {
				return fmt.Errorf("%s: not in the desired state, so its secrets cannot be restored: run plan again", c.Subject())
			}
			env := maps.Clone(c.FunctionInput.EnvironmentVariables)
			for _, k := range c.Sensitive {
				hashed, ok := env[k]
				if !ok {
					continue
				}
				if strings.HasPrefix(hashed, "sha256:") {
					return fmt.Errorf("%s: the plan holds a bare hash of secret %s (saved by an older fcdeploy): make the plan again", c.Subject(), k)
				}
				if hashed == SensitivePlaceholder {
					return fmt.Errorf("%s: the plan holds no digest of secret %s (it is plan output, not a file written by plan --out): save the plan with plan --out FILE", c.Subject(), k)
				}
				v, ok := df.Config.EnvironmentVariables[k]
				if !ok || SecretDigest(p.SecretSalt, v) != hashed {
					return &SecretChangedError{Subject: c.Subject(), Key: k}
				}
				env[k] = v
			}
			in := *c.FunctionInput
			in.EnvironmentVariables = env
			c.FunctionInput = &in
			for j := range c.FieldChanges {
				f := &c.FieldChanges[j]
				key, isEnv := strings.CutPrefix(f.Path, "environmentVariables.")
				if f.Sensitive && isEnv && f.After != nil {
					if v, ok := env[key]; ok {
						f.After = v
					}
				}
			}
		}
		c.redacted = false
	}
	return nil
}
