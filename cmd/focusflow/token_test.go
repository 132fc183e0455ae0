package main

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// bearerStatus sends a GET with the token as a bearer token.
func bearerStatus(t *testing.T, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestTokenCommands(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			vars := map[string]string{"DATA_DIR": t.TempDir(), "LOG_FILE": ""}
			if opts := e.Options(t); opts.URL != "" {
				vars["DATABASE_URL"] = opts.URL
			}
			if code, _, errOut := runWith(t, vars, "", "migrate"); code != 0 {
				t.Fatalf("migrate: %d %q", code, errOut)
			}
			if code, _, errOut := runWith(t, vars, "placeholder horse battery\n", "user", "create", "tok-user", "tok@example.test"); code != 0 {
				t.Fatalf("create user: %d %q", code, errOut)
			}
			base, _ := startServe(t, vars)

			code, out, errOut := runWith(t, vars, "", "token", "create", "--user", "tok-user", "--scope", "tasks:read",
				"--scope", "stats:read", "--name", "nightly report", "--expires", "90d")
			if code != 0 || !regexp.MustCompile(`^ffpat_[0-9A-Za-z]{49}\n$`).MatchString(out) {
				t.Fatalf("token create: %d stdout %q stderr %q", code, out, errOut)
			}
			raw := strings.TrimSpace(out)
			if s := bearerStatus(t, base+"/api/v1/stats", raw); s != http.StatusOK {
				t.Fatalf("stats with a CLI token: %d", s)
			}
			if s := bearerStatus(t, base+"/api/v1/export", raw); s != http.StatusForbidden {
				t.Fatalf("export outside the token's scopes: %d", s)
			}
			code, out, _ = runWith(t, vars, "", "token", "list", "--user", "tok-user")
			if code != 0 || !strings.Contains(out, "nightly report") || !strings.Contains(out, "tasks:read,stats:read") ||
				!strings.Contains(out, "127.0.0.1") || strings.Contains(out, raw) {
				t.Fatalf("token list: %d\n%s", code, out)
			}
			if code, _, errOut := runWith(t, vars, "", "token", "create", "--user", "tok-user", "--scope", "root"); code != 1 ||
				!strings.Contains(errOut, "not a scope") {
				t.Fatalf("bad scope: %d %q", code, errOut)
			}
			if code, _, _ := runWith(t, vars, "", "token", "revoke", "--user", "tok-user", "abc"); code != 2 {
				t.Fatalf("revoke with a bad id: %d", code)
			}
			if code, out, _ := runWith(t, vars, "", "token", "revoke", "--user", "tok-user", "1"); code != 0 || !strings.Contains(out, "revoked") {
				t.Fatalf("revoke: %d %q", code, out)
			}
			if s := bearerStatus(t, base+"/api/v1/stats", raw); s != http.StatusUnauthorized {
				t.Fatalf("revoked token: %d", s)
			}
			// An administrator's lock revokes every token; unlocking does not bring them back.
			_, out, _ = runWith(t, vars, "", "token", "create", "--user", "tok-user")
			second := strings.TrimSpace(out)
			if s := bearerStatus(t, base+"/api/v1/me", second); s != http.StatusOK {
				t.Fatalf("second token: %d", s)
			}
			runWith(t, vars, "", "user", "lock", "tok-user")
			runWith(t, vars, "", "user", "unlock", "tok-user")
			if s := bearerStatus(t, base+"/api/v1/me", second); s != http.StatusUnauthorized {
				t.Fatalf("token after lock and unlock: %d", s)
			}
			if _, out, _ := runWith(t, vars, "", "token", "list", "--user", "tok-user"); !strings.Contains(out, "0 tokens") {
				t.Fatalf("list after lock:\n%s", out)
			}
		})
	}
}
