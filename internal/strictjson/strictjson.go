// Package strictjson reads JSON objects strictly, for input a client sends
// (request bodies, uploaded documents): exactly one object, no unknown or
// duplicate keys, the right type for every field, nothing after it, and
// the required keys present and not null. Every error is a
// *focusflow.Error whose Field is the path of the culprit ("title",
// "tasks[3].title"), worded for the person who sent the input.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"github.com/focusflow/focusflow"
)

// Reader words the errors for one kind of input.
type Reader struct {
	// Input names the whole input at the start of a message: "The request
	// body", "The document".
	Input string
	// Integer is what a field of an integer type is said to expect:
	// "a number" when empty.
	Integer string
}

// Object is one JSON object whose syntax passed: nothing after it, and no
// key twice.
type Object struct {
	r    Reader
	path string                     // where the object is in the input; "" for all of it
	data []byte                     // the object alone
	vals map[string]json.RawMessage // the values by key, folded by foldKey
}

// Object checks that data is exactly one JSON object, with no key twice.
func (r Reader) Object(data []byte) (*Object, error) {
	return r.ObjectAt(data, "")
}

// ObjectAt is Object for a value inside a larger input: path names where
// it is ("tasks[3]"), in messages and in the fields of errors.
func (r Reader) ObjectAt(data []byte, path string) (*Object, error) {
	o := &Object{r: r, path: path, data: data}
	vals, err := o.scan()
	if err != nil {
		return nil, err
	}
	o.vals = vals
	return o, nil
}

// Decode checks data with Object and decodes it into dst with Decode.
func (r Reader) Decode(data []byte, dst any, required ...string) error {
	return r.DecodeAt(data, "", dst, required...)
}

// DecodeAt is Decode for a value inside a larger input (see ObjectAt).
func (r Reader) DecodeAt(data []byte, path string, dst any, required ...string) error {
	o, err := r.ObjectAt(data, path)
	if err != nil {
		return err
	}
	return o.Decode(dst, required...)
}

// subject names the object at the start of a message.
func (o *Object) subject() string {
	if o.path != "" {
		return o.path
	}
	if o.r.Input != "" {
		return o.r.Input
	}
	return "The input"
}

// field is the path of one of the object's keys.
func (o *Object) field(key string) string {
	if o.path == "" || key == "" {
		return o.path + key
	}
	return o.path + "." + key
}

// scan reads the object token by token and returns its values by folded
// key.
func (o *Object) scan() (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(o.data))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, focusflow.Invalid(o.path, "%s must be a JSON object.", o.subject())
	}
	vals := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, focusflow.Invalid(o.path, "%s is not valid JSON.", o.subject())
		}
		k, _ := tok.(string)
		if _, dup := vals[foldKey(k)]; dup {
			return nil, focusflow.Invalid(o.field(k), "Field %q appears more than once.", o.field(k))
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, focusflow.Invalid(o.field(k), "Field %q is not valid JSON.", o.field(k))
		}
		vals[foldKey(k)] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, focusflow.Invalid(o.path, "%s is not valid JSON.", o.subject())
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, focusflow.Invalid(o.path, "Unexpected data after the JSON object.")
	}
	return vals, nil
}

// Has reports whether the object has key, spelt in any case (as
// encoding/json matches keys to fields).
func (o *Object) Has(key string) bool {
	_, ok := o.vals[foldKey(key)]
	return ok
}

// Decode decodes the object into dst (a pointer to a struct): every key
// must name a field of it and hold a value of the field's type, and every
// required key must be there and not be null.
func (o *Object) Decode(dst any, required ...string) error {
	dec := json.NewDecoder(bytes.NewReader(o.data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te):
			f := o.field(te.Field)
			return focusflow.Invalid(f, "Field %q has the wrong type (expected %s).", f, o.kind(te.Type))
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.TrimPrefix(err.Error(), "json: unknown field ")
			if s, err := strconv.Unquote(name); err == nil {
				name = s
			}
			return focusflow.Invalid(o.field(name), "Unknown field %q.", o.field(name))
		default:
			return focusflow.Invalid(o.path, "%s is not valid JSON.", o.subject())
		}
	}
	for _, k := range required {
		if err := o.Require(k); err != nil {
			return err
		}
	}
	return nil
}

// Require returns the error for a required key that is missing or null,
// and nil when the object has it with a value.
func (o *Object) Require(key string) error {
	v, ok := o.vals[foldKey(key)]
	switch {
	case !ok:
		return focusflow.Invalid(o.field(key), "Field %q is required.", o.field(key))
	case string(v) == "null":
		return focusflow.Invalid(o.field(key), "Field %q must not be null.", o.field(key))
	}
	return nil
}

// kind names the JSON type a Go type is decoded from.
func (o *Object) kind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if o.r.Integer != "" {
			return o.r.Integer
		}
		return "a number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "an object"
}

// FoldKey is the spelling shared by every key encoding/json matches to the
// same field (see foldKey), for readers that walk a document token by
// token.
func FoldKey(k string) string { return foldKey(k) }

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
