package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/strictjson"
)

// decodeJSON decodes a request body strictly into dst: an object, no
// unknown or duplicate fields, right types, nothing after it, and every
// required field present and not null. Errors name the field.
func decodeJSON(r *http.Request, dst any, required ...string) error {
	return decodeJSONExcept(r, dst, nil, required...)
}

// decodeJSONExcept is decodeJSON that also refuses the named fields with a
// message saying they belong to the server, before the generic
// unknown-field check would.
func decodeJSONExcept(r *http.Request, dst any, forbidden []string, required ...string) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return focusflow.Invalid("", "Send the request body as application/json.")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return err
		}
		return focusflow.Invalid("", "Could not read the request body.")
	}
	obj, err := strictjson.Reader{Input: "The request body"}.Object(body)
	if err != nil {
		return err
	}
	for _, k := range forbidden {
		if obj.Has(k) {
			return focusflow.Invalid(k, "Field %q is set by the server and cannot be sent.", k)
		}
	}
	return obj.Decode(dst, required...)
}

// optional is a JSON field that distinguishes "absent" (Set false) from
// "null" (Set true, Value nil), so PATCH can clear a field.
type optional[T any] struct {
	Set   bool
	Value *T
}

func (o *optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Value = nil
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	o.Value = &v
	return nil
}
