package strictjson

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/focusflow/focusflow"
)

type item struct {
	Title string            `json:"title"`
	Count int               `json:"count"`
	Rate  float64           `json:"rate"`
	Done  *bool             `json:"done"`
	Tags  []string          `json:"tags"`
	Inner struct{ N int }   `json:"inner"`
	Raw   json.RawMessage   `json:"raw"`
	Map   map[string]string `json:"map"`
}

func TestDecode(t *testing.T) {
	body := Reader{Input: "The request body"}
	doc := Reader{Input: "The document", Integer: "a whole number"}
	cases := []struct {
		name     string
		r        Reader
		path     string
		data     string
		required []string
		field    string // "" with msg "": success
		msg      string
	}{
		{name: "valid", r: body, data: `{"title":"x","count":2,"done":true,"tags":["a"],"raw":[1,{}]}`},
		{name: "whitespace", r: body, data: " \n{\"title\":\"x\"}\n "},
		{name: "any case", r: body, data: `{"TITLE":"x"}`, required: []string{"title"}},
		{name: "not an object", r: body, data: `["title"]`, msg: "The request body must be a JSON object."},
		{name: "null", r: body, data: `null`, msg: "The request body must be a JSON object."},
		{name: "empty", r: doc, data: ``, msg: "The document must be a JSON object."},
		{name: "element", r: doc, path: "tasks[3]", data: `"t1"`, field: "tasks[3]", msg: "tasks[3] must be a JSON object."},
		{name: "malformed", r: body, data: `{"title":`, field: "title", msg: `Field "title" is not valid JSON.`},
		{name: "malformed key", r: doc, data: `{"title":"x",}`, msg: "The document is not valid JSON."},
		{name: "unclosed", r: body, data: `{"title":"x"`, msg: "The request body is not valid JSON."},
		{name: "trailing object", r: body, data: `{"title":"x"}{}`, msg: "Unexpected data after the JSON object."},
		{name: "trailing garbage", r: doc, data: `{"title":"x"} x`, msg: "Unexpected data after the JSON object."},
		{name: "duplicate", r: body, data: `{"title":"x","title":"y"}`, field: "title", msg: `Field "title" appears more than once.`},
		{name: "duplicate in another case", r: doc, path: "tasks[0]", data: `{"title":"x","Title":"y"}`,
			field: "tasks[0].Title", msg: `Field "tasks[0].Title" appears more than once.`},
		{name: "duplicate via the Kelvin sign", r: body, data: "{\"kind\":\"a\",\"\u212aIND\":\"b\"}",
			field: "\u212aIND", msg: "appears more than once"},
		{name: "unknown", r: body, data: `{"admin":true}`, field: "admin", msg: `Unknown field "admin".`},
		{name: "unknown with a quote", r: body, data: `{"a\"b":1}`, field: `a"b`, msg: `Unknown field "a\"b".`},
		{name: "unknown in an element", r: doc, path: "notes[1]", data: `{"colour":1}`, field: "notes[1].colour",
			msg: `Unknown field "notes[1].colour".`},
		{name: "string", r: body, data: `{"title":1}`, field: "title", msg: `Field "title" has the wrong type (expected a string).`},
		{name: "integer", r: body, data: `{"count":"1"}`, field: "count", msg: "(expected a number)."},
		{name: "integer in a document", r: doc, path: "tasks[1]", data: `{"count":1.5}`, field: "tasks[1].count",
			msg: `Field "tasks[1].count" has the wrong type (expected a whole number).`},
		{name: "overflow", r: body, data: `{"count":1e400}`, field: "count", msg: "(expected a number)."},
		{name: "float", r: doc, data: `{"rate":"fast"}`, field: "rate", msg: "(expected a number)."},
		{name: "bool", r: body, data: `{"done":"yes"}`, field: "done", msg: "(expected true or false)."},
		{name: "array", r: doc, data: `{"tags":"a"}`, field: "tags", msg: "(expected an array)."},
		{name: "object", r: doc, data: `{"map":[]}`, field: "map", msg: "(expected an object)."},
		{name: "nested", r: doc, path: "x", data: `{"inner":{"N":"1"}}`, field: "x.inner.N", msg: "(expected a whole number)."},
		{name: "missing", r: body, data: `{"count":1}`, required: []string{"title"}, field: "title", msg: `Field "title" is required.`},
		{name: "missing in an element", r: doc, path: "tasks[2]", data: `{}`, required: []string{"title"},
			field: "tasks[2].title", msg: `Field "tasks[2].title" is required.`},
		{name: "null", r: body, data: `{"title":null}`, required: []string{"title"}, field: "title",
			msg: `Field "title" must not be null.`},
		{name: "null and optional", r: body, data: `{"title":null,"done":null}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var dst item
			err := tc.r.DecodeAt([]byte(tc.data), tc.path, &dst, tc.required...)
			if tc.msg == "" {
				if err != nil {
					t.Fatalf("want success, got %v", err)
				}
				return
			}
			fe, ok := err.(*focusflow.Error)
			if !ok || fe.Code != focusflow.EINVALID || fe.Field != tc.field || !strings.Contains(fe.Message, tc.msg) {
				t.Errorf("got %#v, want field %q and a message with %q", err, tc.field, tc.msg)
			}
		})
	}
}

func TestObjectHasAndRequire(t *testing.T) {
	o, err := Reader{}.Object([]byte(`{"Title":"x","gone":null}`))
	if err != nil {
		t.Fatal(err)
	}
	if !o.Has("title") || !o.Has("TITLE") || !o.Has("gone") || o.Has("count") {
		t.Error("Has does not match keys as encoding/json does")
	}
	if o.Require("title") != nil {
		t.Error("Require refused a key with a value")
	}
	if err := o.Require("gone"); focusflow.ErrorField(err) != "gone" || focusflow.ErrorMessage(err) != `Field "gone" must not be null.` {
		t.Errorf("null: %v", err)
	}
	if err := o.Require("count"); focusflow.ErrorMessage(err) != `Field "count" is required.` {
		t.Errorf("missing: %v", err)
	}
	if _, err := (Reader{}).Object([]byte(`1`)); focusflow.ErrorMessage(err) != "The input must be a JSON object." {
		t.Errorf("unnamed input: %v", err)
	}
}
