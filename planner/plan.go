package planner

import (
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
)

// FormatVersion is the version of the plan file format written by this
// package. Readers accept any 1.x.
const FormatVersion = "1"

// Action is what a plan does to one resource. Its values are stable strings
// used in the plan file.
type Action string

// Plan-time actions.
const (
	ActionCreate Action = "create"
	ActionUpdate Action = "update"
	ActionDelete Action = "delete"
	// ActionReplace deletes and re-creates a resource whose changed field
	// cannot be updated in place (a trigger's type).
	ActionReplace Action = "replace"
	// ActionPublish publishes a new version of a service.
	ActionPublish Action = "publish"
	ActionNoOp    Action = "no-op"
)

// Kind is the type of resource a change is about.
type Kind string

// Resource kinds.
const (
	KindService  Kind = "service"
	KindFunction Kind = "function"
	KindTrigger  Kind = "trigger"
	KindVersion  Kind = "version"
	KindAlias    Kind = "alias"
	// Kinds of today's API (current.go).
	KindLayer        Kind = "layer"
	KindCustomDomain Kind = "custom_domain"
	KindAsyncConfig  Kind = "async_config"
	KindProvision    Kind = "provision"
)

// Target names the account a plan was made for. A saved plan is applied
// to this target: apply PLANFILE connects to it without the target flags.
type Target struct {
	// Endpoint is the API URL, or "local:DIR" for the embedded local
	// Function Compute whose data lives in DIR.
	Endpoint  string `json:"endpoint"`
	AccountID string `json:"account_id"`
	Region    string `json:"region"`
	Env       string `json:"env,omitempty"`
	// Credentials names the environment variables that hold the target's
	// credentials (never their values); nil for the embedded instance and
	// in plan files written before it was recorded.
	Credentials *CredentialNames `json:"credentials,omitempty"`
}

// CredentialNames are the names of the environment variables holding a
// target's credentials.
type CredentialNames struct {
	AccessKeyIDEnv     string `json:"access_key_id_env"`
	AccessKeySecretEnv string `json:"access_key_secret_env"`
	SecurityTokenEnv   string `json:"security_token_env,omitempty"`
}

