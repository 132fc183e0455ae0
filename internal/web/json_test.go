package web

import (
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/focusflow/focusflow"
)

// jsonEndpoint is one JSON API write. The attack suite sends injection
// strings, XSS payloads, CSRF failures and malformed bodies to every entry
// whose route exists; entries whose route does not exist (yet) are
// skipped, so add new endpoints here as they are written.
type jsonEndpoint struct {
	name   string
	method string
	// path returns the URL path, creating what it needs (e.g. a task)
	// with c, a signed-in client.
	path func(t testing.TB, c *client) string
	// body returns a valid request body with text in its text fields.
	body func(text string) map[string]any
	// textFields take user text (the wrong-type check sends a number).
	textFields []string
	// required is a field the endpoint cannot do without ("" = none).
	required string
}

// testDate is the fake clock's date in UTC, the test users' time zone.
var testDate = testEpoch.Format("2006-01-02")

func fixedPath(p string) func(testing.TB, *client) string {
	return func(testing.TB, *client) string { return p }
}

// jsonEndpoints lists the JSON API writes. Field names follow the
// dashboard's modules in ui/static/js (tasks.js, notes.js, entries.js).
var jsonEndpoints = []jsonEndpoint{
	{
		name: "create task", method: http.MethodPost, path: fixedPath("/api/v1/tasks"),
		body:       func(s string) map[string]any { return map[string]any{"date": testDate, "title": s, "description": s} },
		textFields: []string{"title", "description"}, required: "title",
	},
	{
		name: "update task", method: http.MethodPatch,
		path: func(t testing.TB, c *client) string {
			return "/api/v1/tasks/" + strconv.FormatInt(createTask(t, c), 10)
		},
		body: func(s string) map[string]any { return map[string]any{"title": s, "description": s} },
		// PATCH fields are all optional.
		textFields: []string{"title", "description"},
	},
	{
		name: "create note", method: http.MethodPost, path: fixedPath("/api/v1/notes"),
		body: func(s string) map[string]any {
			return map[string]any{"date": testDate, "type": "general", "title": s, "content": s}
		},
		textFields: []string{"title", "content"}, required: "content",
	},
	{
		name: "day note", method: http.MethodPut, path: fixedPath("/api/v1/days/" + testDate + "/note"),
		body:       func(s string) map[string]any { return map[string]any{"text": s} },
		textFields: []string{"text"}, required: "text",
	},
	{
		name: "start timer", method: http.MethodPost,
		path: fixedPath("/api/v1/timer/start"),
		body: func(string) map[string]any { return map[string]any{"task_id": 1} },
		// no text fields
		required: "task_id",
	},
	{
		name: "manual entry", method: http.MethodPost,
		path: func(t testing.TB, c *client) string {
			return "/api/v1/tasks/" + strconv.FormatInt(createTask(t, c), 10) + "/entries"
		},
		body: func(string) map[string]any {
			return map[string]any{"started_at": testDate + "T07:00:00Z", "ended_at": testDate + "T08:00:00Z"}
		},
		textFields: []string{"started_at", "ended_at"}, required: "started_at",
	},
}

// routeExists reports whether the server has a route for method and path:
// a request no route takes gets the unmatched handler's plain 404 "Not
// found." or a 405, whatever the body.
func routeExists(t testing.TB, c *client, method, path string) bool {
	t.Helper()
	res := c.json(method, path, "{")
	switch res.Status {
	case http.StatusMethodNotAllowed:
		return false
	case http.StatusNotFound:
		return !(strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") &&
			res.apiError(t).Message == "Not found.")
	}
	return true
}

// createTask creates a task for today through the API and returns its id.
func createTask(t testing.TB, c *client) int64 {
	t.Helper()
	res := c.json(http.MethodPost, "/api/v1/tasks", map[string]any{"date": testDate, "title": "a task"})
	res.expect(t, http.StatusOK, http.StatusCreated)
	var v struct {
		ID   int64 `json:"id"`
		Task struct {
			ID int64 `json:"id"`
		} `json:"task"`
	}
	res.decode(t, &v)
	if v.ID == 0 {
		v.ID = v.Task.ID
	}
	if v.ID == 0 {
		t.Fatalf("no task id in %s", res)
	}
	return v.ID
}

