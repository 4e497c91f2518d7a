package localfc

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/fcdeploy/fcdeploy/fc"
)

// response is what a handler returns; ServeHTTP writes it. A nil body with
// status 204 writes nothing; raw bodies (code downloads) bypass JSON.
type response struct {
	status      int
	body        any
	etag        string
	raw         []byte
	contentType string
	header      http.Header // extra headers (invocation results)
}

func jsonOK(body any, etag string) response {
	return response{status: http.StatusOK, body: body, etag: etag}
}

func noContent() response { return response{status: http.StatusNoContent} }

// writeResponse writes a successful response.
func writeResponse(w http.ResponseWriter, resp response) {
	h := w.Header()
	for k, vs := range resp.header {
		h[k] = vs
	}
	if resp.etag != "" {
		h.Set("ETag", resp.etag)
	}
	switch {
	case resp.raw != nil:
		h.Set("Content-Type", resp.contentType)
		w.WriteHeader(resp.status)
		w.Write(resp.raw)
	case resp.body != nil:
		h.Set("Content-Type", "application/json")
		w.WriteHeader(resp.status)
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.Encode(resp.body)
	default:
		w.WriteHeader(resp.status)
	}
}

// apiError turns any handler error into the error the client sees. Only
// *fc.APIError and oversized bodies keep their message; anything else is an
// internal failure whose details stay in the server log.
func (s *Server) apiError(r *http.Request, reqID string, err error) *fc.APIError {
	if e := fc.AsAPIError(err); e != nil {
		out := *e
		if out.HTTPStatus == 0 {
			out.HTTPStatus = fc.StatusForCode(out.Code)
		}
		return &out
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return fc.NewError(fc.CodeEntityTooLarge, "request body is larger than %d bytes", tooBig.Limit)
	}
	s.log.Error("internal error", slog.String("method", r.Method), slog.String("path", logPath(r)),
		slog.String("requestId", reqID), slog.String("error", err.Error()))
	return fc.NewError(fc.CodeInternalServerError, "internal server error (request %s); see the server log", reqID)
}

// writeError is the one error mapper: every failure leaves through it as
// {"ErrorCode","ErrorMessage"} with the status its code carries.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, reqID string, err error) {
	e := s.apiError(r, reqID, err)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.HTTPStatus)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(e)
}

func invalid(format string, args ...any) error {
	return fc.NewError(fc.CodeInvalidArgument, format, args...)
}
