package manifest

import (
	"fmt"
	"reflect"

	"github.com/fcdeploy/fcdeploy/fc"
)

// DefaultFile is the manifest's file name inside a project directory.
const DefaultFile = "fcdeploy.yaml"

// Default names of the environment variables holding credentials
// (design.md: credentials never come from the manifest itself).
const (
	DefaultAccessKeyIDEnv     = "ALIBABA_CLOUD_ACCESS_KEY_ID"
	DefaultAccessKeySecretEnv = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
	DefaultSecurityTokenEnv   = "ALIBABA_CLOUD_SECURITY_TOKEN"
)

// EndpointLocal as an environment's endpoint selects the embedded local
// Function Compute ($FCDEPLOY_HOME), each environment in its own account.
const EndpointLocal = "local"

// AliasVersionLatest in Alias.Version means "the version this deployment
// publishes (or the newest one if nothing changed)".
const AliasVersionLatest = "latest"

// Pos is where a value was written in the manifest; Line and Col are 1-based.
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Project is the desired state described by one fcdeploy.yaml, after
// interpolation and with defaults applied.
type Project struct {
	Name string
	// Dir is the absolute directory of the manifest; code paths are
	// resolved against it. File is the manifest path as given.
	Dir  string
	File string
	// Vars are the top-level vars merged with the selected environment's.
	Vars         map[string]any
	Environments map[string]Environment
	// Env is the environment selected with LoadOptions.Env, nil if none.
	Env      *Environment
	Services []Service // sorted by name
	// Layers and CustomDomains are the top-level layers: and
	// customDomains:, sorted by name.
	Layers        []Layer
	CustomDomains []CustomDomain

	// mask hides the values read from the environment (see Redact).
	mask *secretMask
}

// Environment is one entry of `environments:`: where to deploy and which
// variables differ there.
type Environment struct {
	Name        string
	Endpoint    string // "" means: derive from AccountID and Region
	AccountID   string
	Region      string
	Vars        map[string]any
	Credentials Credentials
	Pos         Pos
}

// Credentials names the environment variables that hold an environment's
// credentials; the values themselves are never in the manifest.
type Credentials struct {
	AccessKeyIDEnv     string
	AccessKeySecretEnv string
	SecurityTokenEnv   string
}

// Service is one entry of `services:`.
type Service struct {
	Name string
	// Spec is the service's API configuration as written, with the API's
	// defaults for the fields that have one; a nil field is not managed.
	Spec      fc.ServiceInput
	Functions []Function // sorted by name
	// Publish asks for a new version whenever versioned content changed.
	Publish bool
	Aliases []Alias // sorted by name
	// Tags are the service's tags: (without fcdeploy's own).
	Tags map[string]string
	Pos  Pos
}

// CodeKind says where a function's code comes from.
type CodeKind string

const (
	CodeDir     CodeKind = "dir" // a directory the packager zips
	CodeZipFile CodeKind = "zip" // a pre-built .zip or .jar, uploaded as is
	CodeOSS     CodeKind = "oss" // an object already in OSS
	// CodeImage is no code: a custom-container function runs the image
	// of its customContainerConfig.
	CodeImage CodeKind = "image"
)

// CodeSource is a function's `code:` value.
type CodeSource struct {
	Kind   CodeKind
	Path   string // absolute, for CodeDir and CodeZipFile
	Bucket string // for CodeOSS
	Object string // for CodeOSS
	Pos    Pos
}

// Function is one function of a service.
type Function struct {
	Name    string
	Service string
	// Runtime and Handler repeat Spec's, for the packager and builders.
	Runtime string
	Handler string
	// Spec is the function's API configuration as written (without code),
	// with the API's defaults for the fields that have one (memorySize,
	// timeout, ...); a nil field is not managed.
	Spec fc.FunctionInput
	Code CodeSource
	// Sensitive marks environment variable keys whose values must be masked
	// in every output: values from ${env.*} and keys that look secret.
	Sensitive map[string]bool
	Triggers  []Trigger // sorted by name
	// AsyncConfig is the function's asyncInvokeConfig, nil when not
	// written.
	AsyncConfig *AsyncConfig
	Build       *Build // nil: the code directory is shipped as it is
	Pos         Pos
}

// Trigger is one trigger of a function. Spec.TriggerConfig is canonical
// JSON (object keys sorted); Spec.Qualifier nil or "" means LATEST and may
// name a version id or an alias.
type Trigger struct {
	Name string
	Spec fc.TriggerInput
	Pos  Pos
}

// Alias is one alias of a service.
type Alias struct {
	Name string
	// Version is AliasVersionLatest or a version id.
	Version string
	// Spec holds the alias's other API fields (Spec.VersionID is unset).
	Spec fc.AliasInput
	// Provision is the number of provisioned instances of each function
	// of the service at this alias (provision: N); nil when not written.
	// ProvisionFunctions is the per-function form (provision: {FN: N}).
	Provision          *int64
	ProvisionFunctions map[string]int64
	Pos                Pos
}

// Service looks a service up by name.
func (p *Project) Service(name string) *Service {
	for i := range p.Services {
		if p.Services[i].Name == name {
			return &p.Services[i]
		}
	}
	return nil
}

// Function looks a function of the service up by name.
func (s *Service) Function(name string) *Function {
	for i := range s.Functions {
		if s.Functions[i].Name == name {
			return &s.Functions[i]
		}
	}
	return nil
}

// Alias looks an alias of the service up by name.
func (s *Service) Alias(name string) *Alias {
	for i := range s.Aliases {
		if s.Aliases[i].Name == name {
			return &s.Aliases[i]
		}
	}
	return nil
}

// Input is the service as a CreateService/UpdateService body.
func (s *Service) Input() fc.ServiceInput {
	in := clone(s.Spec)
	in.ServiceName = s.Name
	return in
}

// Input is the function as a CreateFunction/UpdateFunction body without
// Code: the packager supplies it.
func (f *Function) Input() fc.FunctionInput {
	in := clone(f.Spec)
	in.FunctionName = f.Name
	in.Code = nil
	return in
}

// Input is the trigger as a CreateTrigger/UpdateTrigger body.
func (t *Trigger) Input() fc.TriggerInput {
	in := clone(t.Spec)
	in.TriggerName = t.Name
	if in.Qualifier != nil && *in.Qualifier == "" {
		in.Qualifier = nil
	}
	return in
}

// Input is the alias as a CreateAlias/UpdateAlias body. VersionID is left
// nil when Version is AliasVersionLatest: only the planner knows which id
// that is.
func (a *Alias) Input() fc.AliasInput {
	in := clone(a.Spec)
	in.AliasName = a.Name
	in.VersionID = nil
	if a.Version != AliasVersionLatest {
		in.VersionID = ptr(a.Version)
	}
	return in
}

// clone copies an input so that callers never share its maps and slices.
func clone[T any](v T) T { return fc.DeepCopy(reflect.ValueOf(v)).Interface().(T) }

func ptr[T any](v T) *T { return &v }
