package fc

import (
	"encoding/json"
	"reflect"
)

// The types below mirror the Definitions of the 2016-08-15 specification.
// Response types carry every field without omitempty, because some clients
// crash on sparse bodies (wire-protocol.md, "Responses"). Input types use
// pointers so that an absent or null field means "leave unchanged".

// LogConfig says where Function Compute pushes execution logs.
type LogConfig struct {
	Project               string `json:"project" fc:"required"`
	Logstore              string `json:"logstore" fc:"required"`
	EnableRequestMetrics  bool   `json:"enableRequestMetrics"`
	EnableInstanceMetrics bool   `json:"enableInstanceMetrics"`
}

// TracingConfig sends traces to a tracing backend; Type is "Jaeger" and
// Params holds {"endpoint": URL} for it.
type TracingConfig struct {
	Type   string            `json:"type" fc:"required"`
	Params map[string]string `json:"params"`
}

// OSSMountPoint is one OSS bucket mounted into a service's functions.
type OSSMountPoint struct {
	BucketName string `json:"bucketName" fc:"required"`
	BucketPath string `json:"bucketPath"`
	Endpoint   string `json:"endpoint" fc:"required"`
	MountDir   string `json:"mountDir" fc:"required"`
	ReadOnly   bool   `json:"readOnly"`
}

// OSSMountConfig mounts OSS buckets into a service's functions.
type OSSMountConfig struct {
	MountPoints []OSSMountPoint `json:"mountPoints" fc:"required"`
}

// VPCConfig attaches a service to a VPC.
type VPCConfig struct {
	VPCID           string   `json:"vpcId" fc:"required"`
	VSwitchIDs      []string `json:"vSwitchIds" fc:"required"`
	SecurityGroupID string   `json:"securityGroupId" fc:"required"`
}

// MountPoint is one NAS mount of a service.
type MountPoint struct {
	ServerAddr string `json:"serverAddr" fc:"required"`
	MountDir   string `json:"mountDir" fc:"required"`
}

// NASConfig mounts NAS file systems into a service's functions.
type NASConfig struct {
	UserID      int          `json:"userId" fc:"default=-1"`
	GroupID     int          `json:"groupId" fc:"default=-1"`
	MountPoints []MountPoint `json:"mountPoints" fc:"required"`
}

// ServiceInput is the body of CreateService (ServiceName required) and
// UpdateService (ServiceName ignored).
type ServiceInput struct {
	ServiceName    string          `json:"serviceName,omitempty" fc:"name"`
	Description    *string         `json:"description,omitempty" fc:"default="`
	Role           *string         `json:"role,omitempty" fc:"default="`
	InternetAccess *bool           `json:"internetAccess,omitempty"`
	LogConfig      *LogConfig      `json:"logConfig,omitempty"`
	VPCConfig      *VPCConfig      `json:"vpcConfig,omitempty"`
	NASConfig      *NASConfig      `json:"nasConfig,omitempty"`
	TracingConfig  *TracingConfig  `json:"tracingConfig,omitempty"`
	OSSMountConfig *OSSMountConfig `json:"ossMountConfig,omitempty"`
}

// Service is a ServiceResponse.
type Service struct {
	ServiceName      string         `json:"serviceName"`
	ServiceID        string         `json:"serviceId" fc:"readonly"`
	Description      string         `json:"description"`
	Role             string         `json:"role"`
	InternetAccess   bool           `json:"internetAccess"`
	LogConfig        LogConfig      `json:"logConfig"`
	VPCConfig        VPCConfig      `json:"vpcConfig"`
	NASConfig        NASConfig      `json:"nasConfig"`
	TracingConfig    TracingConfig  `json:"tracingConfig"`
	OSSMountConfig   OSSMountConfig `json:"ossMountConfig"`
	CreatedTime      string         `json:"createdTime" fc:"readonly"`
	LastModifiedTime string         `json:"lastModifiedTime" fc:"readonly"`
	// ETag is carried by the ETag response header, not the body.
	ETag string `json:"-"`
}