// Plan is an ordered list of changes: applying them in order (or in
// parallel where DependsOn allows) brings the live state to the desired one.
type Plan struct {
	FormatVersion string   `json:"format_version"`
	Project       string   `json:"project"`
	Target        Target   `json:"target"`
	Changes       []Change `json:"changes"`
	NoOps         int      `json:"no_ops"`
	NotManaged    []string `json:"not_managed"`
	Fingerprint   string   `json:"fingerprint"`
	// SecretSalt salts the digests of the plan's sensitive values (see
	// SecretDigest); every plan has its own.
	SecretSalt string    `json:"secret_salt,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	// Prune records whether the plan deletes resources absent from the
	// desired state (otherwise they are listed in NotManaged).
	Prune bool `json:"prune"`
	// Manifest is the path of the manifest the plan was made from, so that
	// apply PLANFILE can re-read the secrets and code it refers to.
	Manifest string `json:"manifest,omitempty"`
	// PromotedFrom names the environment whose live code a promotion plan
	// deploys; Artifacts the artifacts.json it was checked against.
	PromotedFrom string `json:"promoted_from,omitempty"`
	Artifacts    string `json:"artifacts,omitempty"`
	// LiveETags is what the plan was made against: a stamp of every
	// service, function, trigger and alias read (its ETag, or its
	// modification time where a list carried no ETag), and the newest
	// version of each service (see RecordLive). Applying a saved plan first checks it
	// against the live state, so a plan applied already, or overtaken by
	// another change, is refused before any write. Empty when nothing was
	// live; null when not recorded (plan files of older versions).
	LiveETags map[string]string `json:"live_etags"`
	// Only lists the SERVICE or SERVICE/FUNCTION the plan was limited to
	// (see Plan.Limit); empty for a whole plan.
	Only []string `json:"only,omitempty"`
}

// Change is one step of a plan.
type Change struct {
	Address  string `json:"address"`
	Kind     Kind   `json:"kind"`
	Action   Action `json:"action"`
	Service  string `json:"service"`
	Function string `json:"function,omitempty"`
	// Name is the trigger, alias or version id the change is about.
	Name         string        `json:"name,omitempty"`
	FieldChanges []FieldChange `json:"field_changes,omitempty"`
	// ETag is the resource's ETag seen at plan time, sent as If-Match by
	// updates and deletes. For a publish it is the service's ETag.
	ETag      string      `json:"etag,omitempty"`
	Code      *CodeChange `json:"code,omitempty"`
	DependsOn []string    `json:"depends_on,omitempty"`

	// The full input to send. Function inputs carry no code: the applier
	// adds it when Code.Upload is set.
	ServiceInput  *fc.ServiceInput  `json:"service_input,omitempty"`
	FunctionInput *fc.FunctionInput `json:"function_input,omitempty"`
	TriggerInput  *fc.TriggerInput  `json:"trigger_input,omitempty"`
	AliasInput    *fc.AliasInput    `json:"alias_input,omitempty"`
	// AliasToPublished says the alias must point at the version this
	// apply publishes (AliasInput.VersionID is then nil until apply time).
	AliasToPublished bool `json:"alias_to_published,omitempty"`
	// VersionDescription is the description of the version a publish
	// change creates.
	VersionDescription string `json:"version_description,omitempty"`
	// Reason says why a publish or a replacement is planned, for humans.
	Reason string `json:"reason,omitempty"`
	// Adopt is set on the change that takes over a live service this
	// project did not create (adopt.go); its tag changes say how.
	Adopt *Adoption `json:"adopt,omitempty"`
	// Sensitive lists the environment variable keys of FunctionInput whose
	// values are secret.
	Sensitive []string `json:"sensitive,omitempty"`

	// Inputs of the kinds of today's API (current.go). A layer change
	// publishes LayerInput with the code of Code, or deletes
	// LayerVersions. FunctionLayers maps an index of FunctionInput.Layers
	// to the layer whose version this apply publishes (the ARN is known
	// only then). A tags change sets Tags and removes UntagKeys of
	// ResourceARN (a service's change: its tags). A provision change puts ProvisionTarget (0 deletes).
	LayerInput        *fc.PublishLayerVersionInput `json:"layer_input,omitempty"`
	LayerVersions     []int32                      `json:"layer_versions,omitempty"`
	FunctionLayers    map[int]string               `json:"function_layers,omitempty"`
	CustomDomainInput *fc.CustomDomainInput        `json:"custom_domain_input,omitempty"`
	AsyncConfigInput  *fc.AsyncConfigInput         `json:"async_config_input,omitempty"`
	Qualifier         string                       `json:"qualifier,omitempty"`
	ProvisionTarget   *int64                       `json:"provision_target,omitempty"`
	ResourceARN       string                       `json:"resource_arn,omitempty"`
	Tags              map[string]string            `json:"tags,omitempty"`
	UntagKeys         []string                     `json:"untag_keys,omitempty"`

	// redacted is set on changes read from a plan file whose sensitive
	// values are hashes, until FillSecrets restores them.
	redacted bool
}

// FieldChange is one field's value before and after the change. Values are
// plain JSON-like values (strings, numbers, bools, maps, slices, nil).
type FieldChange struct {
	Path   string `json:"path"`
	Before any    `json:"before"`
	After  any    `json:"after"`
	// AfterUnknown says After is only known at apply time (an alias moving
	// to the version this apply publishes).
	AfterUnknown bool `json:"after_unknown,omitempty"`
	Sensitive    bool `json:"sensitive,omitempty"`
}

// CodeChange describes a function's code in a change.
type CodeChange struct {
	// Upload is set when the apply sends code; otherwise the live code is
	// kept as it is.
	Upload bool   `json:"upload"`
	Before string `json:"before_checksum,omitempty"`
	After  string `json:"after_checksum,omitempty"`
	Size   int64  `json:"size,omitempty"`
	// BeforeSize is the live code's size at plan time (0: unknown or
	// new), so that a code change can show how much it grows or shrinks.
	BeforeSize int64  `json:"before_size,omitempty"`
	Source     string `json:"source,omitempty"`
	// OSS code is referenced, not uploaded by the applier.
	OSSBucket string `json:"oss_bucket,omitempty"`
	OSSObject string `json:"oss_object,omitempty"`
	// Files lists how the code differs from the live code, file by file,
	// when both could be compared (see CompareCode).
	Files *CodeFiles `json:"files,omitempty"`
}

// HasChanges reports whether applying the plan would change anything.
func (p *Plan) HasChanges() bool { return len(p.Changes) > 0 }

// Summary counts a plan's changes per action.
type Summary struct {
	Create, Update, Delete, Replace, Publish, NoOp int
}

// Summary counts the plan's changes per action.
func (p *Plan) Summary() Summary {
	s := Summary{NoOp: p.NoOps}
	for _, c := range p.Changes {
		switch c.Action {
		case ActionCreate:
			s.Create++
		case ActionUpdate:
			s.Update++
		case ActionDelete:
			s.Delete++
		case ActionReplace:
			s.Replace++
		case ActionPublish:
			s.Publish++
		}
	}
	return s
}

// Deletions lists the addresses of the changes that delete (or replace) a
// resource, for loud warnings.
func (p *Plan) Deletions() []string {
	var out []string
	for _, c := range p.Changes {
		if c.Action == ActionDelete || c.Action == ActionReplace {
			out = append(out, c.Address)
		}
	}
	return out
}

// Change returns the change with the given address, or nil.
func (p *Plan) Change(address string) *Change {
	for i := range p.Changes {
		if p.Changes[i].Address == address {
			return &p.Changes[i]
		}
	}
	return nil
}

// Addresses of resources.

// ServiceAddress is "service.NAME".
func ServiceAddress(service string) string { return "service." + service }

// FunctionAddress is "function.SERVICE/FUNCTION".
func FunctionAddress(service, function string) string {
	return "function." + service + "/" + function
}

// TriggerAddress is "trigger.SERVICE/FUNCTION/TRIGGER".
func TriggerAddress(service, function, trigger string) string {
	return "trigger." + service + "/" + function + "/" + trigger
}

// PublishAddress is "version.SERVICE": the version a plan publishes.
func PublishAddress(service string) string { return "version." + service }

// VersionAddress is "version.SERVICE/ID": an existing version.
func VersionAddress(service, id string) string { return "version." + service + "/" + id }

// AliasAddress is "alias.SERVICE/ALIAS".
func AliasAddress(service, alias string) string { return "alias." + service + "/" + alias }

// Subject is how errors and messages name the resource of a change:
// "function shop/checkout".
func (c *Change) Subject() string {
	switch c.Kind {
	case KindService:
		if c.Address == ServiceTagsAddress(c.Service) {
			return "tags of service " + c.Service
		}
		return "service " + c.Service
	case KindFunction:
		return "function " + c.Service + "/" + c.Function
	case KindTrigger:
		return "trigger " + c.Service + "/" + c.Function + "/" + c.Name
	case KindAlias:
		return "alias " + c.Service + "/" + c.Name
	case KindLayer:
		return "layer " + c.Name
	case KindCustomDomain:
		return "custom domain " + c.Name
	case KindAsyncConfig:
		return "async invoke config of " + c.Service + "/" + c.Function + " (" + c.Qualifier + ")"
	case KindProvision:
		return "provision config of " + c.Service + "/" + c.Function + " at " + c.Name
	case KindVersion:
		if c.Name != "" {
			return "version " + c.Service + "/" + c.Name
		}
		return "version of service " + c.Service
	}
	return c.Address
}
