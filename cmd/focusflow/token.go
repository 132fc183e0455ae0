package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/auth"
	"github.com/focusflow/focusflow/internal/sqlstore"
)

const tokenUsage = `token COMMAND [ARGS]

Personal access tokens, for a user's scripts and calendar apps.

  token create --user NAME [--scope S]… [--name N] [--expires 90d]
                         make a token (every scope unless --scope is given)
                         and print it alone on stdout: it is not shown again
  token list --user NAME the user's tokens: id, name, scopes, use, expiry
  token revoke --user NAME ID
                         revoke one token at once, on every instance

Scopes: ` + "tasks:read tasks:write timer:write notes:read notes:write stats:read export:read import:write calendar:read"

// scopeFlags collects repeated --scope flags (a comma list works too).
type scopeFlags []string

func (s *scopeFlags) String() string { return strings.Join(*s, ",") }

func (s *scopeFlags) Set(v string) error {
	for part := range strings.SplitSeq(v, ",") {
		if p := strings.TrimSpace(part); p != "" {
			*s = append(*s, p)
		}
	}
	return nil
}

func cmdToken(ctx context.Context, a *app, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(a.stdout, "Usage: focusflow "+tokenUsage)
		if len(args) == 0 {
			return exitConfig
		}
		return exitOK
	}
	sub, rest := args[0], args[1:]
	fs := a.flags("token "+sub, tokenUsage)
	user := fs.String("user", "", "the account the token belongs to")
	var scopes scopeFlags
	name, expires := new(string), new(string)
	wantArgs := 0
	switch sub {
	case "create":
		fs.Var(&scopes, "scope", "a scope the token gets (repeatable; none: all)")
		name = fs.String("name", "", "what the token is for")
		expires = fs.String("expires", "", "lifetime such as 90d, 12h or 2w (none: never)")
	case "list":
	case "revoke":
		wantArgs = 1
	default:
		fmt.Fprintf(a.stderr, "focusflow token: unknown command %q\n\nUsage: focusflow %s\n", sub, tokenUsage)
		return exitConfig
	}
	pos, done, code := a.parseWithArgs(fs, rest, wantArgs)
	if done {
		return code
	}
	if *user == "" {
		fmt.Fprintln(a.stderr, "focusflow token: --user is required")
		return exitConfig
	}
	db, u, ok := a.openForUser(ctx, *user)
	if !ok {
		return exitFail
	}
	defer db.Close()
	defer a.closeLog()
	switch sub {
	case "create":
		return tokenCreate(ctx, a, db, u, focusflow.NewAPIToken{UserID: u.ID, Name: *name, Scopes: scopes}, *expires)
	case "list":
		return tokenList(ctx, a, db, u)
	}
	return tokenRevoke(ctx, a, db, u, pos[0])
}

func tokenCreate(ctx context.Context, a *app, db *sqlstore.DB, u *focusflow.User, n focusflow.NewAPIToken, expires string) int {
	life, err := focusflow.ParseTokenLifetime(expires)
	if err != nil {
		return a.failf("%s", focusflow.ErrorMessage(err))
	}
	now := time.Now()
	if life > 0 {
		n.ExpiresAt = now.Add(life)
	}
	if n.Name == "" {
		n.Name = "created by administrator"
	}
	if err := n.Validate(now); err != nil {
		return a.failf("%s", focusflow.ErrorMessage(err))
	}
	// The server's key: SECRET_KEY, or on a development instance the key
	// it keeps in DATA_DIR.
	if _, err := a.cfg.EnsureSecretKey(); err != nil {
		return a.failf("%v", err)
	}
	raw := auth.NewPAT()
	n.Hash = auth.HashToken(auth.PATKey(a.cfg.SecretKey), raw)
	t, err := db.CreateAPIToken(ctx, n)
	if err != nil {
		return a.failf("%s", sqlstore.SafeError(err))
	}
	adminEvent(ctx, db, focusflow.EventTokenCreated, u, "token "+strconv.FormatInt(t.ID, 10)+" ("+t.Name+") by administrator")
	fmt.Fprintf(a.stderr, "token %d for %s, scopes %s; it is shown only this once\n", t.ID, shown(u.Username),
		strings.Join(t.Scopes, " "))
	fmt.Fprintln(a.stdout, raw)
	return exitOK
}

func tokenList(ctx context.Context, a *app, db *sqlstore.DB, u *focusflow.User) int {
	list, err := db.APITokens(ctx, u.ID)
	if err != nil {
		return a.failf("%s", sqlstore.SafeError(err))
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tSCOPES\tCREATED\tLAST USED\tFROM\tEXPIRES")
	for _, t := range list {
		exp := "never"
		if !t.ExpiresAt.IsZero() {
			exp = formatWhen(t.ExpiresAt)
			if t.Expired(time.Now()) {
				exp += " (expired)"
			}
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, shown(t.Name), strings.Join(t.Scopes, ","),
			formatWhen(t.CreatedAt), formatWhen(t.LastUsedAt), shown(t.LastUsedIP), exp)
	}
	tw.Flush()
	fmt.Fprintf(a.stdout, "%d tokens\n", len(list))
	return exitOK
}

func tokenRevoke(ctx context.Context, a *app, db *sqlstore.DB, u *focusflow.User, arg string) int {
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || id <= 0 {
		fmt.Fprintf(a.stderr, "focusflow token revoke: %q is not a token id (see token list)\n", arg)
		return exitConfig
	}
	t, err := db.RevokeAPIToken(ctx, u.ID, id)
	if err != nil {
		if focusflow.ErrorCode(err) == focusflow.ENOTFOUND {
			return a.failf("%s has no live token %d", shown(u.Username), id)
		}
		return a.failf("%s", sqlstore.SafeError(err))
	}
	adminEvent(ctx, db, focusflow.EventTokenRevoked, u, "token "+strconv.FormatInt(t.ID, 10)+" ("+t.Name+") by administrator")
	fmt.Fprintf(a.stdout, "revoked token %d (%s) of %s\n", t.ID, shown(t.Name), shown(u.Username))
	return exitOK
}
