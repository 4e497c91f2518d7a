package fc

import (
	"errors"
	"fmt"
	"net/http"
)

// Error codes of the 2016-08-15 API (wire-protocol.md, "Responses").
const (
	CodeInvalidArgument       = "InvalidArgument"
	CodeEntityTooLarge        = "EntityTooLarge"
	CodeAccessDenied          = "AccessDenied"
	CodeInvalidAccessKeyID    = "InvalidAccessKeyId"
	CodeSignatureNotMatch     = "SignatureNotMatch"
	CodeRequestTimeTooSkewed  = "RequestTimeTooSkewed"
	CodeServiceNotFound       = "ServiceNotFound"
	CodeFunctionNotFound      = "FunctionNotFound"
	CodeTriggerNotFound       = "TriggerNotFound"
	CodeVersionNotFound       = "VersionNotFound"
	CodeAliasNotFound         = "AliasNotFound"
	CodeServiceAlreadyExists  = "ServiceAlreadyExists"
	CodeFunctionAlreadyExists = "FunctionAlreadyExists"
	CodeTriggerAlreadyExists  = "TriggerAlreadyExists"
	CodeAliasAlreadyExists    = "AliasAlreadyExists"
	CodeServiceNotEmpty       = "ServiceNotEmpty"
	CodeFunctionNotEmpty      = "FunctionNotEmpty"
	CodeVersionPublishError   = "VersionPublishError"
	CodeConcurrentUpdateError = "ConcurrentUpdateError"
	CodePreconditionFailed    = "PreconditionFailed"
	CodeResourceExhausted     = "ResourceExhausted"
	CodeInternalServerError   = "InternalServerError"
	CodeResourceThrottled     = "ResourceThrottled"
	// CodeNotImplemented is ours: an operation whose feature is not built yet.
	CodeNotImplemented = "NotImplemented"
	// CodeMethodNotAllowed is ours: an HTTP trigger called with a method it does not list.
	CodeMethodNotAllowed = "MethodNotAllowed"
	// CodeNotFound is ours: a path that names no operation.
	CodeNotFound = "NotFound"
)

var codeStatus = map[string]int{
	CodeInvalidArgument:       http.StatusBadRequest,
	CodeEntityTooLarge:        http.StatusBadRequest,
	CodeAccessDenied:          http.StatusForbidden,
	CodeInvalidAccessKeyID:    http.StatusForbidden,
	CodeSignatureNotMatch:     http.StatusForbidden,
	CodeRequestTimeTooSkewed:  http.StatusForbidden,
	CodeServiceNotFound:       http.StatusNotFound,
	CodeFunctionNotFound:      http.StatusNotFound,
	CodeTriggerNotFound:       http.StatusNotFound,
	CodeVersionNotFound:       http.StatusNotFound,
	CodeAliasNotFound:         http.StatusNotFound,
	CodeNotFound:              http.StatusNotFound,
	CodeServiceAlreadyExists:  http.StatusConflict,
	CodeFunctionAlreadyExists: http.StatusConflict,
	CodeTriggerAlreadyExists:  http.StatusConflict,
	CodeAliasAlreadyExists:    http.StatusConflict,
	CodeServiceNotEmpty:       http.StatusConflict,
	CodeFunctionNotEmpty:      http.StatusConflict,
	CodeVersionPublishError:   http.StatusConflict,
	CodeConcurrentUpdateError: http.StatusConflict,
	CodePreconditionFailed:    http.StatusPreconditionFailed,
	CodeResourceExhausted:     http.StatusTooManyRequests,
	CodeInternalServerError:   http.StatusInternalServerError,
	CodeNotImplemented:        http.StatusNotImplemented,
	CodeMethodNotAllowed:      http.StatusMethodNotAllowed,
	CodeResourceThrottled:     http.StatusServiceUnavailable,
}

// StatusForCode is the HTTP status Function Compute answers with for an
// error code; unknown codes are 500.
func StatusForCode(code string) int {
	if s, ok := codeStatus[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// APIError is an error answered by a Function Compute endpoint. Its JSON
// form is the wire error body.
type APIError struct {
	HTTPStatus int    `json:"-"`
	Code       string `json:"ErrorCode"`
	Message    string `json:"ErrorMessage"`
	RequestID  string `json:"-"`
}

// NewError builds an APIError for code with the status that code carries.
func NewError(code, format string, args ...any) *APIError {
	return &APIError{HTTPStatus: StatusForCode(code), Code: code, Message: fmt.Sprintf(format, args...)}
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("%s (HTTP %d): %s", e.Code, e.HTTPStatus, e.Message)
	if e.RequestID != "" {
		s += " [request " + e.RequestID + "]"
	}
	return s
}

// AsAPIError returns the *APIError in err's chain, or nil.
func AsAPIError(err error) *APIError {
	var e *APIError
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// IsNotFound reports whether err is a 404 of any kind.
func IsNotFound(err error) bool {
	e := AsAPIError(err)
	return e != nil && e.HTTPStatus == http.StatusNotFound
}

// IsCode reports whether err is an APIError with the given code.
func IsCode(err error, code string) bool {
	e := AsAPIError(err)
	return e != nil && e.Code == code
}

// IsPreconditionFailed reports whether err says an If-Match did not match.
func IsPreconditionFailed(err error) bool {
	e := AsAPIError(err)
	return e != nil && (e.HTTPStatus == http.StatusPreconditionFailed || e.Code == CodePreconditionFailed)
}

// IsAlreadyExists reports whether err says the resource exists already.
func IsAlreadyExists(err error) bool {
	e := AsAPIError(err)
	if e == nil {
		return false
	}
	switch e.Code {
	case CodeServiceAlreadyExists, CodeFunctionAlreadyExists, CodeTriggerAlreadyExists, CodeAliasAlreadyExists, CodeDomainNameAlreadyExists:
		return true
	}
	return false
}

// IsRetryable reports whether the status of err is one a client may retry
// (throttling and server-side failures).
func IsRetryable(err error) bool {
	e := AsAPIError(err)
	if e == nil {
		return false
	}
	switch e.HTTPStatus {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	// Two writes to one resource at once: the other finishes soon.
	return e.Code == CodeConcurrentUpdateError
}

// IsThrottled reports whether the server refused err's request for load
// before doing anything: 429, or the throttling codes of the current API.
func IsThrottled(err error) bool {
	e := AsAPIError(err)
	if e == nil {
		return false
	}
	return e.HTTPStatus == http.StatusTooManyRequests || e.Code == CodeResourceThrottled || e.Code == CodeResourceExhausted
}
