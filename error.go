package focusflow

import (
	"errors"
	"fmt"
)

// Error codes. The web layer maps each one to an HTTP status in exactly one
// place; any error that is not an *Error reaches users as EINTERNAL.
const (
	EINVALID      = "invalid"      // bad input; Field names the culprit
	ENOTFOUND     = "not_found"    // missing, or owned by someone else
	ECONFLICT     = "conflict"     // stale version, duplicate, overlap
	EUNAUTHORIZED = "unauthorized" // not signed in / bad credentials
	EFORBIDDEN    = "forbidden"    // signed in but not allowed (CSRF, locked)
	ERATELIMIT    = "rate_limited" // too many requests
	ETOOLARGE     = "too_large"    // request body over the limit
	EMETHOD       = "method_not_allowed"
	EUNAVAILABLE  = "unavailable" // database or dependency down
	EINTERNAL     = "internal"    // anything unexpected
)

// Error is the one error type that carries a user-facing message.
type Error struct {
	Code    string
	Message string
	Field   string // optional: the input field the error is about
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("focusflow error: code=%s field=%s message=%s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("focusflow error: code=%s message=%s", e.Code, e.Message)
}

// Errorf builds an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid builds an EINVALID error about one input field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for foreign errors, "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err; foreign errors are
// never shown to users.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorField returns the field an *Error is about, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