// forEachJSONEndpoint runs fn for every routed JSON endpoint as a subtest
// with a signed-in client and the endpoint's path.
func forEachJSONEndpoint(t *testing.T, ts *testServer, fn func(t *testing.T, c *client, ep jsonEndpoint, path string)) {
	t.Helper()
	for _, ep := range jsonEndpoints {
		t.Run(ep.name, func(t *testing.T) {
			c, _ := ts.signedInClient(t)
			path := ep.path(t, c)
			if !routeExists(t, c, ep.method, path) {
				t.Fatalf("%s %s is not routed", ep.method, path)
			}
			fn(t, c, ep, path)
		})
	}
}

// TestDecodeJSON drives the strict decoder directly (the routes that use
// it are covered through HTTP in TestMalformedJSONBodies).
func TestDecodeJSON(t *testing.T) {
	t.Parallel()
	type dst struct {
		Title string `json:"title"`
		Count int    `json:"count"`
		Done  bool   `json:"done"`
		Kind  string `json:"kind"`
	}
	cases := []struct {
		name, body, ctype string
		field, msg        string // expected EINVALID field and message fragment
		ok                bool
	}{
		{name: "valid", body: `{"title":"x","count":2,"done":true}`, ok: true},
		{name: "valid with whitespace", body: " \n{\"title\":\"x\"}\n ", ok: true},
		{name: "charset content type", body: `{"title":"x"}`, ctype: "application/json; charset=utf-8", ok: true},
		{name: "malformed", body: `{"title":`, msg: "not valid JSON"},
		{name: "not an object", body: `["title"]`, msg: "JSON object"},
		{name: "string", body: `"title"`, msg: "JSON object"},
		{name: "null", body: `null`, msg: "JSON object"},
		{name: "empty", body: ``, msg: "JSON object"},
		{name: "unknown field", body: `{"title":"x","admin":true}`, field: "admin", msg: "Unknown field"},
		{name: "unknown field with a quote", body: `{"title":"x","a\"b":1}`, msg: "Unknown field"},
		{name: "duplicate field", body: `{"title":"x","title":"y"}`, field: "title", msg: "more than once"},
		// encoding/json matches keys ignoring case, so "Title" would
		// silently overwrite "title": a duplicate all the same.
		{name: "duplicate after case fold", body: `{"title":"x","Title":"y"}`, msg: "more than once"},
		{name: "duplicate via the Kelvin sign", body: "{\"title\":\"x\",\"kind\":\"a\",\"\u212aIND\":\"b\"}", msg: "more than once"},
		{name: "required field in another case", body: `{"TITLE":"x"}`, ok: true},
		{name: "trailing object", body: `{"title":"x"}{"title":"y"}`, msg: "after the JSON object"},
		{name: "trailing garbage", body: `{"title":"x"} xyz`, msg: "JSON"},
		{name: "wrong type string", body: `{"title":1}`, field: "title", msg: "a string"},
		{name: "wrong type number", body: `{"count":"1"}`, field: "count", msg: "a number"},
		{name: "wrong type bool", body: `{"done":"yes"}`, field: "done", msg: "true or false"},
		{name: "number overflow", body: `{"count":1e400}`, field: "count", msg: "a number"},
		{name: "missing required", body: `{"count":1}`, field: "title", msg: "required"},
		{name: "form content type", body: `{"title":"x"}`, ctype: "application/x-www-form-urlencoded", msg: "application/json"},
		{name: "invalid UTF-8 is not a crash", body: "{\"title\":\"\xff\"}", ok: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/api/v1/x", strings.NewReader(tc.body))
			ct := tc.ctype
			if ct == "" {
				ct = "application/json"
			}
			r.Header.Set("Content-Type", ct)
			var d dst
			err := decodeJSON(r, &d, "title")
			if tc.ok {
				if err != nil {
					t.Fatalf("want success, got %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("want an error, got none (decoded %+v)", d)
			}
			if code := focusflow.ErrorCode(err); code != focusflow.EINVALID {
				t.Fatalf("want code %s, got %s (%v)", focusflow.EINVALID, code, err)
			}
			if tc.field != "" && focusflow.ErrorField(err) != tc.field {
				t.Errorf("want field %q, got %q (%v)", tc.field, focusflow.ErrorField(err), err)
			}
			if !strings.Contains(focusflow.ErrorMessage(err), tc.msg) {
				t.Errorf("want message containing %q, got %q", tc.msg, focusflow.ErrorMessage(err))
			}
		})
	}

	t.Run("too large", func(t *testing.T) {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, "/api/v1/x", strings.NewReader(`{"title":"`+strings.Repeat("a", 100)+`"}`))
		r.Header.Set("Content-Type", "application/json")
		r.Body = http.MaxBytesReader(w, r.Body, 50)
		var d dst
		err := decodeJSON(r, &d)
		var mb *http.MaxBytesError
		if err == nil || !errors.As(err, &mb) {
			t.Fatalf("want a *http.MaxBytesError (the caller answers 413), got %v", err)
		}
	})
}

