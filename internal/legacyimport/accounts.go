package legacyimport

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/localdate"
	"github.com/focusflow/focusflow/internal/sqlstore"
)

// account is the plan for one original user.
type account struct {
	source    sourceUser
	existing  int64 // our user id when an earlier run imported them
	username  string
	email     string
	hash      string
	createdAt time.Time
	problems  []Problem
}

// owner is who holds a username already.
type owner struct{ name, desc string }

// planAccounts decides every user's username and email up front, in the
// original's id order, so the first account keeps a name that a later one
// duplicates (ignoring case) and a dry run reports exactly what a real run
// would do.
func (im *importer) planAccounts(ctx context.Context) ([]*account, error) {
	keys, err := im.store.AccountKeys(ctx)
	if err != nil {
		return nil, err
	}
	takenNames, takenEmails := map[string]owner{}, map[string]string{}
	for _, k := range keys {
		takenNames[k.UsernameKey] = owner{name: k.Username, desc: fmt.Sprintf("%q (an existing FocusFlow account)", k.Username)}
		takenEmails[k.EmailKey] = "an existing FocusFlow account"
	}
	mapped, err := im.store.MappedUsers(ctx, kindUser)
	if err != nil {
		return nil, err
	}
	var out []*account
	for _, u := range im.data.users {
		acc := &account{source: u, hash: u.hash.String}
		acc.createdAt = im.userCreatedAt(acc)
		_, createdOK := parseTime(u.created, im.dbLoc)
		if acc.existing = im.earlierAccount(acc, mapped[u.id]); acc.existing != 0 {
			out = append(out, acc)
			continue
		}
		if !createdOK {
			acc.problems = append(acc.problems, Problem{Row: "account",
				Problem: fmt.Sprintf("created_at %s is not a timestamp", quote(u.created)),
				Action:  "joined date set to " + acc.createdAt.In(im.loc).Format("2006-01-02 15:04") + ", the earliest date in their data"})
		}
		im.planUsername(acc, takenNames)
		im.planEmail(acc, takenEmails)
		if (!strings.HasPrefix(acc.hash, "pbkdf2:") && !strings.HasPrefix(acc.hash, "scrypt:")) || strings.Count(acc.hash, "$") != 2 {
			acc.problems = append(acc.problems, Problem{Row: "account",
				Problem: "the password hash is not a Werkzeug pbkdf2 or scrypt hash",
				Action:  "kept as is; the user cannot sign in until an administrator runs: focusflow user set-password " + acc.username})
		}
		out = append(out, acc)
	}
	return out, nil
}

// userCreatedAt is the original's created_at, or — when it is missing —
// the earliest instant in the user's data, so that re-runs compute the same
// value and recognise the account.
func (im *importer) userCreatedAt(acc *account) time.Time {
	if t, ok := im.instant(acc.source.created, im.dbLoc); ok {
		return t
	}
	var earliest time.Time
	consider := func(t time.Time, ok bool) {
		if ok && (earliest.IsZero() || t.Before(earliest)) {
			earliest = t
		}
	}
	for _, t := range im.tasksOf[acc.source.id] {
		consider(im.instant(t.created, im.dbLoc))
		if d, ok := parseDate(t.date); ok {
			consider(localdate.DayStart(d, im.loc), true)
		}
	}
	for _, n := range im.notesOf[acc.source.id] {
		consider(im.instant(n.created, im.dbLoc))
	}
	for _, a := range im.activityOf[acc.source.id] {
		consider(im.instant(a.at, im.srcLoc))
	}
	if earliest.IsZero() {
		earliest = time.Unix(0, 0)
	}
	return earliest.UTC().Truncate(time.Millisecond)
}

func (im *importer) planUsername(acc *account, taken map[string]owner) {
	name := strings.TrimSpace(acc.source.username.String)
	clean := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	if name == "" || clean != name {
		fallback := "user-" + strconv.FormatInt(acc.source.id, 10)
		acc.problems = append(acc.problems, Problem{Row: "account",
			Problem: fmt.Sprintf("username %s is empty or holds control characters", quote(acc.source.username)),
			Action:  fmt.Sprintf("imported as %q; they can also sign in with their email", fallback)})
		name = fallback
	} else if err := focusflow.ValidateUsername(name); err != nil {
		acc.problems = append(acc.problems, Problem{Row: "account",
			Problem: fmt.Sprintf("username %q breaks today's rule (3–50 characters: letters, digits, _ . -)", name),
			Action:  "kept as is: they sign in with it as before"})
	}
	key := strings.ToLower(name)
	if holder, ok := taken[key]; ok {
		base := name
		if utf8.RuneCountInString(base) > focusflow.MaxUsername-12 {
			base = string([]rune(base)[:focusflow.MaxUsername-12])
		}
		newName := base + "-" + strconv.FormatInt(acc.source.id, 10)
		for i := 2; taken[strings.ToLower(newName)].name != ""; i++ {
			newName = base + "-" + strconv.FormatInt(acc.source.id, 10) + "-" + strconv.Itoa(i)
		}
		problem := fmt.Sprintf("username %q differs only by case from %s, and usernames ignore case here", name, holder.desc)
		if holder.name == name {
			problem = fmt.Sprintf("username %q is already taken by %s", name, holder.desc)
		}
		acc.problems = append(acc.problems, Problem{Row: "account", Problem: problem,
			Action: fmt.Sprintf("imported as %q; they can also sign in with their email (tell them)", newName)})
		name, key = newName, strings.ToLower(newName)
	}
	taken[key] = owner{name: name, desc: fmt.Sprintf("%q (original user %d)", name, acc.source.id)}
	acc.username = name
}