// Code is a function's code: either an inline base64 zip or an OSS object.
type Code struct {
	ZipFile       string `json:"zipFile,omitempty"`
	OSSBucketName string `json:"ossBucketName,omitempty"`
	OSSObjectName string `json:"ossObjectName,omitempty"`
}

// CustomContainerConfig runs a function from a container image (runtime
// custom-container). Command and Args are strings, as every SDK sends them.
type CustomContainerConfig struct {
	Image            string `json:"image" fc:"required"`
	Command          string `json:"command"`
	Args             string `json:"args"`
	AccelerationType string `json:"accelerationType"`
	InstanceID       string `json:"instanceID"`
}

// DNSOption is one resolver option (resolv.conf style).
type DNSOption struct {
	Name  string `json:"name" fc:"required"`
	Value string `json:"value"`
}

// CustomDNS is a function's resolver configuration.
type CustomDNS struct {
	NameServers []string    `json:"nameServers"`
	Searches    []string    `json:"searches"`
	DNSOptions  []DNSOption `json:"dnsOptions"`
}

// CustomRuntimeConfig is how a custom runtime's instance is started:
// Command then Args; without it, the code's bootstrap.
type CustomRuntimeConfig struct {
	Command []string `json:"command"`
	Args    []string `json:"args"`
}

// CustomHealthCheckConfig probes a custom runtime's or container's HTTP
// server.
type CustomHealthCheckConfig struct {
	HTTPGetURL          string `json:"httpGetUrl" fc:"required"`
	InitialDelaySeconds int32  `json:"initialDelaySeconds"`
	PeriodSeconds       int32  `json:"periodSeconds"`
	TimeoutSeconds      int32  `json:"timeoutSeconds"`
	FailureThreshold    int32  `json:"failureThreshold"`
	SuccessThreshold    int32  `json:"successThreshold"`
}

// LifecycleHook is one instance lifecycle hook.
type LifecycleHook struct {
	Handler string `json:"handler"`
	Timeout int32  `json:"timeout"`
}

// InstanceLifecycleConfig holds the hooks run before an instance is frozen
// and before it is stopped.
type InstanceLifecycleConfig struct {
	PreFreeze *LifecycleHook `json:"preFreeze,omitempty"`
	PreStop   *LifecycleHook `json:"preStop,omitempty"`
}

// FunctionInput is the body of CreateFunction (FunctionName, Runtime,
// Handler and Code required) and UpdateFunction (all optional).
type FunctionInput struct {
	FunctionName          string                 `json:"functionName,omitempty" fc:"name"`
	Description           *string                `json:"description,omitempty" fc:"default="`
	Runtime               *string                `json:"runtime,omitempty" fc:"required"`
	Handler               *string                `json:"handler,omitempty" fc:"required"`
	MemorySize            *int32                 `json:"memorySize,omitempty" fc:"default=128"`
	Timeout               *int32                 `json:"timeout,omitempty" fc:"default=3"`
	Initializer           *string                `json:"initializer,omitempty" fc:"default="`
	InitializationTimeout *int32                 `json:"initializationTimeout,omitempty"`
	InstanceConcurrency   *int32                 `json:"instanceConcurrency,omitempty"`
	EnvironmentVariables  map[string]string      `json:"environmentVariables" fc:"secretnames,default={}"`
	CustomContainerConfig *CustomContainerConfig `json:"customContainerConfig,omitempty"`
	CAPort                *int32                 `json:"caPort,omitempty"`
	InstanceType          *string                `json:"instanceType,omitempty"`
	// Layers has no omitempty, like EnvironmentVariables: nil is sent as
	// null (not given), an empty list clears the function's layers.
	Layers                  []string                 `json:"layers"`
	CustomDNS               *CustomDNS               `json:"customDNS,omitempty"`
	CustomRuntimeConfig     *CustomRuntimeConfig     `json:"customRuntimeConfig,omitempty"`
	CustomHealthCheckConfig *CustomHealthCheckConfig `json:"customHealthCheckConfig,omitempty"`
	InstanceLifecycleConfig *InstanceLifecycleConfig `json:"instanceLifecycleConfig,omitempty"`
	CPU                     *float64                 `json:"cpu,omitempty"`
	DiskSize                *int32                   `json:"diskSize,omitempty"`
	GPUMemorySize           *int32                   `json:"gpuMemorySize,omitempty"`
	InstanceSoftConcurrency *int32                   `json:"instanceSoftConcurrency,omitempty"`
	Code                    *Code                    `json:"code,omitempty" fc:"writeonly"`
}

