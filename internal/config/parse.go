package config

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strconv"
	"strings"
	"time"
)

// source is where variables come from: the real environment, then the .env
// file. Keeping the two apart (rather than merging them into one map) lets
// paired variables such as X and X_FILE, or ENVIRONMENT and FLASK_ENV, be
// resolved per layer, so a stray .env line never overrides something the
// real environment decided.
type source struct {
	env func(string) (string, bool)
	dot map[string]string // nil when there is no .env file
}

// layers returns the lookups in order of precedence.
func (s source) layers() []func(string) (string, bool) {
	return []func(string) (string, bool){
		s.env,
		func(k string) (string, bool) { v, ok := s.dot[k]; return v, ok },
	}
}

// lookup returns the raw value of name, real environment first.
func (s source) lookup(name string) (string, bool) {
	for _, layer := range s.layers() {
		if v, ok := layer(name); ok {
			return v, true
		}
	}
	return "", false
}

// loader parses variables, collecting every problem instead of stopping at
// the first.
type loader struct {
	src      source
	readFile func(string) ([]byte, error)
	problems []string
	warnings []string
}

func (l *loader) problem(name, format string, args ...any) {
	l.problems = append(l.problems, name+": "+fmt.Sprintf(format, args...))
}

func (l *loader) warn(msg string) {
	l.warnings = append(l.warnings, msg)
}

// get returns the trimmed value of name; empty counts as unset.
func (l *loader) get(name string) (string, bool) {
	v, ok := l.src.lookup(name)
	v = strings.TrimSpace(v)
	return v, ok && v != ""
}

// str returns the value of name or def.
func (l *loader) str(name, def string) string {
	if v, ok := l.get(name); ok {
		return v
	}
	return def
}

// secret reads name, or the file named by name_FILE (for Docker/Kubernetes
// secrets). It returns the value, the name to use in messages, and false
// when a problem was already reported. Setting both is refused within one
// layer (real environment or .env); across layers the real environment
// wins, as it does for every other variable.
func (l *loader) secret(name string) (value, shown string, ok bool) {
	fileName := name + "_FILE"
	for _, layer := range l.src.layers() {
		v, vok := layer(name)
		f, fok := layer(fileName)
		v, f = strings.TrimSpace(v), strings.TrimSpace(f)
		vok, fok = vok && v != "", fok && f != ""
		switch {
		case vok && fok:
			l.problem(name, "both %s and %s are set; set only one", name, fileName)
			return "", name, false
		case vok:
			return v, name, true
		case fok:
			shown = name + " (from " + fileName + ")"
			data, err := l.readFile(f)
			if err != nil {
				// Only the path and the reason: never the contents.
				l.problem(fileName, "cannot read %s: %v", f, describeFileError(err))
				return "", shown, false
			}
			value = strings.TrimRight(string(data), " \t\r\n")
			if value == "" {
				l.problem(fileName, "%s is empty", f)
				return "", shown, false
			}
			return value, shown, true
		}
	}
	return "", name, true
}

// describeFileError reduces a file error to its reason; the caller already
// names the path.
func describeFileError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// parseBool accepts the spellings people actually write in env files.
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "yes", "on":
		return true, true
	case "false", "0", "no", "off":
		return false, true
	}
	return false, false
}

func (l *loader) boolean(name string, def bool) bool {
	v, ok := l.get(name)
	if !ok {
		return def
	}
	b, ok := parseBool(v)
	if !ok {
		l.problem(name, "%s is not a boolean (use true or false)", quote(v))
		return def
	}
	return b
}

// integer parses a decimal integer in [lo, hi].
func (l *loader) integer(name string, def, lo, hi int) int {
	v, ok := l.get(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		l.problem(name, "%s is not a whole number", quote(v))
		return def
	}
	if n < lo || n > hi {
		l.problem(name, "%s is out of range (use %d-%d)", quote(v), lo, hi)
		return def
	}
	return n
}

// seconds parses a positive whole number of seconds, at most hi.
func (l *loader) seconds(name string, def, hi int) time.Duration {
	v, ok := l.get(name)
	if !ok {
		return time.Duration(def) * time.Second
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > hi {
		l.problem(name, "%s is not a positive whole number of seconds (at most %d)", quote(v), hi)
		return time.Duration(def) * time.Second
	}
	return time.Duration(n) * time.Second
}

// duration parses a Go duration ("90s", "8h"), whole days ("30d") or a bare
// integer counted in unit. The result must be at least lo.
func (l *loader) duration(name string, def, unit, lo time.Duration) time.Duration {
	v, ok := l.get(name)
	if !ok {
		return def
	}
	d, err := parseDuration(v, unit)
	if err != nil {
		l.problem(name, "%s %v", quote(v), err)
		return def
	}
	if d < lo {
		if lo <= time.Nanosecond {
			l.problem(name, "%s must be positive", quote(v))
		} else {
			l.problem(name, "%s must be at least %v", quote(v), lo)
		}
		return def
	}
	return d
}

func parseDuration(s string, unit time.Duration) (time.Duration, error) {
	hint := fmt.Errorf("is not a duration (use e.g. 30s, 8h or 90d, or a whole number of %s)", unitName(unit))
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return multiply(n, unit, hint)
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseInt(days, 10, 64)
		if err != nil {
			return 0, hint
		}
		return multiply(n, 24*time.Hour, hint)
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, hint
	}
	if d < 0 {
		return 0, errors.New("must not be negative")
	}
	return d, nil
}

func multiply(n int64, unit time.Duration, hint error) (time.Duration, error) {
	if n < 0 {
		return 0, errors.New("must not be negative")
	}
	if n > math.MaxInt64/int64(unit) {
		return 0, hint
	}
	return time.Duration(n) * unit, nil
}

func unitName(unit time.Duration) string {
	switch unit {
	case 24 * time.Hour:
		return "days"
	case time.Hour:
		return "hours"
	case time.Minute:
		return "minutes"
	}
	return "seconds"
}

func (l *loader) rate(name string, def Rate) Rate {
	v, ok := l.get(name)
	if !ok {
		return def
	}
	r, err := ParseRate(v)
	if err != nil {
		l.problem(name, "%s %v", quote(v), err)
		return def
	}
	return r
}

// quote shows a non-secret value in an error message, shortened so a
// pasted blob cannot flood the log.
func quote(v string) string {
	const max = 64
	if len(v) > max {
		cut := max
		for cut > 0 && !isRuneStart(v[cut]) {
			cut--
		}
		v = v[:cut] + "..."
	}
	return strconv.Quote(v)
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
