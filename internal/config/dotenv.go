package config

import (
	"fmt"
	"strings"
)

// parseDotEnv parses a .env file: KEY=VALUE lines, an optional "export "
// prefix, # comments and blank lines. Values may be 'single-quoted'
// (literal) or "double-quoted" (with \n \r \t \\ \" escapes); an unquoted
// value ends at " #". Quoted values cannot span lines. Problems name the
// file and line but never quote the line, which may hold a secret.
func parseDotEnv(path string, data []byte) (map[string]string, []string) {
	vars := map[string]string{}
	var problems []string
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, err := parseDotEnvLine(line)
		if err != "" {
			problems = append(problems, fmt.Sprintf("%s:%d: %s", path, i+1, err))
			continue
		}
		vars[key] = value
	}
	return vars, problems
}

func parseDotEnvLine(line string) (key, value, problem string) {
	if after, ok := strings.CutPrefix(line, "export"); ok && after != "" && (after[0] == ' ' || after[0] == '\t') {
		line = after
	}
	key, rest, ok := strings.Cut(line, "=")
	key = strings.TrimSpace(key)
	if !ok {
		return "", "", "expected KEY=VALUE"
	}
	if !isEnvName(key) {
		return "", "", "invalid variable name (use letters, digits and _)"
	}
	trimmed := strings.TrimLeft(rest, " \t")
	afterSpace := len(trimmed) < len(rest)
	rest = trimmed
	if rest == "" {
		return key, "", ""
	}
	switch q := rest[0]; q {
	case '"', '\'':
		var b strings.Builder
		for i := 1; i < len(rest); i++ {
			c := rest[i]
			switch {
			case c == q:
				if tail := strings.TrimSpace(rest[i+1:]); tail != "" && !strings.HasPrefix(tail, "#") {
					return "", "", "unexpected text after closing quote"
				}
				return key, b.String(), ""
			case c == '\\' && q == '"' && i+1 < len(rest):
				i++
				switch rest[i] {
				case 'n':
					b.WriteByte('\n')
				case 'r':
					b.WriteByte('\r')
				case 't':
					b.WriteByte('\t')
				case '"', '\\':
					b.WriteByte(rest[i])
				default: // unknown escape: keep it as written
					b.WriteByte('\\')
					b.WriteByte(rest[i])
				}
			default:
				b.WriteByte(c)
			}
		}
		return "", "", "missing closing quote (values cannot span lines)"
	}
	if rest[0] == '#' && afterSpace { // KEY= #comment: the value is empty
		return key, "", ""
	}
	return key, cutInlineComment(rest), ""
}

// cutInlineComment strips a " #..." or "\t#..." comment from an unquoted
// value; a # not preceded by whitespace is part of the value.
func cutInlineComment(v string) string {
	for i := 1; i < len(v); i++ {
		if v[i] == '#' && (v[i-1] == ' ' || v[i-1] == '\t') {
			v = v[:i]
			break
		}
	}
	return strings.TrimRight(v, " \t")
}

func isEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		letter := c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}
