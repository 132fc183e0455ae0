package web

import (
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
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
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
		s.logger.ErrorContext(r.Context(), "internal error", "error", err, "path", r.URL.Path)
	case focusflow.EUNAVAILABLE:
		s.metrics.DBErrors.Inc()
		s.logger.WarnContext(r.Context(), "service unavailable", "error", err)
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

type errorPage struct {
	Status    int
	Title     string
	Message   string
	RequestID string
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, focusflow.Errorf(focusflow.ENOTFOUND, "Not found."))
}
