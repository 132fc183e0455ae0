package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/focusflow/focusflow"
)

// statusOf is the ONE map from error code to HTTP status.
var statusOf = map[string]int{
	focusflow.EINVALID:      http.StatusBadRequest,
	focusflow.ENOTFOUND:     http.StatusNotFound,
	focusflow.ECONFLICT:     http.StatusConflict,
	focusflow.EUNAUTHORIZED: http.StatusUnauthorized,
	focusflow.EFORBIDDEN:    http.StatusForbidden,
	focusflow.ERATELIMIT:    http.StatusTooManyRequests,
	focusflow.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	focusflow.EMETHOD:       http.StatusMethodNotAllowed,
	focusflow.EUNAVAILABLE:  http.StatusServiceUnavailable,
	focusflow.EINTERNAL:     http.StatusInternalServerError,
}

// errorBody is the one JSON error shape.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Field     string `json:"field,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/")
}

// fail answers an error: JSON under /api/, an HTML page elsewhere. Errors
// that are not *focusflow.Error are logged in full and shown as "Internal
// error" with the request id, never their text.
//
// The request's context decides first: a client that hung up is recorded
// as 499, whatever the error its departure caused; a request whose
// database budget ran out is answered 503 with Retry-After.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	cause := err
	switch ctxErr := r.Context().Err(); {
	case errors.Is(ctxErr, context.Canceled):
		w.WriteHeader(statusClientClosed)
		return
	case errors.Is(ctxErr, context.DeadlineExceeded):
		s.metrics.DBTimeouts.Inc()
		err = focusflow.Errorf(focusflow.EUNAVAILABLE, "The service is taking too long to answer. Please try again shortly.")
	}
	code := focusflow.ErrorCode(err)
	status := statusOf[code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		code, status = focusflow.ETOOLARGE, http.StatusRequestEntityTooLarge
		err = focusflow.Errorf(focusflow.ETOOLARGE, "The request body is too large (limit %d bytes).", mb.Limit)
	}
	switch code {
	case focusflow.EINTERNAL:
		ri := info(r.Context())
		s.logger.ErrorContext(r.Context(), "internal error", "error", err, "route", ri.match.route,
			"path", r.URL.Path, "request_id", ri.id, "user_id", ri.userID)
	case focusflow.EUNAVAILABLE:
		s.metrics.DBErrors.Inc()
		ri := info(r.Context())
		s.logger.WarnContext(r.Context(), "service unavailable", "error", cause, "route", ri.match.route,
			"request_id", ri.id, "deadline_passed", cause != err)
		if w.Header().Get("Retry-After") == "" {
			w.Header().Set("Retry-After", retryAfterUnavailable)
		}
	}
	msg := focusflow.ErrorMessage(err)
	if code == focusflow.EINTERNAL {
		msg = "Internal error."
	}
	if isAPI(r) {
		s.writeJSON(w, r, status, errorBody{Error: errorDetail{Code: code, Message: msg,
			Field: focusflow.ErrorField(err), RequestID: requestID(r.Context())}})
		return
	}
	s.renderStatus(w, r, status, "error", errorPage{Status: status, Title: http.StatusText(status), Message: msg,
		RequestID: requestID(r.Context())})
}

// statusClientClosed records a request whose client hung up before its
// answer (nginx's 499): nothing failed on our side.
const statusClientClosed = 499

// retryAfterUnavailable is how long a client is asked to wait after a 503
// from the database: long enough for a restart or failover to settle.
const retryAfterUnavailable = "5"

type errorPage struct {
	Status    int
	Title     string
	Message   string
	RequestID string
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, focusflow.Errorf(focusflow.ENOTFOUND, "Not found."))
}
