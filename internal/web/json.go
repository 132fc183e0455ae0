package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"unicode"

	"github.com/focusflow/focusflow"
)

// decodeJSON decodes a request body strictly into dst: an object, no
// unknown or duplicate fields, right types, nothing after it, and every
// required field present. Errors name the field.
func decodeJSON(r *http.Request, dst any, required ...string) error {
	return decodeJSONExcept(r, dst, nil, required...)
}

// decodeJSONExcept is decodeJSON that also refuses the named fields with a
// message saying they belong to the server.
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
	keys, err := topLevelKeys(body)
	if err != nil {
		return err
	}
	for _, k := range forbidden {
		if keys[foldKey(k)] {
			return focusflow.Invalid(k, "Field %q is set by the server and cannot be sent.", k)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te):
			return focusflow.Invalid(te.Field, "Field %q has the wrong type (expected %s).", te.Field, jsonKind(te.Type.String()))
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return focusflow.Invalid(name, "Unknown field %q.", name)
		default:
			return focusflow.Invalid("", "The request body is not valid JSON.")
		}
	}
	for _, k := range required {
		if !keys[foldKey(k)] {
			return focusflow.Invalid(k, "Field %q is required.", k)
		}
	}
	return nil
}

// topLevelKeys checks that body is one JSON object with no duplicate keys
// and no trailing data, and returns its keys, folded by foldKey.
func topLevelKeys(body []byte) (map[string]bool, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, focusflow.Invalid("", "The request body must be a JSON object.")
	}
	keys := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, focusflow.Invalid("", "The request body is not valid JSON.")
		}
		k, _ := tok.(string)
		if keys[foldKey(k)] {
			return nil, focusflow.Invalid(k, "Field %q appears more than once.", k)
		}
		keys[foldKey(k)] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, focusflow.Invalid(k, "Field %q is not valid JSON.", k)
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, focusflow.Invalid("", "The request body is not valid JSON.")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, focusflow.Invalid("", "Unexpected data after the JSON object.")
	}
	return keys, nil
}

func jsonKind(goType string) string {
	switch {
	case strings.Contains(goType, "int"), strings.Contains(goType, "float"):
		return "a number"
	case strings.Contains(goType, "string"):
		return "a string"
	case strings.Contains(goType, "bool"):
		return "true or false"
	}
	return "another type"
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

// foldKey maps a key to one spelling shared by every key encoding/json
// treats as the same field: it matches names ignoring case (Unicode simple
// folding), so "Title" or "TITLE" would silently overwrite "title" unless
// duplicates are found by this spelling.
func foldKey(k string) string {
	return strings.Map(func(r rune) rune {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		return least
	}, k)
}
