package planner

import "github.com/fcdeploy/fcdeploy/fc"

// Desired is the state a project asks for. It is independent of the
// manifest: the CLI adapts a manifest (or a promotion source) into it.
type Desired struct {
	Project  string
	Services []DesiredService
	// Layers and CustomDomains are account-wide resources the project
	// declares (see current.go).
	Layers        []DesiredLayer
	CustomDomains []DesiredCustomDomain
}

// DesiredService is one declared service. Config holds the desired service
// configuration with every field set; a nil pointer field means "not
// managed" and is left as it is live.
type DesiredService struct {
	Name      string
	Config    fc.ServiceInput
	Functions []DesiredFunction
	// Publish asks for a version to be published whenever the versioned
	// content (service config, functions and their code) after the apply
	// differs from the newest version, or when there is no version yet.
	Publish bool
	// VersionDescription is the description of a version this plan publishes.
	VersionDescription string
	Aliases            []DesiredAlias
	// Tags are the service's own tags; the planner adds fcdeploy's
	// (TagProject, TagLayers) to every managed service.
	Tags map[string]string
	// Managed false means the service itself belongs to someone else:
	// fcdeploy never creates or updates its configuration (it must exist),
	// and only manages the functions, triggers and aliases listed here.
	Managed bool
}

// DesiredFunction is one function. Config carries every configuration field
// with defaults applied and no Code: code is described by Code.
type DesiredFunction struct {
	Name   string
	Config fc.FunctionInput
	Code   DesiredCode
	// Sensitive names the environment variable keys whose values are
	// secret: masked in output and hashed in plan files. Keys whose name
	// looks secret (fc.IsSecretName) are treated so whether listed or not.
	Sensitive map[string]bool
	Triggers  []DesiredTrigger
	// AsyncConfig is the function's async invoke configuration, nil when
	// not managed. Config.Layers may name layers of Desired.Layers: the
	// planner resolves them to version ARNs.
	AsyncConfig *DesiredAsyncConfig
}

// DesiredCode says which code a function should run.
type DesiredCode struct {
	// Checksum is fc.CodeChecksum of the zip. For OSS code it may be empty
	// when unknown: the code is then uploaded on create and treated as
	// unchanged afterwards.
	Checksum string
	Size     int64
	// Source is for humans: "./functions/checkout", "staging", ...
	Source    string
	OSSBucket string
	OSSObject string
	// Image says the function has no code: it runs a container image
	// (runtime custom-container), and no code is sent.
	Image bool
}

// DesiredTrigger is one trigger of a function. Input.Qualifier nil or ""
// means LATEST.
type DesiredTrigger struct {
	Name  string
	Input fc.TriggerInput
}

// DesiredAlias is one alias of a service.
type DesiredAlias struct {
	Name string
	// Version is "latest" (the version this apply publishes, or the newest
	// live one when nothing is published) or a version id.
	Version                 string
	Description             string
	AdditionalVersionWeight map[string]float64
	// Provision is the number of provisioned instances of every declared
	// function of the service at this alias; nil when not managed.
	// ProvisionFunctions sets it for the functions it names only.
	Provision          *int64
	ProvisionFunctions map[string]int64
}

// VersionLatest is the DesiredAlias.Version that follows the newest version.
const VersionLatest = "latest"
