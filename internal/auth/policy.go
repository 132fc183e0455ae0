package auth

// The common-password list is the first 10,000 entries (in frequency order,
// lower-cased, one per line) of the "passwords" list in zxcvbn 4.4.2,
// lib/frequency_lists.js, taken from the npm package "zxcvbn"
// (https://github.com/dropbox/zxcvbn). zxcvbn is MIT-licensed,
// Copyright (c) 2012-2016 Dan Wheeler and Dropbox, Inc.; the notice is in
// common-passwords.LICENSE next to the list.

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/focusflow/focusflow"
)

// Password length limits, in Unicode code points. NIST SP 800-63B asks for at
// least 8 and for allowing at least 64; the upper bound only stops absurd
// inputs from reaching the hasher.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 256
)

//go:embed common-passwords.txt
var commonPasswordsText string

// commonPasswords is built on first use, once per process, and never written
// to afterwards.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	lines := strings.Split(strings.TrimSpace(commonPasswordsText), "\n")
	m := make(map[string]struct{}, len(lines))
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			m[strings.ToLower(l)] = struct{}{}
		}
	}
	return m
})

// CheckPassword applies the password policy of NIST SP 800-63B and OWASP ASVS
// 5.0: a length range, a blocklist of common passwords, and no reuse of the
// account's own identifiers or the app's name. Deliberately there are no
// composition rules (digits, symbols, …): they make passwords harder to
// remember without making them harder to guess.
//
// It returns nil or an EINVALID *focusflow.Error for field "password" whose
// message names the rule that failed.
func CheckPassword(password, username, email string) error {
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLen {
		return focusflow.Invalid("password", "Use at least %d characters.", MinPasswordLen)
	}
	if n > MaxPasswordLen {
		return focusflow.Invalid("password", "Use at most %d characters.", MaxPasswordLen)
	}
	lower := strings.ToLower(password)
	if strings.Contains(lower, "focusflow") {
		return focusflow.Invalid("password", "Your password must not contain the name of this app.")
	}
	// Short identifiers are skipped: "al" would forbid far too many passwords.
	if u := strings.ToLower(strings.TrimSpace(username)); utf8.RuneCountInString(u) >= 3 && strings.Contains(lower, u) {
		return focusflow.Invalid("password", "Your password must not contain your username.")
	}
	if l := emailLocalPart(email); utf8.RuneCountInString(l) >= 3 && strings.Contains(lower, l) {
		return focusflow.Invalid("password", "Your password must not contain your email address.")
	}
	if _, common := commonPasswords()[lower]; common {
		return focusflow.Invalid("password", "This is one of the most commonly used passwords; choose another.")
	}
	if repeated(lower) {
		return focusflow.Invalid("password", "Your password must not be one character repeated.")
	}
	if s := sequence(lower); s != "" {
		return focusflow.Invalid("password", "Your password must not contain a run of 8 or more characters in order (%s).", s)
	}
	return nil
}

// repeated reports whether s (spaces included) is one character repeated:
// "aaaaaaaa" or eight spaces.
func repeated(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	return strings.Trim(s, string(first)) == ""
}

// sequences are the runs a password must not contain 8 or more characters
// of, forwards or backwards (NIST SP 800-63B: "repetitive or sequential
// characters").
var sequences = []struct{ name, run string }{
	{"digits", "0123456789"},
	{"the alphabet", "abcdefghijklmnopqrstuvwxyz"},
	{"a keyboard row", "qwertyuiop"},
	{"a keyboard row", "asdfghjkl"},
	{"a keyboard row", "zxcvbnm"},
}

// minSequence is the shortest run refused.
const minSequence = 8

// sequence names what s (lower case) has a run of minSequence or more
// consecutive characters of, ascending or descending; "" when nothing.
func sequence(s string) string {
	for _, q := range sequences {
		for _, run := range []string{q.run, reverse(q.run)} {
			for i := 0; i+minSequence <= len(run); i++ {
				if strings.Contains(s, run[i:i+minSequence]) {
					return q.name
				}
			}
		}
	}
	return ""
}

func reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

// emailLocalPart returns the lower-cased part before the last "@" (the whole
// address if there is none; validating addresses is someone else's job).
func emailLocalPart(email string) string {
	email = strings.ToLower(strings.TrimSpace(email))
	if i := strings.LastIndexByte(email, '@'); i >= 0 {
		return email[:i]
	}
	return email
}

// Strength returns a rough score from 0 (very weak) to 4 (strong) for the
// live strength meter on the sign-up and change-password forms. It is a hint
// only, based on length and variety; CheckPassword is what decides whether a
// password is accepted.
func Strength(password string) int {
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLen {
		return 0
	}
	if _, common := commonPasswords()[strings.ToLower(password)]; common {
		return 0
	}
	var lower, upper, digit, other bool
	distinct := make(map[rune]struct{})
	for _, r := range password {
		distinct[r] = struct{}{}
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	classes := 0
	for _, b := range []bool{lower, upper, digit, other} {
		if b {
			classes++
		}
	}
	score := 1
	if n >= 12 {
		score++
	}
	if n >= 16 {
		score++
	}
	if classes >= 3 {
		score++
	}
	// "aaaaaaaaaaaa" or "abababababab" is long but trivially guessable.
	if len(distinct) < 5 {
		score = 1
	}
	return min(score, 4)
}
