// Package auth holds FocusFlow's authentication primitives: password hashing
// (argon2id, with verification of the legacy Werkzeug hashes the original
// Flask app stored), the password policy, random tokens, purpose-bound keys,
// signed values, CSRF tokens, the login-lockout schedules and the watch for
// password spraying.
//
// It is pure logic: no database, no HTTP. The only package-level state is the
// embedded common-password table, which is immutable once loaded. Everything
// that needs configuration (hash parameters, keys) is passed in explicitly so
// tests and callers can never share hidden state.
package auth
