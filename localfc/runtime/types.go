package runtime

import (
	"fmt"
	"time"
)

// Request is one invocation of a function, with everything needed to start
// an instance for it; the pool never reads the store.
type Request struct {
	AccountID string
	Service   string
	Function  string
	// Qualifier is what the caller asked for (an alias, a version or LATEST);
	// VersionID is what it resolved to ("" for LATEST).
	Qualifier string
	VersionID string

	Runtime               string
	Handler               string
	Initializer           string
	InitializationTimeout int32 // seconds; 0 means Timeout
	Timeout               int32 // seconds; 0 means 3
	MemorySize            int32 // MB; 0 means 128
	Env                   map[string]string

	// CodeChecksum is the code's fc.CodeChecksum (CRC-64), reported in
	// errors and checked against the zip. CodeSHA256 (hex SHA-256 of the
	// zip) names it in the cache: Code is called only when that digest is
	// not unpacked yet, and the zip it returns must have that digest. A
	// CRC-64 can be forged to collide, a SHA-256 cannot, so one account's
	// code never runs as another's. Without CodeSHA256 the zip is loaded
	// on every invocation to compute it.
	CodeChecksum string
	CodeSHA256   string
	Code         func() ([]byte, error)

	// Layers are the function's layer versions in the order of its layers
	// list; on conflicting files the earlier one wins, as on the platform.
	Layers []Layer

	// Custom runtimes (custom, custom.debian10, go1): Command and Args are
	// customRuntimeConfig; empty Command starts the code's bootstrap (go1:
	// the executable named by Handler). CAPort is the port the code listens
	// on at the platform; locally each instance gets its own port in
	// FC_SERVER_PORT instead (see doc.go). HealthCheckPath is
	// customHealthCheckConfig.httpGetUrl: when set, an instance is ready
	// once GET on it answers 2xx, not merely once its port accepts.
	Command         []string
	Args            []string
	CAPort          int32
	HealthCheckPath string
	// PreFreeze and PreStop are instanceLifecycleConfig's hooks; custom
	// runtimes receive them as GET /pre-freeze and GET /pre-stop.
	PreFreeze *LifecycleHook
	PreStop   *LifecycleHook
	// LogProject and LogStore are the service's logConfig, passed to custom
	// runtimes as x-fc-service-logproject/-logstore.
	LogProject string
	LogStore   string

	Event     []byte
	RequestID string
	LogTail   bool
	HTTP      *HTTPRequest // nil for a plain invocation
}

// Layer is one layer version a function uses, provided like function code.
type Layer struct {
	// Checksum is the layer zip's fc.CodeChecksum (reported in errors);
	// SHA256 (hex) names it in the cache, as Request.CodeSHA256 does the
	// code: Zip is called only when that digest is not unpacked yet.
	Checksum string
	SHA256   string
	Zip      func() ([]byte, error)
}

// LifecycleHook is one hook of instanceLifecycleConfig.
type LifecycleHook struct {
	Handler string
	Timeout int32 // seconds; 0 means 3
}

// HTTPRequest is the request an HTTP trigger hands to the function.
type HTTPRequest struct {
	Method   string
	Path     string // the path below the trigger, starting with "/"
	RawQuery string
	Header   map[string][]string
	Body     []byte
	ClientIP string
	// Host is the request's Host header (net/http keeps it out of Header);
	// BasePath is the proxy prefix the function is served under
	// (x-fc-base-path), "" on a custom domain.
	Host     string
	BasePath string
}

// HTTPResponse is what an HTTP handler answered.
type HTTPResponse struct {
	Status int
	Header map[string][]string
	Body   []byte
}

// Result is the outcome of an invocation that the platform carried out,
// successful or not: a function error is a Result with ErrorType set, not
// a Go error.
type Result struct {
	Body []byte
	// ErrorType is "", fc.HandledInvocationError or fc.UnhandledInvocationError;
	// with an error Body is {"errorMessage","errorType","stackTrace"}.
	ErrorType string
	// Log is the tail (4 KB) of this invocation's output when Request.LogTail.
	Log      []byte
	Duration time.Duration
	// HTTP is set for a successful HTTP invocation (Request.HTTP != nil).
	HTTP *HTTPResponse
}

// UnsupportedRuntimeError is returned for runtimes the local Function Compute
// cannot run (java, php, dotnet, custom-container, python2.7, unknown names)
// or whose interpreter is missing on this machine. Reason says what is
// missing; the server answers it as 501.
type UnsupportedRuntimeError struct {
	Runtime string
	Reason  string
}

func (e *UnsupportedRuntimeError) Error() string {
	return fmt.Sprintf("runtime %s: %s", e.Runtime, e.Reason)
}

// CodeError is returned when a function's code cannot be used: the zip is
// unreadable, exceeds the unpack limits or holds an entry escaping its
// directory.
type CodeError struct {
	Checksum string
	Err      error
}

func (e *CodeError) Error() string { return fmt.Sprintf("code %s: %v", e.Checksum, e.Err) }
func (e *CodeError) Unwrap() error { return e.Err }
