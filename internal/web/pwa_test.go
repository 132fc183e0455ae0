package web

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// The manifest and the service worker are served at stable URLs to anyone,
// revalidated on every use, and name only files the server really serves.
func TestManifestAndWorker(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e storetest.Engine) {
		ts := newTestServer(t, e)
		c := ts.newClient(t)

		res := c.get("/manifest.webmanifest")
		if res.Status != 200 || res.Header.Get("Content-Type") != "application/manifest+json; charset=utf-8" ||
			res.Header.Get("Cache-Control") != "no-cache" {
			t.Fatalf("manifest: %v", res)
		}
		assertSecurityHeaders(t, res, false)
		var m struct {
			StartURL string `json:"start_url"`
			Display  string `json:"display"`
			Icons    []struct{ Src, Sizes, Type, Purpose string }
		}
		if err := json.Unmarshal([]byte(res.Body), &m); err != nil {
			t.Fatal(err)
		}
		if m.StartURL != "/dashboard" || m.Display != "standalone" {
			t.Errorf("start_url %q, display %q", m.StartURL, m.Display)
		}
		have := map[string]bool{}
		for _, i := range m.Icons {
			have[i.Sizes+" "+i.Purpose] = true
			if r := c.get(i.Src); r.Status != 200 || r.Header.Get("Content-Type") != "image/png" {
				t.Errorf("icon %s: %d %s", i.Src, r.Status, r.Header.Get("Content-Type"))
			}
		}
		for _, want := range []string{"192x192 any", "512x512 any", "192x192 maskable", "512x512 maskable"} {
			if !have[want] {
				t.Errorf("no %s icon in %+v", want, m.Icons)
			}
		}

		res = c.get("/sw.js")
		if res.Status != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript") ||
			res.Header.Get("Cache-Control") != "no-cache" {
			t.Fatalf("worker: %v", res)
		}
		css, _ := ts.Server.assets.url("css/app.css")
		if !strings.Contains(res.Body, `"`+css+`"`) || !strings.Contains(res.Body, "const VERSION = ") {
			t.Errorf("the worker's shell lacks %s:\n%.400s", css, res.Body)
		}
		// Every page links the manifest.
		if page := c.get("/login"); !strings.Contains(page.Body, `<link rel="manifest" href="/manifest.webmanifest">`) {
			t.Error("the login page does not link the manifest")
		}
	})
}
