package web

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

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