// Function is a FunctionResponse.
type Function struct {
	FunctionID              string                  `json:"functionId" fc:"readonly"`
	FunctionName            string                  `json:"functionName"`
	Description             string                  `json:"description"`
	Runtime                 string                  `json:"runtime"`
	Handler                 string                  `json:"handler"`
	MemorySize              int32                   `json:"memorySize"`
	Timeout                 int32                   `json:"timeout"`
	Initializer             string                  `json:"initializer"`
	InitializationTimeout   int32                   `json:"initializationTimeout"`
	InstanceConcurrency     int32                   `json:"instanceConcurrency"`
	EnvironmentVariables    map[string]string       `json:"environmentVariables"`
	CustomContainerConfig   CustomContainerConfig   `json:"customContainerConfig"`
	CAPort                  int32                   `json:"caPort"`
	InstanceType            string                  `json:"instanceType"`
	Layers                  []string                `json:"layers"`
	CustomDNS               CustomDNS               `json:"customDNS"`
	CustomRuntimeConfig     CustomRuntimeConfig     `json:"customRuntimeConfig"`
	CustomHealthCheckConfig CustomHealthCheckConfig `json:"customHealthCheckConfig"`
	InstanceLifecycleConfig InstanceLifecycleConfig `json:"instanceLifecycleConfig"`
	CPU                     float64                 `json:"cpu"`
	DiskSize                int32                   `json:"diskSize"`
	GPUMemorySize           int32                   `json:"gpuMemorySize"`
	InstanceSoftConcurrency int32                   `json:"instanceSoftConcurrency"`
	CodeChecksum            string                  `json:"codeChecksum" fc:"readonly"`
	CodeSize                int64                   `json:"codeSize" fc:"readonly"`
	CreatedTime             string                  `json:"createdTime" fc:"readonly"`
	LastModifiedTime        string                  `json:"lastModifiedTime" fc:"readonly"`
	ETag                    string                  `json:"-"`
}

// FunctionCode is a FunctionCodeResponse.
type FunctionCode struct {
	URL      string `json:"url"`
	Checksum string `json:"checksum"`
}

// TriggerInput is the body of CreateTrigger (TriggerName, TriggerType and
// TriggerConfig required) and UpdateTrigger (TriggerName and TriggerType
// ignored).
type TriggerInput struct {
	TriggerName    string          `json:"triggerName,omitempty" fc:"name"`
	TriggerType    string          `json:"triggerType,omitempty" fc:"required,immutable"`
	SourceARN      *string         `json:"sourceArn,omitempty" fc:"default="`
	InvocationRole *string         `json:"invocationRole,omitempty" fc:"default="`
	Qualifier      *string         `json:"qualifier,omitempty"`
	TriggerConfig  json.RawMessage `json:"triggerConfig,omitempty" fc:"required"`
}

// Trigger is a TriggerResponse.
type Trigger struct {
	TriggerName      string          `json:"triggerName"`
	TriggerType      string          `json:"triggerType"`
	SourceARN        string          `json:"sourceArn"`
	InvocationRole   string          `json:"invocationRole"`
	Qualifier        string          `json:"qualifier"`
	TriggerConfig    json.RawMessage `json:"triggerConfig"`
	CreatedTime      string          `json:"createdTime" fc:"readonly"`
	LastModifiedTime string          `json:"lastModifiedTime" fc:"readonly"`
	ETag             string          `json:"-"`
}

// TimerTriggerConfig is the triggerConfig of a timer trigger.
type TimerTriggerConfig struct {
	CronExpression string `json:"cronExpression" fc:"required"`
	Enable         bool   `json:"enable"`
	Payload        string `json:"payload,omitempty"`
}

// HTTPTriggerConfig is the triggerConfig of an http trigger.
type HTTPTriggerConfig struct {
	AuthType string   `json:"authType" fc:"required"`
	Methods  []string `json:"methods" fc:"required"`
}

