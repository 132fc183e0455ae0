package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

func TestUserExportImportCommands(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			site := newDataSite(t, e)
			if code, _, stderr := site.run(t, "import-legacy", "--from", legacySQLiteFixture(t), "--timezone", "Europe/Paris"); code != exitOK {
				t.Fatalf("import-legacy: %s", stderr)
			}
			dir := t.TempDir()
			file := filepath.Join(dir, "alice.json")
			code, stdout, stderr := cmdRun(site, t, cmdUserExport, "alice", file)
			if code != exitOK || !strings.Contains(stdout, "exported alice to "+file+": 6 tasks") {
				t.Fatalf("export: exit %d\n%s\n%s", code, stdout, stderr)
			}
			if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
				t.Errorf("export file mode: %v %v", st.Mode(), err)
			}
			if code, _, stderr := cmdRun(site, t, cmdUserExport, "alice", file); code != exitFail || !strings.Contains(stderr, "--force") {
				t.Errorf("export over a file: exit %d %s", code, stderr)
			}
			if code, _, _ := cmdRun(site, t, cmdUserExport, file, "--force", "alice"); code == exitOK {
				t.Error("arguments in the wrong order worked")
			}
			if code, _, stderr := cmdRun(site, t, cmdUserExport, "alice", file, "--force"); code != exitOK {
				t.Errorf("export --force: %s", stderr)
			}
			code, stdout, _ = cmdRun(site, t, cmdUserExport, "alice", "-")
			if code != exitOK || !strings.HasPrefix(stdout, "{") || !strings.Contains(stdout, `"format": "focusflow-export"`) {
				t.Errorf("export to stdout: %.200s", stdout)
			}
			if code, _, stderr := cmdRun(site, t, cmdUserExport, "nobody", filepath.Join(dir, "x.json")); code != exitFail ||
				!strings.Contains(stderr, `no user named "nobody"`) {
				t.Errorf("unknown user: %s", stderr)
			}

			// Into another account: created; again: skipped.
			code, stdout, stderr = cmdRun(site, t, cmdUserImport, "dave", file)
			if code != exitOK || !strings.Contains(stdout, "imported into dave: 6 tasks, 6 time entries") ||
				!strings.Contains(stdout, "settings") {
				t.Fatalf("import: exit %d\n%s\n%s", code, stdout, stderr)
			}
			code, stdout, _ = cmdRun(site, t, cmdUserImport, "dave", file)
			if code != exitOK || !strings.Contains(stdout, "imported into dave: 0 tasks") || !strings.Contains(stdout, "already there (skipped): 6 tasks") {
				t.Errorf("second import: %s", stdout)
			}
			// From stdin, into the account it came from: nothing new.
			body, _ := os.ReadFile(file)
			site.stdin = string(body)
			code, stdout, _ = cmdRun(site, t, cmdUserImport, "alice", "-")
			site.stdin = ""
			if code != exitOK || !strings.Contains(stdout, "imported into alice: 0 tasks") {
				t.Errorf("same-account import: %s", stdout)
			}
			// A bad document: every problem, nothing written.
			bad := strings.Replace(string(body), `"type": "idea"`, `"type": "todo"`, 1)
			bad = strings.Replace(bad, `"title": "Write quarterly report"`, `"title": ""`, 1)
			badFile := filepath.Join(dir, "bad.json")
			os.WriteFile(badFile, []byte(bad), 0o600)
			code, _, stderr = cmdRun(site, t, cmdUserImport, "carol smith", badFile)
			if code != exitFail || !strings.Contains(stderr, "nothing was written") || !strings.Contains(stderr, ".title: ") ||
				!strings.Contains(stderr, ".type: ") {
				t.Errorf("bad document: exit %d\n%s", code, stderr)
			}
		})
	}
}

// cmdRun calls a user subcommand the way the user dispatcher does.
func cmdRun(s *dataSite, t *testing.T, cmd func(context.Context, *app, []string) int, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := s.env
	e.stdin = strings.NewReader(s.stdin)
	a := &app{env: e, stdout: &out, stderr: &errOut}
	code := cmd(context.Background(), a, args)
	return code, out.String(), errOut.String()
}
