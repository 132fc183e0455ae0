package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/auth"
	"github.com/focusflow/focusflow/internal/sqlstore"
	"golang.org/x/term"
)

const userUsage = `user COMMAND [ARGS]

Account administration (incident response starts here: review user accounts).

  user list                       every account with last login and lock state
  user create NAME EMAIL [--timezone ZONE]
                                  create an account; the password is read from the
                                  terminal (asked twice) or from the first line of stdin
  user set-password NAME          set a new password (terminal or stdin, never an
                                  argument) and sign the user out everywhere
  user lock NAME                  lock the account, end its sessions and revoke its
                                  API tokens (unlocking does not bring them back)
  user unlock NAME                unlock the account
  user delete NAME [--yes]        delete the account and all its data (and tokens)
  user events NAME [--limit N]    recent security events of the account
  user export NAME FILE [--force] everything the account owns, as a JSON document
  user import NAME FILE           load such a document into the account`

func cmdUser(ctx context.Context, a *app, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(a.stdout, "Usage: focusflow "+userUsage)
		if len(args) == 0 {
			return exitConfig
		}
		return exitOK
	}
	sub, rest := args[0], args[1:]
	// export and import open the store themselves (userdata.go).
	switch sub {
	case "export":
		return cmdUserExport(ctx, a, rest)
	case "import":
		return cmdUserImport(ctx, a, rest)
	}
	handlers := map[string]func(context.Context, *app, *sqlstore.DB, []string) int{
		"list": userList, "create": userCreate, "set-password": userSetPassword, "lock": userLock(true),
		"unlock": userLock(false), "delete": userDelete, "events": userEvents,
	}
	h, ok := handlers[sub]
	if !ok {
		fmt.Fprintf(a.stderr, "focusflow user: unknown command %q\n\nUsage: focusflow %s\n", sub, userUsage)
		return exitConfig
	}
	if len(rest) > 0 && (rest[0] == "-h" || rest[0] == "--help") {
		fmt.Fprintln(a.stdout, "Usage: focusflow "+userUsage)
		return exitOK
	}
	if !a.loadConfig() {
		return exitConfig
	}
	defer a.closeLog()
	db, ok := a.openStore(ctx, schemaCurrent)
	if !ok {
		return exitFail
	}
	defer db.Close()
	return h(ctx, a, db, rest)
}

// adminEvent records what an administrator did, in the audit trail.
func adminEvent(ctx context.Context, db *sqlstore.DB, kind string, u *focusflow.User, detail string) {
	db.RecordEvent(ctx, focusflow.SecurityEvent{Kind: kind, UserID: u.ID, Login: u.Username, IP: "cli",
		UserAgent: "focusflow " + buildVersion(), Detail: detail})
}

func (a *app) failf(format string, args ...any) int {
	fmt.Fprintf(a.stderr, "focusflow: "+format+"\n", args...)
	return exitFail
}

func findUser(ctx context.Context, a *app, db *sqlstore.DB, name string) (*focusflow.User, bool) {
	u, _, err := db.UserByLogin(ctx, name)
	if err != nil {
		if focusflow.ErrorCode(err) == focusflow.ENOTFOUND {
			a.failf("no user named %q", name)
		} else {
			a.failf("%s", sqlstore.SafeError(err))
		}
		return nil, false
	}
	return u, true
}

func userList(ctx context.Context, a *app, db *sqlstore.DB, args []string) int {
	users, err := db.ListUsers(ctx)
	if err != nil {
		return a.failf("%s", sqlstore.SafeError(err))
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tUSERNAME\tEMAIL\tCREATED\tLAST LOGIN\tSTATE\tSESSIONS")
	for _, u := range users {
		state := "active"
		if !u.LockedAt.IsZero() {
			state = "locked by admin"
		} else if n, last, err := db.LoginFailures(ctx, auth.NormalizeLogin(u.Username)); err == nil &&
			n >= auth.LockoutThreshold && time.Now().Before(last.Add(auth.LockoutFor(n))) {
			state = fmt.Sprintf("locked out (%d failed logins)", n)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\n", u.ID, shown(u.Username), shown(u.Email), u.CreatedAt.Format("2006-01-02"),
			formatWhen(u.LastLoginAt), state, u.Sessions)
	}
	tw.Flush()
	fmt.Fprintf(a.stdout, "%d users\n", len(users))
	return exitOK
}

func formatWhen(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// readPassword reads a new password from the terminal without echo (asked
// twice), or the first line of stdin when it is not a terminal. Passwords
// never come from arguments, which end up in shell history and ps.
func (a *app) readPassword(prompt string) (string, error) {
	if f, ok := a.env.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(a.stderr, prompt)
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(a.stderr, "Repeat: ")
		second, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.stderr)
		if err != nil {
			return "", err
		}
		if string(first) != string(second) {
			return "", errors.New("the two passwords differ")
		}
		return string(first), nil
	}
	if a.env.stdin == nil {
		return "", errors.New("no password given on stdin")
	}
	line, err := bufio.NewReader(a.env.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password given on stdin")
	}
	return line, nil
}

