package localfc

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/runtime"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

// Async destinations: the outcome of an asynchronous invocation, as a
// destinationRecord, goes to the onSuccess or onFailure destination of its
// async invoke config. Function destinations receive it as an asynchronous
// invocation of that function; MNS, EventBridge and RocketMQ destinations
// do not exist locally, so their records are logged as not delivered.

// maxFunctionDestinationBytes is the payload limit of function destinations.
const maxFunctionDestinationBytes = 128 << 10

// conditionEventAgeExceeded is the condition of an event dropped for its age.
const conditionEventAgeExceeded = "EventAgeExceeded"

// destinationRecord is the JSON a destination receives. No SDK source fixes
// its field names (fc-api-2016-08-15-current.md, 6.1); these follow the FC
// destination docs' example: condition is "" on success, the error type
// (HandledInvocationError, UnhandledInvocationError), the platform error
// code, or EventAgeExceeded; both payloads are strings because events and
// results are bytes, not necessarily JSON.
type destinationRecord struct {
	Timestamp      int64 `json:"timestamp"` // milliseconds since the epoch
	RequestContext struct {
		RequestID              string `json:"requestId"`
		FunctionArn            string `json:"functionArn"`
		Condition              string `json:"condition"`
		ApproximateInvokeCount int    `json:"approximateInvokeCount"`
	} `json:"requestContext"`
	RequestPayload  string `json:"requestPayload"`
	ResponseContext struct {
		StatusCode    int    `json:"statusCode"`
		FunctionError string `json:"functionError"`
	} `json:"responseContext"`
	ResponsePayload string `json:"responsePayload"`
}

func newDestinationRecord(inv store.AsyncInvocation, now time.Time, attempts int) destinationRecord {
	q := inv.Qualifier
	if q == "" {
		q = fc.QualifierLatest
	}
	var rec destinationRecord
	rec.Timestamp = now.UnixMilli()
	rec.RequestContext.RequestID = inv.ID
	rec.RequestContext.FunctionArn = fc.FunctionARN(DefaultRegion, inv.AccountID, inv.ServiceName, q, inv.FunctionName)
	rec.RequestContext.ApproximateInvokeCount = attempts
	rec.RequestPayload = string(inv.Event)
	return rec
}

// setResult records what the function answered, error or not.
func (rec *destinationRecord) setResult(res *runtime.Result) {
	rec.RequestContext.Condition = res.ErrorType
	rec.ResponseContext.StatusCode = http.StatusOK
	rec.ResponseContext.FunctionError = res.ErrorType
	rec.ResponsePayload = string(res.Body)
}

// setPlatformError records a failure of the platform rather than of the
// function (a missing function, a runtime that cannot run here).
func (rec *destinationRecord) setPlatformError(err error) {
	e := fc.AsAPIError(err)
	if e == nil {
		e = fc.NewError(fc.CodeInternalServerError, "internal error; see the server log")
	}
	rec.RequestContext.Condition = e.Code
	rec.ResponseContext.StatusCode = e.HTTPStatus
	rec.ResponseContext.FunctionError = e.Code
	body, _ := json.Marshal(e)
	rec.ResponsePayload = string(body)
}

// deliver sends rec to dest ("" for none). A function destination gets an
// asynchronous invocation whose own outcome goes nowhere further, so
// destinations never chain or loop. Failures are logged: the invocation
// itself is settled either way.
func (s *Server) deliver(ctx context.Context, inv store.AsyncInvocation, dest string, rec destinationRecord) {
	if dest == "" {
		return
	}
	attrs := []slog.Attr{slog.String("requestId", inv.ID), slog.String("destination", dest)}
	arn, err := fc.ParseDestinationARN(dest)
	if err != nil {
		s.log.LogAttrs(ctx, slog.LevelError, "async destination not delivered", append(attrs, slog.String("error", err.Error()))...)
		return
	}
	if arn.Kind != fc.DestinationFC {
		s.log.LogAttrs(ctx, slog.LevelWarn, "async destination not delivered locally",
			append(attrs, slog.String("kind", arn.Kind), slog.String("reason", "the local Function Compute has no "+arn.Kind+"; only function destinations are delivered"))...)
		return
	}
	event, err := json.Marshal(rec)
	if err != nil {
		s.log.LogAttrs(ctx, slog.LevelError, "async destination not delivered", append(attrs, slog.String("error", err.Error()))...)
		return
	}
	if len(event) > maxFunctionDestinationBytes {
		s.log.LogAttrs(ctx, slog.LevelError, "async destination not delivered",
			append(attrs, slog.String("error", fc.CodeDestinationDeliveryFailed+": the record is larger than the 128 KB function destinations accept"), slog.Int("bytes", len(event)))...)
		return
	}
	delivery := store.AsyncInvocation{
		ID: newRequestID(), AccountID: arn.AccountID, ServiceName: arn.Service, Qualifier: arn.Qualifier,
		FunctionName: arn.Function, Event: event, QueuedAt: s.now(), NoDestinations: true,
	}
	if err := s.store.EnqueueAsync(context.WithoutCancel(ctx), delivery); err != nil {
		s.log.LogAttrs(ctx, slog.LevelError, "async destination not delivered", append(attrs, slog.String("error", err.Error()))...)
		return
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "async destination delivered", append(attrs, slog.String("deliveryRequestId", delivery.ID))...)
	s.wakeAsync()
}