// TriggerConfigTypes are the Go types of the triggerConfig of the trigger
// types that have one; triggerType picks the type. The configs of the other
// types are free JSON.
var TriggerConfigTypes = map[string]reflect.Type{
	"timer": reflect.TypeFor[TimerTriggerConfig](),
	"http":  reflect.TypeFor[HTTPTriggerConfig](),
}

// PublishVersionInput is the body of PublishVersion.
type PublishVersionInput struct {
	Description string `json:"description,omitempty"`
}

// Version is a VersionResponse.
type Version struct {
	VersionID        string `json:"versionId"`
	Description      string `json:"description"`
	CreatedTime      string `json:"createdTime" fc:"readonly"`
	LastModifiedTime string `json:"lastModifiedTime" fc:"readonly"`
	ETag             string `json:"-"`
}

// AliasInput is the body of CreateAlias (AliasName and VersionID required)
// and UpdateAlias. A nil AdditionalVersionWeight leaves it unchanged; an
// empty map clears it.
type AliasInput struct {
	AliasName               string             `json:"aliasName,omitempty" fc:"name"`
	VersionID               *string            `json:"versionId,omitempty" fc:"required"`
	Description             *string            `json:"description,omitempty" fc:"default="`
	AdditionalVersionWeight map[string]float64 `json:"additionalVersionWeight" fc:"atomic,default={}"`
}

// Alias is an AliasResponse.
type Alias struct {
	AliasName               string             `json:"aliasName"`
	VersionID               string             `json:"versionId"`
	Description             string             `json:"description"`
	AdditionalVersionWeight map[string]float64 `json:"additionalVersionWeight"`
	CreatedTime             string             `json:"createdTime" fc:"readonly"`
	LastModifiedTime        string             `json:"lastModifiedTime" fc:"readonly"`
	ETag                    string             `json:"-"`
}

// ListOptions are the query parameters of ListServices, ListFunctions,
// ListTriggers and ListAliases.
type ListOptions struct {
	Limit     int
	NextToken string
	Prefix    string
	StartKey  string
}

// Version list directions.
const (
	DirectionBackward = "BACKWARD"
	DirectionForward  = "FORWARD"
)

// ListVersionsOptions are the query parameters of ListVersions.
type ListVersionsOptions struct {
	Limit     int
	NextToken string
	StartKey  string
	Direction string
}

// ListServicesOutput is the body of a ListServices response.
type ListServicesOutput struct {
	Services  []Service `json:"services"`
	NextToken string    `json:"nextToken,omitempty"`
}

// ListFunctionsOutput is the body of a ListFunctions response.
type ListFunctionsOutput struct {
	Functions []Function `json:"functions"`
	NextToken string     `json:"nextToken,omitempty"`
}

// ListTriggersOutput is the body of a ListTriggers response.
type ListTriggersOutput struct {
	Triggers  []Trigger `json:"triggers"`
	NextToken string    `json:"nextToken,omitempty"`
}

// ListVersionsOutput is the body of a ListVersions response.
type ListVersionsOutput struct {
	Versions  []Version `json:"versions"`
	NextToken string    `json:"nextToken,omitempty"`
	Direction string    `json:"direction"`
}

// ListAliasesOutput is the body of a ListAliases response.
type ListAliasesOutput struct {
	Aliases   []Alias `json:"aliases"`
	NextToken string  `json:"nextToken,omitempty"`
}

// Invocation types and log types of InvokeFunction.
const (
	InvocationSync  = "Sync"
	InvocationAsync = "Async"
	LogTypeTail     = "Tail"
	LogTypeNone     = "None"
)

// Error types of a failed invocation (x-fc-error-type).
const (
	HandledInvocationError   = "HandledInvocationError"
	UnhandledInvocationError = "UnhandledInvocationError"
)

// Qualifier names the newest, unpublished configuration.
const QualifierLatest = "LATEST"

// TimeFormat is how timestamps are written: 2016-08-15T15:00:00.000+0000.
const TimeFormat = "2006-01-02T15:04:05.000-0700"
