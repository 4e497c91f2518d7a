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

	// CodeChecksum names the code (fc.CodeChecksum of the zip); Code is
	// called only when that checksum is not unpacked in the cache yet.
	CodeChecksum string
	Code         func() ([]byte, error)

	Event     []byte
	RequestID string
	LogTail   bool
	HTTP      *HTTPRequest // nil for a plain invocation
}

// HTTPRequest is the request an HTTP trigger hands to the function.
type HTTPRequest struct {
	Method   string
	Path     string // the path below the trigger, starting with "/"
	RawQuery string
	Header   map[string][]string
	Body     []byte
	ClientIP string
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
// cannot run (java, php, dotnet, custom, python2.7) or whose interpreter is
// missing on this machine.
type UnsupportedRuntimeError struct {
	Runtime string
	Reason  string
}

func (e *UnsupportedRuntimeError) Error() string {
	if e.Reason == "" {
		return fmt.Sprintf("runtime %s is not supported by the local Function Compute; deploy it to Function Compute to run it", e.Runtime)
	}
	return fmt.Sprintf("runtime %s is not supported by the local Function Compute: %s", e.Runtime, e.Reason)
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