func (a *app) hasher() *auth.Hasher {
	return auth.NewHasher(auth.DefaultParams, runtime.NumCPU(), 10*time.Second)
}

func userCreate(ctx context.Context, a *app, db *sqlstore.DB, args []string) int {
	fs := a.flags("user create", "user create NAME EMAIL [--timezone ZONE]")
	tz := fs.String("timezone", "UTC", "IANA time zone of the new user")
	name, email, rest := splitPositional(args, 2)
	if done, code := a.parse(fs, rest); done {
		return code
	}
	if name == "" || email == "" || fs.NArg() > 0 {
		fs.Usage()
		return exitConfig
	}
	for _, err := range []error{focusflow.ValidateUsername(name), focusflow.ValidateEmail(email), focusflow.ValidateTimezone(*tz)} {
		if err != nil {
			return a.failf("%s", focusflow.ErrorMessage(err))
		}
	}
	pw, err := a.readPassword("Password for " + name + ": ")
	if err != nil {
		return a.failf("%v", err)
	}
	if err := auth.CheckPassword(pw, name, email); err != nil {
		return a.failf("%s", focusflow.ErrorMessage(err))
	}
	hash, err := a.hasher().Hash(ctx, pw)
	if err != nil {
		return a.failf("%v", err)
	}
	u := &focusflow.User{Username: name, Email: email, Timezone: *tz}
	if err := db.CreateUser(ctx, u, hash); err != nil {
		return a.failf("%s", focusflow.ErrorMessage(err))
	}
	adminEvent(ctx, db, focusflow.EventSignup, u, "created by administrator")
	fmt.Fprintf(a.stdout, "created user %s (id %d)\n", shown(u.Username), u.ID)
	return exitOK
}

// splitPositional takes up to n leading positional arguments, so flags may
// follow them ("user create NAME EMAIL --timezone X").
func splitPositional(args []string, n int) (string, string, []string) {
	var pos []string
	for len(args) > 0 && len(pos) < n && !strings.HasPrefix(args[0], "-") {
		pos, args = append(pos, args[0]), args[1:]
	}
	pos = append(pos, "", "")
	return pos[0], pos[1], args
}

func userSetPassword(ctx context.Context, a *app, db *sqlstore.DB, args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(a.stderr, "Usage: focusflow user set-password NAME")
		return exitConfig
	}
	u, ok := findUser(ctx, a, db, args[0])
	if !ok {
		return exitFail
	}
	pw, err := a.readPassword("New password for " + u.Username + ": ")
	if err != nil {
		return a.failf("%v", err)
	}
	if err := auth.CheckPassword(pw, u.Username, u.Email); err != nil {
		return a.failf("%s", focusflow.ErrorMessage(err))
	}
	hash, err := a.hasher().Hash(ctx, pw)
	if err != nil {
		return a.failf("%v", err)
	}
	if err := db.SetPasswordHash(ctx, u.ID, hash); err != nil {
		return a.failf("%s", sqlstore.SafeError(err))
	}
	n, _ := db.DeleteUserSessions(ctx, u.ID, 0)
	a.signOut(ctx, db, u.ID)
	db.ClearLoginFailures(ctx, auth.NormalizeLogin(u.Username))
	adminEvent(ctx, db, focusflow.EventPasswordChange, u, "set by administrator")
	fmt.Fprintf(a.stdout, "password of %s changed; %d sessions ended\n", shown(u.Username), n)
	return exitOK
}

func userLock(lock bool) func(context.Context, *app, *sqlstore.DB, []string) int {
	return func(ctx context.Context, a *app, db *sqlstore.DB, args []string) int {
		if len(args) != 1 {
			fmt.Fprintln(a.stderr, "Usage: focusflow user lock|unlock NAME")
			return exitConfig
		}
		u, ok := findUser(ctx, a, db, args[0])
		if !ok {
			return exitFail
		}
		if err := db.SetLocked(ctx, u.ID, lock); err != nil {
			return a.failf("%s", sqlstore.SafeError(err))
		}
		if !lock {
			db.ClearLoginFailures(ctx, auth.NormalizeLogin(u.Username))
			adminEvent(ctx, db, focusflow.EventAccountUnlocked, u, "")
			fmt.Fprintf(a.stdout, "unlocked %s\n", shown(u.Username))
			return exitOK
		}
		n, _ := db.DeleteUserSessions(ctx, u.ID, 0)
		a.signOut(ctx, db, u.ID)
		adminEvent(ctx, db, focusflow.EventAccountLocked, u, "")
		fmt.Fprintf(a.stdout, "locked %s; %d sessions ended, API tokens revoked\n", shown(u.Username), n)
		return exitOK
	}
}

