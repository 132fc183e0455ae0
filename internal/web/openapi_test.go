package web

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/api"
)

// TestOpenAPIMatchesRoutes keeps api/openapi.json honest: every /api/ route
// the server registers is documented, and every documented operation
// exists.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(api.OpenAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	s := &Server{}
	rt := s.routes()
	registered := map[string]bool{}
	for _, p := range rt.patterns {
		if method, path, ok := strings.Cut(p, " "); ok && strings.HasPrefix(path, "/api/") {
			registered[method+" "+path] = true
		}
	}
	for r := range registered {
		if !documented[r] {
			t.Errorf("route %s is not in api/openapi.json", r)
		}
	}
	for d := range documented {
		if !registered[d] {
			t.Errorf("api/openapi.json documents %s, which the server does not serve", d)
		}
	}
	if len(registered) == 0 || !slices.Contains(rt.patterns, "GET /api/v1/openapi.json") {
		t.Fatal("no API routes registered")
	}
}

// TestOpenAPIOperationsAreComplete: every operation has an id, a tag, a
// summary, examples of its JSON bodies, and security whose bearer scopes
// are the ones the server enforces (routeScopes).
func TestOpenAPIOperationsAreComplete(t *testing.T) {
	type media struct {
		Example  any            `json:"example"`
		Examples map[string]any `json:"examples"`
	}
	type body struct {
		Content map[string]media `json:"content"`
	}
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string                `json:"operationId"`
			Tags        []string              `json:"tags"`
			Summary     string                `json:"summary"`
			Security    []map[string][]string `json:"security"`
			RequestBody *body                 `json:"requestBody"`
			Responses   map[string]body       `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(api.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	hasExample := func(m media) bool { return m.Example != nil || len(m.Examples) > 0 }
	for path, ops := range doc.Paths {
		for method, op := range ops {
			route := strings.ToUpper(method) + " " + path
			if op.OperationID == "" || ids[op.OperationID] || len(op.Tags) == 0 || op.Summary == "" || len(op.Security) == 0 {
				t.Errorf("%s: operationId %q (unique: %v), tags %v, summary %q, security %v", route, op.OperationID,
					!ids[op.OperationID], op.Tags, op.Summary, op.Security)
			}
			ids[op.OperationID] = true
			if op.RequestBody != nil {
				for ct, m := range op.RequestBody.Content {
					if !hasExample(m) {
						t.Errorf("%s: request body %s has no example", route, ct)
					}
				}
			}
			for code, res := range op.Responses {
				for ct, m := range res.Content {
					if strings.HasPrefix(code, "2") && !hasExample(m) {
						t.Errorf("%s: response %s %s has no example", route, code, ct)
					}
				}
			}
			want, open := routeScopes[route]
			var bearer []string
			documented := false
			for _, req := range op.Security {
				if s, ok := req["bearer"]; ok {
					bearer, documented = s, true
				}
			}
			switch {
			case !open && documented:
				t.Errorf("%s: documented for bearer tokens, which the server refuses", route)
			case open && !documented && route != "GET /api/v1/openapi.json":
				t.Errorf("%s: bearer security missing (the server wants %s)", route, want)
			case open && want == anyScope && len(bearer) != 0,
				open && want != anyScope && documented && !slices.Equal(bearer, []string{want}):
				t.Errorf("%s: bearer scopes %v, the server wants %s", route, bearer, want)
			}
		}
	}
}

// TestOpenAPIActivityKinds: the documented activity kinds are exactly the
// ones the server writes (focusflow.ActivityKinds, itself checked against
// the declared constants).
func TestOpenAPIActivityKinds(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas struct {
				Activity struct {
					Properties struct {
						Kind struct {
							Enum []string `json:"enum"`
						} `json:"kind"`
					} `json:"properties"`
				} `json:"Activity"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(api.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	documented := doc.Components.Schemas.Activity.Properties.Kind.Enum
	kinds := focusflow.ActivityKinds()
	for _, k := range kinds {
		if !slices.Contains(documented, k) {
			t.Errorf("activity kind %q is not in the Activity schema's kind enum", k)
		}
	}
	for _, k := range documented {
		if !slices.Contains(kinds, k) {
			t.Errorf("the Activity schema documents kind %q, which the server never writes", k)
		}
	}
	if len(documented) != len(kinds) {
		t.Errorf("the enum has %d kinds, the server %d (a kind listed twice?)", len(documented), len(kinds))
	}
}