func (im *importer) planEmail(acc *account, taken map[string]string) {
	email := strings.TrimSpace(strings.ToValidUTF8(acc.source.email.String, ""))
	placeholder := func() string {
		p := fmt.Sprintf("user-%d@legacy.invalid", acc.source.id)
		for i := 2; taken[p] != ""; i++ {
			p = fmt.Sprintf("user-%d-%d@legacy.invalid", acc.source.id, i)
		}
		return p
	}
	if email == "" {
		p := placeholder()
		acc.problems = append(acc.problems, Problem{Row: "account", Problem: "no email address",
			Action: fmt.Sprintf("set to the placeholder %s; they sign in with their username", p)})
		email = p
	} else if holder, ok := taken[strings.ToLower(email)]; ok {
		p := placeholder()
		acc.problems = append(acc.problems, Problem{Row: "account",
			Problem: fmt.Sprintf("email %q is also the email of %s when case is ignored, and emails must be unique here", email, holder),
			Action:  fmt.Sprintf("set to the placeholder %s; they sign in with their username %q", p, acc.username)})
		email = p
	} else if err := focusflow.ValidateEmail(email); err != nil {
		acc.problems = append(acc.problems, Problem{Row: "account",
			Problem: fmt.Sprintf("email %q is not a valid address", email), Action: "kept as is"})
	}
	taken[strings.ToLower(email)] = fmt.Sprintf("%q (original user %d)", acc.username, acc.source.id)
	acc.email = email
}

// account makes the user's account, or reads the one an earlier run made.
func (run *userRun) account(ctx context.Context) error {
	im, acc := run.im, run.acc
	run.rep.State = "updated"
	if acc.existing != 0 {
		u, err := run.l.User(ctx, acc.existing)
		if err != nil {
			return err
		}
		run.user = u
		run.rep.Username = u.Username
		run.rep.UserID = u.ID
		return run.password(ctx)
	}
	u := &focusflow.User{Username: acc.username, Email: acc.email, Timezone: im.loc.String(), Theme: "auto",
		DailyGoal: focusflow.DefaultDailyGoal, TimerCap: focusflow.DefaultTimerCap, CreatedAt: acc.createdAt}
	err := run.l.CreateUser(ctx, u, acc.hash)
	if errors.Is(err, sqlstore.ErrAccountTaken) {
		return fmt.Errorf("username %q or email %q was taken while the import ran; run it again", u.Username, u.Email)
	}
	if err != nil {
		return err
	}
	if err := run.l.SetMark(ctx, kindUser, u.ID, sqlstore.Mark{From: acc.source.id, ID: u.ID, SourceSig: sig(acc.hash),
		TargetSig: sig(acc.hash)}); err != nil {
		return err
	}
	run.user = u
	run.rep.State = "new"
	run.rep.Counts.Users = 1
	if !im.dryRun {
		run.rep.UserID = u.ID
	}
	return nil
}

// password applies a password changed in the original since the last
// import, unless the account's hash changed here since: the user set a
// new password, or signed in, which upgrades the hash (FocusFlow's kept).
func (run *userRun) password(ctx context.Context) error {
	marks, err := run.l.Marks(ctx, kindUser, sqlstore.UserTable, run.user.ID)
	if err != nil {
		return err
	}
	m, ok := marks[run.acc.source.id]
	ours, err := run.l.PasswordHash(ctx, run.user.ID)
	if err != nil {
		return err
	}
	src := sig(run.acc.hash)
	v := judge(m, ok, src, sig(ours))
	switch v {
	case verdictUpdate:
		if err := run.l.SetPasswordHash(ctx, run.user.ID, run.acc.hash); err != nil {
			return err
		}
		ours = run.acc.hash
		run.count(v, "account", "its password was changed in the original: the new one works here")
	case verdictConflict:
		run.count(v, "account", conflictWhat(m, "its password was changed")+
			" (signing in here upgrades the stored hash, which counts as a change)")
		return nil
	case verdictNew, verdictBaseline:
	default:
		return nil
	}
	return run.l.SetMark(ctx, kindUser, run.user.ID, sqlstore.Mark{From: run.acc.source.id, ID: run.user.ID,
		SourceSig: src, TargetSig: sig(ours)})
}