// testMalformedJSONBodies sends malformed bodies to every routed JSON
// endpoint: each gets 400 naming the field, or 413 when too large.
func testMalformedJSONBodies(t *testing.T, ts *testServer) {
	forEachJSONEndpoint(t, ts, func(t *testing.T, c *client, ep jsonEndpoint, path string) {
		valid := ep.body("hello")
		first := firstKey(valid)
		cases := []struct {
			name, body string
			field      string
		}{
			{"malformed", `{"` + first + `":`, ""},
			{"not an object", `[1,2]`, ""},
			{"unknown field", mustJSON(t, valid)[:len(mustJSON(t, valid))-1] + `,"is_admin":true}`, "is_admin"},
			{"duplicate field", `{` + strconv.Quote(first) + `:` + mustJSON(t, valid[first]) + `,` +
				strings.TrimPrefix(mustJSON(t, valid), "{"), first},
			{"trailing data", mustJSON(t, valid) + `{"x":1}`, ""},
		}
		for _, f := range ep.textFields {
			wrong := cloneMap(valid)
			wrong[f] = 12345
			cases = append(cases, struct{ name, body, field string }{"wrong type " + f, mustJSON(t, wrong), f})
		}
		if ep.required != "" {
			missing := cloneMap(valid)
			delete(missing, ep.required)
			cases = append(cases, struct{ name, body, field string }{"missing " + ep.required, mustJSON(t, missing), ep.required})
		}
		for _, tc := range cases {
			res := c.json(ep.method, path, tc.body)
			if res.Status != http.StatusBadRequest {
				t.Errorf("%s: want 400, got %s", tc.name, res)
				continue
			}
			e := res.apiError(t)
			if e.Code != focusflow.EINVALID {
				t.Errorf("%s: want code invalid, got %+v", tc.name, e)
			}
			if tc.field != "" && e.Field != tc.field {
				t.Errorf("%s: want field %q, got %+v", tc.name, tc.field, e)
			}
		}

		// Too large, with and without a Content-Length.
		big := map[string]any{first: strings.Repeat("x", int(ts.cfg.MaxBodyBytes))}
		for _, opts := range [][]reqOpt{nil, {chunked()}} {
			res := c.json(ep.method, path, big, opts...)
			if res.Status != http.StatusRequestEntityTooLarge {
				t.Errorf("oversized body (chunked=%v): want 413, got %s", opts != nil, res)
			} else if e := res.apiError(t); e.Code != focusflow.ETOOLARGE {
				t.Errorf("oversized body: want code too_large, got %+v", e)
			}
		}
	})
}

func firstKey(m map[string]any) string {
	for _, k := range []string{"title", "text", "content", "task_id", "started_at", "date"} {
		if _, ok := m[k]; ok {
			return k
		}
	}
	for k := range m {
		return k
	}
	return ""
}

func cloneMap(m map[string]any) map[string]any {
	return maps.Clone(m)
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
