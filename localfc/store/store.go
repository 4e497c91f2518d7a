package store

import (
	"context"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
)

// CodeBlob is a function's code as the store keeps it: the raw zip bytes,
// already decoded and checked by the HTTP layer, with their checksum.
type CodeBlob struct {
	Zip      []byte
	Checksum string // fc.CodeChecksum(Zip)
}

// ResolvedFunction is what a qualified read resolves to: the configuration
// and code of one function as of one version (or LATEST).
type ResolvedFunction struct {
	Service   fc.Service
	Function  fc.Function
	VersionID string // "" for LATEST
	// AdditionalVersionID and AdditionalWeight come from the alias the
	// qualifier named, if it splits traffic; the caller picks by weight and
	// resolves the additional version with ResolveFunction(versionID).
	AdditionalVersionID string
	AdditionalWeight    float64
}

// TriggerRef names a trigger with its place, for schedulers that walk
// every trigger of every account.
type TriggerRef struct {
	AccountID    string
	ServiceName  string
	FunctionName string
	Trigger      fc.Trigger
}

// AsyncInvocation is one queued asynchronous invocation.
type AsyncInvocation struct {
	ID           string // the request id answered to the caller
	AccountID    string
	ServiceName  string
	Qualifier    string
	FunctionName string
	Event        []byte
	Attempts     int
	// QueuedAt is when the invocation was first queued, for the event age
	// limit of its async config; zero (queued by an older fcdeploy) never
	// expires.
	QueuedAt time.Time
	// NoDestinations marks invocations whose outcome is not delivered to
	// async destinations: timer firings (as in Function Compute) and the
	// deliveries themselves (so that destinations never chain).
	NoDestinations bool
}

// Store is the durable state of a local Function Compute. Every method is
// scoped by account id, a namespace of its own. Domain errors are returned
// as *fc.APIError with the code Function Compute answers (ServiceNotFound,
// PreconditionFailed, ...); any other error is an internal failure.
//
// Preconditions (If-Match, existence, emptiness, alias targets) are checked
// inside the same transaction as the write they guard. An empty ifMatch
// skips the check. A method returns only after its write is durable.
//
// Inputs have been validated for shape and limits by the caller (names,
// memorySize, runtime, trigger config); the store owns the semantics that
// need state.
type Store interface {
	CustomDomainStore
	AsyncConfigStore

	CreateService(ctx context.Context, account string, in fc.ServiceInput) (fc.Service, error)
	// GetService with qualifier "" or LATEST reads the live config; a version
	// id or alias name reads that version's snapshot.
	GetService(ctx context.Context, account, service, qualifier string) (fc.Service, error)
	UpdateService(ctx context.Context, account, service string, in fc.ServiceInput, ifMatch string) (fc.Service, error)
	DeleteService(ctx context.Context, account, service, ifMatch string) error
	ListServices(ctx context.Context, account string, opt fc.ListOptions) (fc.ListServicesOutput, error)

	// CreateFunction requires code; UpdateFunction takes nil code for
	// "leave the code as it is".
	CreateFunction(ctx context.Context, account, service string, in fc.FunctionInput, code *CodeBlob) (fc.Function, error)
	GetFunction(ctx context.Context, account, service, qualifier, function string) (fc.Function, error)
	UpdateFunction(ctx context.Context, account, service, function string, in fc.FunctionInput, code *CodeBlob, ifMatch string) (fc.Function, error)
	DeleteFunction(ctx context.Context, account, service, function, ifMatch string) error
	ListFunctions(ctx context.Context, account, service, qualifier string, opt fc.ListOptions) (fc.ListFunctionsOutput, error)
	// GetFunctionCode returns the zip of the function as of qualifier.
	GetFunctionCode(ctx context.Context, account, service, qualifier, function string) (CodeBlob, error)

	CreateTrigger(ctx context.Context, account, service, function string, in fc.TriggerInput) (fc.Trigger, error)
	GetTrigger(ctx context.Context, account, service, function, trigger string) (fc.Trigger, error)
	UpdateTrigger(ctx context.Context, account, service, function, trigger string, in fc.TriggerInput, ifMatch string) (fc.Trigger, error)
	DeleteTrigger(ctx context.Context, account, service, function, trigger, ifMatch string) error
	ListTriggers(ctx context.Context, account, service, function string, opt fc.ListOptions) (fc.ListTriggersOutput, error)

	// PublishVersion snapshots the service config and every function's
	// config and code; ifMatch guards the service's ETag.
	PublishVersion(ctx context.Context, account, service, description, ifMatch string) (fc.Version, error)
	ListVersions(ctx context.Context, account, service string, opt fc.ListVersionsOptions) (fc.ListVersionsOutput, error)
	DeleteVersion(ctx context.Context, account, service, versionID string) error

	CreateAlias(ctx context.Context, account, service string, in fc.AliasInput) (fc.Alias, error)
	GetAlias(ctx context.Context, account, service, alias string) (fc.Alias, error)
	UpdateAlias(ctx context.Context, account, service, alias string, in fc.AliasInput, ifMatch string) (fc.Alias, error)
	DeleteAlias(ctx context.Context, account, service, alias, ifMatch string) error
	ListAliases(ctx context.Context, account, service string, opt fc.ListOptions) (fc.ListAliasesOutput, error)

	LayerStore
	ProvisionStore
	OnDemandStore
	TagStore

	// ResolveFunction is for invocation: the function as of qualifier
	// ("", LATEST, a version id or an alias), with its code.
	ResolveFunction(ctx context.Context, account, service, qualifier, function string) (ResolvedFunction, CodeBlob, error)
	// AllTriggers lists every trigger of every account, for the timer scheduler.
	AllTriggers(ctx context.Context) ([]TriggerRef, error)

	// The durable async invocation queue: Enqueue stores, Next claims the
	// oldest unclaimed one (ok false when empty), Done removes it, Retry
	// puts it back with Attempts incremented.
	EnqueueAsync(ctx context.Context, inv AsyncInvocation) error
	NextAsync(ctx context.Context) (inv AsyncInvocation, ok bool, err error)
	DoneAsync(ctx context.Context, id string) error
	RetryAsync(ctx context.Context, id string) error

	Close() error
}