func userDelete(ctx context.Context, a *app, db *sqlstore.DB, args []string) int {
	fs := a.flags("user delete", "user delete NAME [--yes]")
	yes := fs.Bool("yes", false, "do not ask for confirmation")
	name, _, rest := splitPositional(args, 1)
	if done, code := a.parse(fs, rest); done {
		return code
	}
	if name == "" {
		fs.Usage()
		return exitConfig
	}
	u, ok := findUser(ctx, a, db, name)
	if !ok {
		return exitFail
	}
	if !*yes {
		if !a.env.onTerminal(a.env.stdin) {
			return a.failf("refusing to delete %s without --yes (stdin is not a terminal)", u.Username)
		}
		fmt.Fprintf(a.stderr, "Delete %s and ALL their data? Type the username to confirm: ", u.Username)
		line, _ := bufio.NewReader(a.env.stdin).ReadString('\n')
		if strings.TrimSpace(line) != u.Username {
			return a.failf("not confirmed; nothing deleted")
		}
	}
	adminEvent(ctx, db, focusflow.EventAccountDeleted, u, "deleted by administrator")
	if err := db.DeleteUser(ctx, u.ID); err != nil {
		return a.failf("%s", sqlstore.SafeError(err))
	}
	a.signOut(ctx, db, u.ID)
	fmt.Fprintf(a.stdout, "deleted %s and all their data\n", shown(u.Username))
	return exitOK
}

func userEvents(ctx context.Context, a *app, db *sqlstore.DB, args []string) int {
	fs := a.flags("user events", "user events NAME [--limit N]")
	limit := fs.Int("limit", 50, "how many events to show")
	name, _, rest := splitPositional(args, 1)
	if done, code := a.parse(fs, rest); done {
		return code
	}
	if name == "" || *limit < 1 {
		fs.Usage()
		return exitConfig
	}
	u, ok := findUser(ctx, a, db, name)
	if !ok {
		return exitFail
	}
	events, err := db.Events(ctx, u.ID, *limit)
	if err != nil {
		return a.failf("%s", sqlstore.SafeError(err))
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "WHEN\tEVENT\tCOUNT\tIP\tDETAIL")
	for _, e := range events {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", formatWhen(e.At), e.Kind, e.Count, shown(e.IP), shown(e.Detail))
	}
	tw.Flush()
	return exitOK
}

const sessionUsage = `session revoke --user NAME | --all

Ends sessions server-side: one user's, or everyone's (incident response;
rotating SECRET_KEY also signs everyone out).`

func cmdSession(ctx context.Context, a *app, args []string) int {
	if len(args) == 0 || args[0] != "revoke" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(a.stdout, "Usage: focusflow "+sessionUsage)
			return exitOK
		}
		fmt.Fprintln(a.stderr, "Usage: focusflow "+sessionUsage)
		return exitConfig
	}
	fs := a.flags("session revoke", sessionUsage)
	user := fs.String("user", "", "revoke every session of this user")
	all := fs.Bool("all", false, "revoke every session of every user")
	if done, code := a.parse(fs, args[1:]); done {
		return code
	}
	if (*user == "") == !*all {
		fs.Usage()
		return exitConfig
	}
	if !a.loadConfig() {
		return exitConfig
	}
	defer a.closeLog()
	db, ok := a.openStore(ctx, schemaCurrent)
	if !ok {
		return exitFail
	}
	defer db.Close()
	if *all {
		n, err := db.DeleteAllSessions(ctx)
		if err != nil {
			return a.failf("%s", sqlstore.SafeError(err))
		}
		a.signOut(ctx, db, 0)
		a.logger.Warn("all sessions revoked by administrator", "count", n)
		fmt.Fprintf(a.stdout, "%d sessions revoked\n", n)
		return exitOK
	}
	u, ok := findUser(ctx, a, db, *user)
	if !ok {
		return exitFail
	}
	n, err := db.DeleteUserSessions(ctx, u.ID, 0)
	if err != nil {
		return a.failf("%s", sqlstore.SafeError(err))
	}
	a.signOut(ctx, db, u.ID)
	adminEvent(ctx, db, focusflow.EventSessionsRevoked, u, fmt.Sprintf("%d sessions, by administrator", n))
	fmt.Fprintf(a.stdout, "%d sessions of %s revoked\n", n, shown(u.Username))
	return exitOK
}

// shown makes text from the database safe to print on a terminal: control
// characters (escape sequences among them) and bidirectional-formatting
// characters, which could rewrite or reverse what the operator reads,
// are printed escaped. Accounts imported from the original app may hold
// anything.
func shown(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == utf8.RuneError {
			fmt.Fprintf(&b, "\\u%04x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
