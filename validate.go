package focusflow

import (
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode"
)

var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{3,50}$`)

// ValidateUsername checks the username rule for new accounts. Imported
// accounts from the original may break it and still sign in.
func ValidateUsername(name string) error {
	if !usernamePattern.MatchString(name) {
		return Invalid("username", "Username must be 3–50 characters: letters, digits, _ . or -.")
	}
	return nil
}

// ValidateEmail accepts a plain address like name@example.com. Control and
// bidirectional-formatting characters are refused: an address that
// reverses itself on screen would mislead whoever reads it in a list.
func ValidateEmail(email string) error {
	if strings.IndexFunc(email, deceptive) >= 0 {
		return Invalid("email", "Enter a valid email address, like name@example.com.")
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || len(email) > 254 ||
		!strings.Contains(email[strings.LastIndex(email, "@"):], ".") {
		return Invalid("email", "Enter a valid email address, like name@example.com.")
	}
	return nil
}

// deceptive reports control characters and the formatting characters that
// change the direction of text (Unicode Bidi_Control).
func deceptive(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
}

// ValidateTimezone accepts IANA zone names ("Europe/Berlin", "UTC").
func ValidateTimezone(tz string) error {
	if tz == "" || tz == "Local" || len(tz) > 64 {
		return Invalid("timezone", "Unknown time zone.")
	}
	if _, err := time.LoadLocation(tz); err != nil {
		return Invalid("timezone", "Unknown time zone %q.", tz)
	}
	return nil
}
