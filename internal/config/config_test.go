package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Test values are deliberately obvious placeholders, never anything that
// looks like a real credential.
const (
	// goodKey passes the production rules: 32 characters, none of the
	// placeholder words, not a repeated character.
	goodKey    = "abcdefghijklmnopqrstuvwxyz012345"
	leakyPass  = "placeholder-password"
	prodDBURL  = "postgres://USER:" + leakyPass + "@db.invalid:6543/postgres"
	redisURL   = "rediss://:" + leakyPass + "@redis.invalid:6380/0"
	noSuchFile = "/nonexistent/.env"
)

func lookupFrom(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

// noFiles is a readFile for tests that must not touch the disk.
func noFiles(path string) ([]byte, error) {
	return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrNotExist}
}

// fakeFiles serves files from a map.
func fakeFiles(files map[string]string) func(string) ([]byte, error) {
	return func(path string) ([]byte, error) {
		if v, ok := files[path]; ok {
			return []byte(v), nil
		}
		return noFiles(path)
	}
}

func load(t *testing.T, env map[string]string) (*Config, error) {
	t.Helper()
	return Load(lookupFrom(env), "", noFiles)
}

func mustLoad(t *testing.T, env map[string]string) *Config {
	t.Helper()
	c, err := load(t, env)
	if err != nil {
		t.Fatalf("Load: unexpected error:\n%v", err)
	}
	return c
}

func problems(t *testing.T, err error) []string {
	t.Helper()
	var e *Errors
	if !errors.As(err, &e) {
		t.Fatalf("want *Errors, got %T: %v", err, err)
	}
	return e.Problems
}

func prodEnv(extra ...string) map[string]string {
	m := map[string]string{
		"ENVIRONMENT":  "production",
		"SECRET_KEY":   goodKey,
		"DATABASE_URL": prodDBURL,
	}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return m
}

func TestDefaults(t *testing.T) {
	c := mustLoad(t, map[string]string{})
	checks := []struct {
		name      string
		got, want any
	}{
		{"Environment", c.Environment, EnvDevelopment},
		{"Production", c.Production, false},
		{"DatabaseURL", c.DatabaseURL, ""},
		{"SecretKey", c.SecretKey, ""},
		{"CSRFEnabled", c.CSRFEnabled, true},
		{"CSRFTimeLimit", c.CSRFTimeLimit, time.Hour},
		{"CookieSecure", c.CookieSecure, false},
		{"CookieHTTPOnly", c.CookieHTTPOnly, true},
		{"CookieSameSite", c.CookieSameSite, http.SameSiteLaxMode},
		{"RateLimitStorageURL", c.RateLimitStorageURL, "memory://"},
		{"LogLevel", c.LogLevel, slog.LevelInfo},
		{"Port", c.Port, 8080},
		{"Addr", c.Addr, ":8080"},
		{"DataDir", c.DataDir, "./data"},
		{"LogFile", c.LogFile, "logs/focusflow.log"},
		{"TrustProxyHops", c.TrustProxyHops, 0},
		{"MetricsAddr", c.MetricsAddr, ""},
		{"SignupEnabled", c.SignupEnabled, true},
		{"DBConnectTimeout", c.DBConnectTimeout, 30 * time.Second},
		{"DBMaxConns", c.DBMaxConns, 20},
		{"ImportMaxRows", c.ImportMaxRows, 1_000_000},
		{"ImportMaxBytes", c.ImportMaxBytes, int64(256 << 20)},
		{"ImportMaxParallel", c.ImportMaxParallel, 2},
		{"DBQueryTimeout", c.DBQueryTimeout, 5 * time.Second},
		{"DBPoolWait", c.DBPoolWait, time.Second},
		{"ShutdownTimeout", c.ShutdownTimeout, 15 * time.Second},
		{"DrainDelay", c.DrainDelay, time.Duration(0)},
		{"MaxBodyBytes", c.MaxBodyBytes, int64(1048576)},
		{"SessionLifetime", c.SessionLifetime, 8 * time.Hour},
		{"RememberLifetime", c.RememberLifetime, 720 * time.Hour},
		{"IdleTimeout", c.IdleTimeout, 2 * time.Hour},
		{"SecurityEventRetention", c.SecurityEventRetention, 90 * 24 * time.Hour},
		{"RateIP", c.RateIP, Rate{1200, time.Minute}},
		{"RateSignup", c.RateSignup, Rate{10, time.Hour}},
		{"RateLogin", c.RateLogin, Rate{20, time.Hour}},
		{"RateWrite", c.RateWrite, Rate{120, time.Minute}},
		{"RateRead", c.RateRead, Rate{600, time.Minute}},
		{"DotEnvLoaded", c.DotEnvLoaded, false},
		{"Warnings", len(c.Warnings), 0},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
	if p, ok := c.SQLitePath(); !ok || p != filepath.Join("data", "focusflow.db") {
		t.Errorf("SQLitePath() = %q, %v; want data/focusflow.db, true", p, ok)
	}
}

func TestValidValues(t *testing.T) {
	tests := []struct {
		name, value string
		get         func(*Config) any
		want        any
	}{
		{"WTF_CSRF_ENABLED", "false", func(c *Config) any { return c.CSRFEnabled }, false},
		{"WTF_CSRF_ENABLED", " OFF ", func(c *Config) any { return c.CSRFEnabled }, false},
		{"WTF_CSRF_TIME_LIMIT", "600", func(c *Config) any { return c.CSRFTimeLimit }, 10 * time.Minute},
		{"SESSION_COOKIE_SECURE", "yes", func(c *Config) any { return c.CookieSecure }, true},
		{"SESSION_COOKIE_HTTPONLY", "0", func(c *Config) any { return c.CookieHTTPOnly }, false},
		{"SESSION_COOKIE_SAMESITE", "strict", func(c *Config) any { return c.CookieSameSite }, http.SameSiteStrictMode},
		{"SESSION_COOKIE_SAMESITE", "LAX", func(c *Config) any { return c.CookieSameSite }, http.SameSiteLaxMode},
		{"RATELIMIT_STORAGE_URL", "redis://redis.invalid:6379/0", func(c *Config) any { return c.RateLimitStorageURL }, "redis://redis.invalid:6379/0"},
		{"RATELIMIT_STORAGE_URL", redisURL, func(c *Config) any { return c.RateLimitStorageURL }, redisURL},
		{"LOG_LEVEL", "debug", func(c *Config) any { return c.LogLevel }, slog.LevelDebug},
		{"LOG_LEVEL", "Warning", func(c *Config) any { return c.LogLevel }, slog.LevelWarn},
		{"LOG_LEVEL", "WARN", func(c *Config) any { return c.LogLevel }, slog.LevelWarn},
		{"LOG_LEVEL", "error", func(c *Config) any { return c.LogLevel }, slog.LevelError},
		{"LOG_LEVEL", "CRITICAL", func(c *Config) any { return c.LogLevel }, slog.LevelError + 4},
		{"PORT", "8000", func(c *Config) any { return c.Addr }, ":8000"},
		{"IMPORT_MAX_ROWS", "5000", func(c *Config) any { return c.ImportMaxRows }, 5000},
		{"IMPORT_MAX_BYTES", "1048576", func(c *Config) any { return c.ImportMaxBytes }, int64(1 << 20)},
		{"IMPORT_MAX_PARALLEL", "1", func(c *Config) any { return c.ImportMaxParallel }, 1},
		{"PORT", "65535", func(c *Config) any { return c.Port }, 65535},
		{"HOST", "127.0.0.1", func(c *Config) any { return c.Addr }, "127.0.0.1:8080"},
		{"HOST", "::1", func(c *Config) any { return c.Addr }, "[::1]:8080"},
		{"HOST", "[::1]", func(c *Config) any { return c.Addr }, "[::1]:8080"},
		{"DATA_DIR", "/var/lib/focusflow", func(c *Config) any { return c.DataDir }, "/var/lib/focusflow"},
		{"LOG_FILE", "/var/log/ff.log", func(c *Config) any { return c.LogFile }, "/var/log/ff.log"},
		{"LOG_FILE", "", func(c *Config) any { return c.LogFile }, ""},
		{"TRUST_PROXY_HOPS", "1", func(c *Config) any { return c.TrustProxyHops }, 1},
		{"TRUST_PROXY_HOPS", "10", func(c *Config) any { return c.TrustProxyHops }, 10},
		{"METRICS_ADDR", "127.0.0.1:9090", func(c *Config) any { return c.MetricsAddr }, "127.0.0.1:9090"},
		{"SIGNUP_ENABLED", "no", func(c *Config) any { return c.SignupEnabled }, false},
		{"DB_CONNECT_TIMEOUT", "1m", func(c *Config) any { return c.DBConnectTimeout }, time.Minute},
		{"DB_CONNECT_TIMEOUT", "45", func(c *Config) any { return c.DBConnectTimeout }, 45 * time.Second},
		{"DB_CONNECT_TIMEOUT", "0", func(c *Config) any { return c.DBConnectTimeout }, time.Duration(0)},
		{"DB_MAX_CONNS", "5", func(c *Config) any { return c.DBMaxConns }, 5},
		{"SHUTDOWN_TIMEOUT", "30s", func(c *Config) any { return c.ShutdownTimeout }, 30 * time.Second},
		{"DB_QUERY_TIMEOUT", "2", func(c *Config) any { return c.DBQueryTimeout }, 2 * time.Second},
		{"DB_QUERY_TIMEOUT", "750ms", func(c *Config) any { return c.DBQueryTimeout }, 750 * time.Millisecond},
		{"DB_POOL_WAIT", "250ms", func(c *Config) any { return c.DBPoolWait }, 250 * time.Millisecond},
		{"DRAIN_DELAY", "10", func(c *Config) any { return c.DrainDelay }, 10 * time.Second},
		{"DRAIN_DELAY", "0", func(c *Config) any { return c.DrainDelay }, time.Duration(0)},
		{"MAX_BODY_BYTES", "65536", func(c *Config) any { return c.MaxBodyBytes }, int64(65536)},
		{"SESSION_LIFETIME", "12h", func(c *Config) any { return c.SessionLifetime }, 12 * time.Hour},
		{"SESSION_REMEMBER_LIFETIME", "14d", func(c *Config) any { return c.RememberLifetime }, 14 * 24 * time.Hour},
		{"SESSION_IDLE_TIMEOUT", "1800", func(c *Config) any { return c.IdleTimeout }, 30 * time.Minute},
		{"SECURITY_EVENT_RETENTION", "30d", func(c *Config) any { return c.SecurityEventRetention }, 30 * 24 * time.Hour},
		{"SECURITY_EVENT_RETENTION", "365", func(c *Config) any { return c.SecurityEventRetention }, 365 * 24 * time.Hour},
		{"SECURITY_EVENT_RETENTION", "2160h", func(c *Config) any { return c.SecurityEventRetention }, 90 * 24 * time.Hour},
		{"RATELIMIT_IP", "100/s", func(c *Config) any { return c.RateIP }, Rate{100, time.Second}},
		{"RATELIMIT_SIGNUP", "5/day", func(c *Config) any { return c.RateSignup }, Rate{5, 24 * time.Hour}},
		{"RATELIMIT_LOGIN", "30 / Hour", func(c *Config) any { return c.RateLogin }, Rate{30, time.Hour}},
		{"RATELIMIT_WRITE", "60/m", func(c *Config) any { return c.RateWrite }, Rate{60, time.Minute}},
		{"RATELIMIT_READ", "1000/minute", func(c *Config) any { return c.RateRead }, Rate{1000, time.Minute}},
		{"DATABASE_URL", "postgresql://USER:PASSWORD@db.invalid/focusflow", func(c *Config) any { return c.DatabaseURL }, "postgresql://USER:PASSWORD@db.invalid/focusflow"},
		{"DATABASE_URL", "sqlite:///srv/ff/focusflow.db", func(c *Config) any { p, _ := c.SQLitePath(); return p }, "/srv/ff/focusflow.db"},
		{"DATABASE_URL", "sqlite:////srv/ff/focusflow.db", func(c *Config) any { p, _ := c.SQLitePath(); return p }, "/srv/ff/focusflow.db"},
		{"SECRET_KEY", "short-is-fine-in-dev", func(c *Config) any { return c.SecretKey }, "short-is-fine-in-dev"},
		// Set-but-empty means "use the default" for everything but LOG_FILE.
		{"PORT", "", func(c *Config) any { return c.Port }, 8080},
		{"WTF_CSRF_ENABLED", "  ", func(c *Config) any { return c.CSRFEnabled }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name+"="+tt.value, func(t *testing.T) {
			c := mustLoad(t, map[string]string{tt.name: tt.value})
			if got := tt.get(c); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBooleanSpellings(t *testing.T) {
	for _, v := range []string{"true", "TRUE", "True", "1", "yes", "Yes", "on", "ON", " true "} {
		if c := mustLoad(t, map[string]string{"SIGNUP_ENABLED": v}); !c.SignupEnabled {
			t.Errorf("%q: want true", v)
		}
	}
	for _, v := range []string{"false", "FALSE", "0", "no", "NO", "off", "Off"} {
		if c := mustLoad(t, map[string]string{"SIGNUP_ENABLED": v}); c.SignupEnabled {
			t.Errorf("%q: want false", v)
		}
	}
}

func TestInvalidValues(t *testing.T) {
	tests := []struct {
		name, value string
		want        string // substring of the single problem line
	}{
		{"WTF_CSRF_ENABLED", "maybe", `WTF_CSRF_ENABLED: "maybe" is not a boolean (use true or false)`},
		{"SESSION_COOKIE_SECURE", "2", `SESSION_COOKIE_SECURE: "2" is not a boolean`},
		{"SESSION_COOKIE_HTTPONLY", "y", `SESSION_COOKIE_HTTPONLY: "y" is not a boolean`},
		{"SIGNUP_ENABLED", "enabled", `SIGNUP_ENABLED: "enabled" is not a boolean`},
		{"WTF_CSRF_TIME_LIMIT", "abc", `WTF_CSRF_TIME_LIMIT: "abc" is not a positive whole number of seconds`},
		{"WTF_CSRF_TIME_LIMIT", "0", `WTF_CSRF_TIME_LIMIT: "0" is not a positive`},
		{"WTF_CSRF_TIME_LIMIT", "-5", `WTF_CSRF_TIME_LIMIT: "-5"`},
		{"WTF_CSRF_TIME_LIMIT", "1h", `WTF_CSRF_TIME_LIMIT: "1h"`},
		{"SESSION_COOKIE_SAMESITE", "Maybe", `SESSION_COOKIE_SAMESITE: "Maybe" is not a SameSite mode (use Lax, Strict or None)`},
		{"SESSION_COOKIE_SAMESITE", "None", `SESSION_COOKIE_SAMESITE: None requires SESSION_COOKIE_SECURE=true`},
		{"RATELIMIT_STORAGE_URL", "ftp://x", `RATELIMIT_STORAGE_URL: unsupported scheme "ftp"`},
		{"RATELIMIT_STORAGE_URL", "redis://", `RATELIMIT_STORAGE_URL: redis:// has no host`},
		{"RATELIMIT_STORAGE_URL", "memory://somewhere", `RATELIMIT_STORAGE_URL: memory storage takes no address`},
		{"RATELIMIT_STORAGE_URL", "localhost:6379", `RATELIMIT_STORAGE_URL: unsupported scheme "localhost"`},
		{"LOG_LEVEL", "LOUD", `LOG_LEVEL: "LOUD" is not a log level (use DEBUG, INFO, WARNING, ERROR or CRITICAL)`},
		{"PORT", "70000", `PORT: "70000" is out of range (use 1-65535)`},
		{"IMPORT_MAX_ROWS", "0", `IMPORT_MAX_ROWS: "0" is out of range`},
		{"IMPORT_MAX_BYTES", "lots", `IMPORT_MAX_BYTES: "lots" is not a whole number`},
		{"IMPORT_MAX_PARALLEL", "100", `IMPORT_MAX_PARALLEL: "100" is out of range (use 1-64)`},
		{"PORT", "0", `PORT: "0" is out of range`},
		{"PORT", "http", `PORT: "http" is not a whole number`},
		{"HOST", "bad host", `HOST: "bad host" is not a host name or IP address`},
		{"TRUST_PROXY_HOPS", "11", `TRUST_PROXY_HOPS: "11" is out of range (use 0-10)`},
		{"TRUST_PROXY_HOPS", "-1", `TRUST_PROXY_HOPS: "-1" is out of range`},
		{"METRICS_ADDR", "9090", `METRICS_ADDR: "9090" is not HOST:PORT`},
		{"METRICS_ADDR", "127.0.0.1:http", `METRICS_ADDR: "127.0.0.1:http" is not HOST:PORT`},
		{"DB_CONNECT_TIMEOUT", "soon", `DB_CONNECT_TIMEOUT: "soon" is not a duration`},
		{"DB_CONNECT_TIMEOUT", "-1s", `DB_CONNECT_TIMEOUT: "-1s" must not be negative`},
		{"DB_MAX_CONNS", "0", `DB_MAX_CONNS: "0" is out of range`},
		{"DB_MAX_CONNS", "many", `DB_MAX_CONNS: "many" is not a whole number`},
		{"SHUTDOWN_TIMEOUT", "0", `SHUTDOWN_TIMEOUT: "0" must be positive`},
		{"DB_QUERY_TIMEOUT", "10ms", `DB_QUERY_TIMEOUT: "10ms" must be at least 100ms`},
		{"DRAIN_DELAY", "-1s", `DRAIN_DELAY: "-1s" must not be negative`},
		{"MAX_BODY_BYTES", "1MB", `MAX_BODY_BYTES: "1MB" is not a whole number`},
		{"MAX_BODY_BYTES", "0", `MAX_BODY_BYTES: "0" is out of range`},
		{"SESSION_LIFETIME", "forever", `SESSION_LIFETIME: "forever" is not a duration`},
		{"SESSION_LIFETIME", "0", `SESSION_LIFETIME: "0" must be at least 1s`},
		{"SESSION_REMEMBER_LIFETIME", "30 days", `SESSION_REMEMBER_LIFETIME: "30 days" is not a duration`},
		{"SESSION_IDLE_TIMEOUT", "-2h", `SESSION_IDLE_TIMEOUT: "-2h" must not be negative`},
		{"SECURITY_EVENT_RETENTION", "0", `SECURITY_EVENT_RETENTION: "0" must be at least 1h0m0s`},
		{"SECURITY_EVENT_RETENTION", "99999999999d", `SECURITY_EVENT_RETENTION: "99999999999d" is not a duration`},
		{"RATELIMIT_IP", "1200", `RATELIMIT_IP: "1200" is not a rate (use N/second, N/minute, N/hour or N/day`},
		{"RATELIMIT_SIGNUP", "10/week", `RATELIMIT_SIGNUP: "10/week" is not a rate`},
		{"RATELIMIT_LOGIN", "0/hour", `RATELIMIT_LOGIN: "0/hour" must allow at least 1 request`},
		{"RATELIMIT_WRITE", "x/minute", `RATELIMIT_WRITE: "x/minute" is not a rate`},
		{"RATELIMIT_READ", "per minute", `RATELIMIT_READ: "per minute" is not a rate`},
		{"ENVIRONMENT", "staging", `ENVIRONMENT: "staging" is not an environment (use development or production)`},
		{"FLASK_ENV", "live", `FLASK_ENV: "live" is not an environment`},
		{"DATABASE_URL", "mysql://USER:PASSWORD@db.invalid/ff", `DATABASE_URL: unsupported scheme "mysql" in mysql://USER:xxxxx@db.invalid/ff`},
		{"DATABASE_URL", "focusflow.db", `DATABASE_URL: is not a valid URL`},
		{"DATABASE_URL", "sqlite://", `DATABASE_URL: sqlite URL has no file path`},
		{"DATABASE_URL", "sqlite::memory:", `DATABASE_URL: an in-memory SQLite database`},
		{"DATABASE_URL", "sqlite:///x.db?mode=ro", `DATABASE_URL: sqlite URL "sqlite:///x.db?mode=ro" must not have query parameters`},
		{"DATABASE_URL", "postgres://USER:PASSWORD@db.invalid/ff?sslmode=requir", `DATABASE_URL: is not a valid PostgreSQL URL: failed to configure TLS (sslmode is invalid)`},
		{"DATABASE_URL", "postgres://USER:PASSWORD@db.invalid:99999/ff", `DATABASE_URL: is not a valid PostgreSQL URL: invalid port`},
		{"DATABASE_URL", "sqlite:////srv/my%20data/ff.db", `DATABASE_URL: sqlite URL "sqlite:////srv/my%20data/ff.db" has a %: write the file's path as it is`},
	}
	for _, tt := range tests {
		t.Run(tt.name+"="+tt.value, func(t *testing.T) {
			_, err := load(t, map[string]string{tt.name: tt.value})
			ps := problems(t, err)
			if len(ps) != 1 {
				t.Fatalf("want exactly 1 problem, got %d:\n%v", len(ps), err)
			}
			if !strings.HasPrefix(ps[0], tt.name+": ") {
				t.Errorf("problem does not start with the variable name: %q", ps[0])
			}
			if !strings.Contains(ps[0], tt.want) {
				t.Errorf("problem = %q\nwant it to contain %q", ps[0], tt.want)
			}
			if strings.Contains(ps[0], "\n") {
				t.Errorf("problem spans lines: %q", ps[0])
			}
		})
	}
}

func TestAllProblemsReportedAtOnce(t *testing.T) {
	_, err := load(t, map[string]string{
		"WTF_CSRF_TIME_LIMIT":     "abc",
		"SESSION_COOKIE_SAMESITE": "Maybe",
		"LOG_LEVEL":               "LOUD",
		"RATELIMIT_STORAGE_URL":   "ftp://x",
		"PORT":                    "70000",
	})
	ps := problems(t, err)
	lines := strings.Split(err.Error(), "\n")
	if len(ps) != 5 || len(lines) != 5 {
		t.Fatalf("want 5 problems on 5 lines, got %d problems:\n%v", len(ps), err)
	}
	for _, name := range []string{"WTF_CSRF_TIME_LIMIT", "SESSION_COOKIE_SAMESITE", "LOG_LEVEL", "RATELIMIT_STORAGE_URL", "PORT"} {
		n := 0
		for _, l := range lines {
			if strings.HasPrefix(l, name+": ") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s appears on %d lines, want 1:\n%v", name, n, err)
		}
	}
}

func TestProductionSecretKey(t *testing.T) {
	tests := []struct {
		name   string
		key    *string // nil = unset
		ok     bool
		reason string
	}{
		{"valid", ptr(goodKey), true, ""},
		{"missing", nil, false, "is not set"},
		{"empty", ptr(""), false, "is not set"},
		{"too short", ptr("abcdefghijklmnopqrstuvwxyz01234"), false, "is too short"},
		{"change me", ptr("please-CHANGE-me-0123456789abcdefghij"), false, "placeholder"},
		{"placeholder", ptr("placeholder-placeholder-placeholder"), false, "placeholder"},
		{"example", ptr("example0123456789abcdefghijklmnopqrstuvwxyz"), false, "placeholder"},
		{"secret", ptr("my-super-SECRET-key-0123456789abcdefgh"), false, "placeholder"},
		{"default", ptr("Default0123456789abcdefghijklmnopqrstuvwxyz"), false, "placeholder"},
		{"your", ptr("YourKeyGoesHere0123456789abcdefghijklmnop"), false, "placeholder"},
		{"xxx", ptr("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0"), false, "placeholder"},
		{"dev", ptr("devkey0123456789abcdefghijklmnopqrstuvwxyz"), false, "placeholder"},
		{"test", ptr("TestKey0123456789abcdefghijklmnopqrstuvwxyz"), false, "placeholder"},
		{"password", ptr("Password0123456789abcdefghijklmnopqrstuvwx"), false, "placeholder"},
		{"repeated", ptr(strings.Repeat("a", 40)), false, "placeholder"},
		{"repeated multibyte", ptr(strings.Repeat("é", 40)), false, "placeholder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := prodEnv()
			delete(env, "SECRET_KEY")
			if tt.key != nil {
				env["SECRET_KEY"] = *tt.key
			}
			c, err := load(t, env)
			if tt.ok {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if c.SecretKey != *tt.key || !c.Production {
					t.Errorf("SecretKey/Production not set: %v", c.Production)
				}
				return
			}
			ps := problems(t, err)
			if len(ps) != 1 {
				t.Fatalf("want 1 problem, got:\n%v", err)
			}
			msg := ps[0]
			for _, want := range []string{"SECRET_KEY: ", tt.reason, "at least 32 characters", "openssl rand -base64 32", "secrets.token_urlsafe(32)"} {
				if !strings.Contains(msg, want) {
					t.Errorf("problem %q lacks %q", msg, want)
				}
			}
			if tt.key != nil && *tt.key != "" && strings.Contains(msg, *tt.key) {
				t.Errorf("problem leaks the key: %q", msg)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func TestProductionRules(t *testing.T) {
	t.Run("valid production config", func(t *testing.T) {
		c := mustLoad(t, prodEnv())
		if !c.Production || c.Environment != EnvProduction || !c.CookieSecure || c.DrainDelay != 5*time.Second {
			t.Errorf("Production=%v Environment=%q CookieSecure=%v DrainDelay=%v", c.Production, c.Environment,
				c.CookieSecure, c.DrainDelay)
		}
		if len(c.Warnings) != 0 {
			t.Errorf("unexpected warnings: %q", c.Warnings)
		}
		if _, ok := c.SQLitePath(); ok {
			t.Error("SQLitePath() ok for a postgres URL")
		}
	})
	t.Run("DATABASE_URL required", func(t *testing.T) {
		env := prodEnv()
		delete(env, "DATABASE_URL")
		_, err := load(t, env)
		ps := problems(t, err)
		if len(ps) != 1 || !strings.HasPrefix(ps[0], "DATABASE_URL: is required in production") ||
			!strings.Contains(ps[0], "DATABASE_URL=sqlite:///path/to/focusflow.db") {
			t.Errorf("got %q", ps)
		}
	})
	t.Run("sqlite allowed", func(t *testing.T) {
		c := mustLoad(t, prodEnv("DATABASE_URL", "sqlite:///var/lib/focusflow/focusflow.db"))
		if p, ok := c.SQLitePath(); !ok || p != "/var/lib/focusflow/focusflow.db" {
			t.Errorf("SQLitePath() = %q, %v", p, ok)
		}
	})
	t.Run("insecure cookie is a warning", func(t *testing.T) {
		c := mustLoad(t, prodEnv("SESSION_COOKIE_SECURE", "false"))
		want := "SESSION_COOKIE_SECURE=false in production: session cookies will be sent over plain HTTP"
		if len(c.Warnings) != 1 || c.Warnings[0] != want {
			t.Errorf("Warnings = %q", c.Warnings)
		}
	})
	t.Run("insecure cookie is fine in development", func(t *testing.T) {
		c := mustLoad(t, map[string]string{"SESSION_COOKIE_SECURE": "false"})
		if len(c.Warnings) != 0 {
			t.Errorf("Warnings = %q", c.Warnings)
		}
	})
	t.Run("SameSite=None needs Secure", func(t *testing.T) {
		_, err := load(t, prodEnv("SESSION_COOKIE_SECURE", "false", "SESSION_COOKIE_SAMESITE", "none"))
		ps := problems(t, err)
		if len(ps) != 1 || !strings.HasPrefix(ps[0], "SESSION_COOKIE_SAMESITE: None requires") {
			t.Errorf("got %q", ps)
		}
		c := mustLoad(t, prodEnv("SESSION_COOKIE_SAMESITE", "None"))
		if c.CookieSameSite != http.SameSiteNoneMode {
			t.Errorf("CookieSameSite = %v", c.CookieSameSite)
		}
	})
	t.Run("other risky settings warn", func(t *testing.T) {
		c := mustLoad(t, prodEnv("WTF_CSRF_ENABLED", "false", "SESSION_COOKIE_HTTPONLY", "false",
			"METRICS_ADDR", ":9090", "DATABASE_URL", prodDBURL+"?sslmode=disable"))
		if len(c.Warnings) != 4 {
			t.Errorf("want 4 warnings, got %q", c.Warnings)
		}
		for _, w := range c.Warnings {
			if strings.Contains(w, leakyPass) {
				t.Errorf("warning leaks the password: %q", w)
			}
		}
	})
	t.Run("all production problems at once", func(t *testing.T) {
		_, err := load(t, map[string]string{"ENVIRONMENT": "production", "PORT": "x"})
		ps := problems(t, err)
		if len(ps) != 3 {
			t.Errorf("want SECRET_KEY, DATABASE_URL and PORT, got:\n%v", err)
		}
	})
}

func TestEnvironment(t *testing.T) {
	tests := []struct {
		env      map[string]string
		want     string
		prod     bool
		warnings int
	}{
		{map[string]string{}, EnvDevelopment, false, 0},
		{map[string]string{"ENVIRONMENT": "Production"}, EnvProduction, true, 0},
		{map[string]string{"ENVIRONMENT": " PRODUCTION "}, EnvProduction, true, 0},
		{map[string]string{"FLASK_ENV": "production"}, EnvProduction, true, 0},
		{map[string]string{"FLASK_ENV": "development"}, EnvDevelopment, false, 0},
		{map[string]string{"ENVIRONMENT": "test"}, EnvTest, false, 0},
		{map[string]string{"ENVIRONMENT": "Testing"}, EnvTest, false, 0},
		{map[string]string{"ENVIRONMENT": "development", "FLASK_ENV": "production"}, EnvDevelopment, false, 1},
		{map[string]string{"ENVIRONMENT": "production", "FLASK_ENV": "development"}, EnvProduction, true, 1},
		{map[string]string{"ENVIRONMENT": "production", "FLASK_ENV": "production"}, EnvProduction, true, 0},
		{map[string]string{"ENVIRONMENT": "", "FLASK_ENV": "production"}, EnvProduction, true, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.env), func(t *testing.T) {
			env := map[string]string{"SECRET_KEY": goodKey, "DATABASE_URL": prodDBURL}
			for k, v := range tt.env {
				env[k] = v
			}
			c := mustLoad(t, env)
			if c.Environment != tt.want || c.Production != tt.prod || len(c.Warnings) != tt.warnings {
				t.Errorf("Environment=%q Production=%v Warnings=%q; want %q %v %d", c.Environment, c.Production, c.Warnings, tt.want, tt.prod, tt.warnings)
			}
			if c.CookieSecure != tt.prod {
				t.Errorf("CookieSecure default = %v, want %v", c.CookieSecure, tt.prod)
			}
		})
	}
}

func TestDotEnv(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".env")
	content := `# local settings
export PORT=9000
LOG_LEVEL = debug   # inline comment
DATA_DIR='/tmp/ff data'
SECRET_KEY="dev-only \"quoted\" key"
LOG_FILE=
SIGNUP_ENABLED=off
`
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(lookupFrom(map[string]string{"PORT": "7000"}), path, os.ReadFile)
	if err != nil {
		t.Fatal(err)
	}
	if !c.DotEnvLoaded {
		t.Error("DotEnvLoaded = false")
	}
	if c.Port != 7000 {
		t.Errorf("Port = %d: the real environment must win over .env", c.Port)
	}
	if c.LogLevel != slog.LevelDebug || c.DataDir != "/tmp/ff data" || c.SecretKey != `dev-only "quoted" key` ||
		c.LogFile != "" || c.SignupEnabled {
		t.Errorf("values from .env not applied: %+v", []any{c.LogLevel, c.DataDir, c.LogFile, c.SignupEnabled})
	}

	t.Run("missing file is fine", func(t *testing.T) {
		c, err := Load(lookupFrom(nil), filepath.Join(dir, "absent.env"), os.ReadFile)
		if err != nil || c.DotEnvLoaded {
			t.Errorf("err=%v DotEnvLoaded=%v", err, c != nil && c.DotEnvLoaded)
		}
	})
	t.Run("unreadable file is an error", func(t *testing.T) {
		_, err := Load(lookupFrom(nil), dir, os.ReadFile) // a directory
		ps := problems(t, err)
		if len(ps) != 1 || !strings.HasPrefix(ps[0], dir+": cannot read .env file") {
			t.Errorf("got %q", ps)
		}
	})
	t.Run("malformed lines name file and line", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.env")
		body := "PORT=9000\nthis line is " + leakyPass + "\n\nBAD-NAME=1\nQ=\"unterminated\n"
		if err := os.WriteFile(bad, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Load(lookupFrom(nil), bad, os.ReadFile)
		ps := problems(t, err)
		want := []string{bad + ":2: expected KEY=VALUE", bad + ":4: invalid variable name", bad + ":5: missing closing quote"}
		if len(ps) != len(want) {
			t.Fatalf("got %q", ps)
		}
		for i := range want {
			if !strings.HasPrefix(ps[i], want[i]) {
				t.Errorf("problem %d = %q, want prefix %q", i, ps[i], want[i])
			}
		}
		if strings.Contains(err.Error(), leakyPass) {
			t.Error("error quotes the malformed line")
		}
	})
	t.Run("real environment wins for aliases", func(t *testing.T) {
		files := fakeFiles(map[string]string{".env": "ENVIRONMENT=development\n"})
		c, err := Load(lookupFrom(prodEnv("ENVIRONMENT", "", "FLASK_ENV", "production")), ".env", files)
		if err != nil {
			t.Fatal(err)
		}
		if !c.Production {
			t.Error("a .env ENVIRONMENT overrode the real FLASK_ENV")
		}
	})
	t.Run("real environment wins for _FILE pairs", func(t *testing.T) {
		files := fakeFiles(map[string]string{
			".env":             "SECRET_KEY=from-dotenv\n",
			"/run/secrets/key": goodKey + "\n",
		})
		c, err := Load(lookupFrom(map[string]string{"SECRET_KEY_FILE": "/run/secrets/key"}), ".env", files)
		if err != nil {
			t.Fatal(err)
		}
		if c.SecretKey != goodKey {
			t.Errorf("SecretKey from the wrong source")
		}
	})
}

func TestParseDotEnv(t *testing.T) {
	tests := []struct {
		line, key, value string
	}{
		{"A=b", "A", "b"},
		{"export A=b", "A", "b"},
		{"export\tA=b", "A", "b"},
		{"export=b", "export", "b"},
		{"A = b ", "A", "b"},
		{"A=", "A", ""},
		{"A= # only a comment", "A", ""},
		{"A=#not-a-comment", "A", "#not-a-comment"},
		{"A=b#c", "A", "b#c"},
		{"A=b #c", "A", "b"},
		{"A=b\t# c", "A", "b"},
		{"A=two words", "A", "two words"},
		{"A='single # kept \\n literal'", "A", "single # kept \\n literal"},
		{`A="line\nbreak\ttab \\ \" end"`, "A", "line\nbreak\ttab \\ \" end"},
		{`A="x" # trailing comment`, "A", "x"},
		{`A="unknown \q escape"`, "A", `unknown \q escape`},
		{"A=postgres://u:p@h/db?x=1", "A", "postgres://u:p@h/db?x=1"},
		{"A=b\r", "A", "b"},
		{"_A1=x", "_A1", "x"},
	}
	for _, tt := range tests {
		vars, ps := parseDotEnv(".env", []byte(tt.line))
		if len(ps) != 0 {
			t.Errorf("%q: unexpected problems %q", tt.line, ps)
			continue
		}
		if v, ok := vars[tt.key]; !ok || v != tt.value || len(vars) != 1 {
			t.Errorf("%q: got %q, want %s=%q", tt.line, vars, tt.key, tt.value)
		}
	}
	for _, line := range []string{"novalue", "1A=x", "A B=x", "=x", `A="x" y`, "A='open"} {
		if _, ps := parseDotEnv(".env", []byte(line)); len(ps) != 1 || !strings.HasPrefix(ps[0], ".env:1: ") {
			t.Errorf("%q: want one problem at .env:1, got %q", line, ps)
		}
	}
	vars, ps := parseDotEnv(".env", []byte("\n# c\n   \nA=1\nA=2\n"))
	if len(ps) != 0 || vars["A"] != "2" {
		t.Errorf("later lines must win: %q %q", vars, ps)
	}
}

func TestFileSecrets(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "secret_key")
	dbFile := filepath.Join(dir, "database_url")
	emptyFile := filepath.Join(dir, "empty")
	for path, body := range map[string]string{keyFile: goodKey + "\n", dbFile: prodDBURL + "\r\n", emptyFile: "\n"} {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	loadFiles := func(env map[string]string) (*Config, error) {
		return Load(lookupFrom(env), "", os.ReadFile)
	}

	c, err := loadFiles(map[string]string{"ENVIRONMENT": "production", "SECRET_KEY_FILE": keyFile, "DATABASE_URL_FILE": dbFile})
	if err != nil {
		t.Fatal(err)
	}
	if c.SecretKey != goodKey || c.DatabaseURL != prodDBURL {
		t.Error("values from *_FILE not read or not trimmed")
	}

	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"both set", map[string]string{"SECRET_KEY": goodKey, "SECRET_KEY_FILE": keyFile}, "SECRET_KEY: both SECRET_KEY and SECRET_KEY_FILE are set"},
		{"both set db", map[string]string{"DATABASE_URL": prodDBURL, "DATABASE_URL_FILE": dbFile}, "DATABASE_URL: both DATABASE_URL and DATABASE_URL_FILE are set"},
		{"unreadable", map[string]string{"SECRET_KEY_FILE": filepath.Join(dir, "nope")}, "SECRET_KEY_FILE: cannot read " + filepath.Join(dir, "nope") + ": no such file or directory"},
		{"directory", map[string]string{"DATABASE_URL_FILE": dir}, "DATABASE_URL_FILE: cannot read " + dir},
		{"empty", map[string]string{"SECRET_KEY_FILE": emptyFile}, "SECRET_KEY_FILE: " + emptyFile + " is empty"},
		{"weak key from file", map[string]string{"ENVIRONMENT": "production", "DATABASE_URL": prodDBURL, "SECRET_KEY_FILE": dbFile}, "SECRET_KEY (from SECRET_KEY_FILE): looks like a placeholder"},
		{"redis url file", map[string]string{"RATELIMIT_STORAGE_URL_FILE": dbFile}, `RATELIMIT_STORAGE_URL (from RATELIMIT_STORAGE_URL_FILE): unsupported scheme "postgres"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadFiles(tt.env)
			ps := problems(t, err)
			if len(ps) != 1 || !strings.HasPrefix(ps[0], tt.want) {
				t.Errorf("got %q\nwant prefix %q", ps, tt.want)
			}
			for _, secret := range []string{goodKey, leakyPass} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error leaks file contents: %q", err)
				}
			}
		})
	}
}

func TestEnsureSecretKey(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "data")
	c := mustLoad(t, map[string]string{"DATA_DIR": dataDir})

	generated, err := c.EnsureSecretKey()
	if err != nil || !generated {
		t.Fatalf("first call: generated=%v err=%v", generated, err)
	}
	first := c.SecretKey
	if len(first) != 43 || strings.ContainsAny(first, "+/=") {
		t.Errorf("key is not 32 bytes of unpadded URL-safe base64 (len %d)", len(first))
	}
	path := filepath.Join(dataDir, "secret_key")
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	dirInfo, err := os.Stat(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		if info.Mode().Perm() != 0o600 {
			t.Errorf("key file mode = %v, want 0600", info.Mode().Perm())
		}
		if dirInfo.Mode().Perm() != 0o700 {
			t.Errorf("data dir mode = %v, want 0700", dirInfo.Mode().Perm())
		}
	}
	if entries, _ := os.ReadDir(dataDir); len(entries) != 1 {
		t.Errorf("stray files left in DATA_DIR: %v", entries)
	}

	// A second start (a fresh Config) reads the same key back.
	c2 := mustLoad(t, map[string]string{"DATA_DIR": dataDir})
	generated, err = c2.EnsureSecretKey()
	if err != nil || generated {
		t.Fatalf("second call: generated=%v err=%v", generated, err)
	}
	if c2.SecretKey != first {
		t.Error("second call returned a different key")
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 && runtime.GOOS != "windows" {
		t.Errorf("key file mode changed to %v", info.Mode().Perm())
	}

	t.Run("configured key is kept", func(t *testing.T) {
		c := mustLoad(t, map[string]string{"DATA_DIR": t.TempDir(), "SECRET_KEY": "configured"})
		if g, err := c.EnsureSecretKey(); g || err != nil || c.SecretKey != "configured" {
			t.Errorf("generated=%v err=%v", g, err)
		}
	})
	t.Run("short key file is refused", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "secret_key"), []byte("short\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		c := mustLoad(t, map[string]string{"DATA_DIR": dir})
		_, err := c.EnsureSecretKey()
		if err == nil || strings.Contains(err.Error(), "short\n") || c.SecretKey != "" {
			t.Errorf("err=%v", err)
		}
	})
	t.Run("production never generates", func(t *testing.T) {
		c := &Config{Production: true, DataDir: t.TempDir()}
		if g, err := c.EnsureSecretKey(); g || err == nil {
			t.Errorf("generated=%v err=%v", g, err)
		}
	})
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://user:secret@host/db", "postgres://user:xxxxx@host/db"},
		{"postgresql://USER:PASSWORD@pooler.invalid:6543/postgres?sslmode=require", "postgresql://USER:xxxxx@pooler.invalid:6543/postgres?sslmode=require"},
		{"postgres://user@host/db", "postgres://user@host/db"},
		{"postgres://host/db?user=u&password=PASSWORD", "postgres://host/db?password=xxxxx&user=u"},
		{"redis://:PASSWORD@redis.invalid:6379/0", "redis://:xxxxx@redis.invalid:6379/0"},
		{"rediss://alice:PASSWORD@redis.invalid:6380/1", "rediss://alice:xxxxx@redis.invalid:6380/1"},
		// A bad port and an "@" in the password: nothing of it shows.
		{"redis://:PASS@WORD@127.0.0.1:bad/0", unparsable},
		{"not a url with PASSWORD@host", unparsable},
		{"memory://", "memory://"},
		{"sqlite:///data/focusflow.db", "sqlite:///data/focusflow.db"},
		{"sqlite:rel.db", "sqlite:rel.db"},
		{"postgres://user:p%40ss@host/db", "postgres://user:xxxxx@host/db"},
		// An unescaped @ in the password: the parser takes the last @.
		{"postgres://user:p@ss@host/db", "postgres://user:xxxxx@host/db"},
		// Unescaped / ? # in the password split the URL in the wrong place.
		{"postgres://user:12/34@host/db", unparsable},
		{"postgres://user:12?34@host/db", unparsable},
		{"postgres://user:12#34@host/db", unparsable},
		{"postgres://user:ab/cd@host/db", unparsable},
		{"postgres:user:PASSWORD@host", unparsable},
		{"PASSWORD", unparsable},
		{"://nope", unparsable},
		{"", unparsable},
	}
	for _, tt := range tests {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestNoSecretLeaks renders a fully loaded configuration every way a caller
// might, and checks neither the password nor the secret key shows up.
func TestNoSecretLeaks(t *testing.T) {
	c := mustLoad(t, prodEnv("RATELIMIT_STORAGE_URL", redisURL))
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	logger.Info("config", "config", c)
	logger.Info("config", "config", *c)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("config", "config", c)

	renderings := map[string]string{
		"String":              c.String(),
		"LogValue":            c.LogValue().String(),
		"slog":                buf.String(),
		"%v pointer":          fmt.Sprintf("%v", c),
		"%+v value":           fmt.Sprintf("%+v", *c),
		"%#v value":           fmt.Sprintf("%#v", *c),
		"DatabaseURLRedacted": c.DatabaseURLRedacted(),
		"Redis redacted":      c.RateLimitStorageURLRedacted(),
	}
	for name, s := range renderings {
		if strings.Contains(s, leakyPass) || strings.Contains(s, goodKey) {
			t.Errorf("%s leaks a secret: %s", name, s)
		}
	}
	if !strings.Contains(c.String(), "database=postgres://USER:xxxxx@db.invalid:6543/postgres") ||
		!strings.Contains(c.String(), "secret_key_set=true") {
		t.Errorf("String() lacks the redacted summary: %s", c.String())
	}

	// Errors from bad URLs with credentials in them.
	for _, env := range []map[string]string{
		{"DATABASE_URL": "mysql://USER:" + leakyPass + "@db.invalid/ff"},
		{"DATABASE_URL": "postgres://USER:" + leakyPass + "/x@db.invalid/ff"},
		{"DATABASE_URL": "postgres:USER:" + leakyPass + "@db.invalid"},
		{"DATABASE_URL": leakyPass},
		{"RATELIMIT_STORAGE_URL": "memcached://USER:" + leakyPass + "@cache.invalid"},
		{"RATELIMIT_STORAGE_URL": "redis://USER:" + leakyPass + "#x@redis.invalid"},
		{"ENVIRONMENT": "production", "DATABASE_URL": prodDBURL, "SECRET_KEY": leakyPass + "-0123456789abcdefghij"},
	} {
		_, err := load(t, env)
		if err == nil {
			t.Errorf("%v: want an error", env)
			continue
		}
		if strings.Contains(err.Error(), leakyPass) {
			t.Errorf("error leaks the password: %v", err)
		}
	}
}

func TestSQLitePath(t *testing.T) {
	tests := []struct {
		url, dataDir, want string
		ok                 bool
	}{
		{"", "/srv/data", "/srv/data/focusflow.db", true},
		{"sqlite:///abs/focusflow.db", "", "/abs/focusflow.db", true},
		{"SQLITE:///abs/focusflow.db", "", "/abs/focusflow.db", true},
		{"sqlite://rel/focusflow.db", "", "rel/focusflow.db", true},
		{"sqlite:rel.db", "", "rel.db", true},
		// SQLAlchemy writes an absolute path with four slashes: the same file.
		{"sqlite:////abs/focusflow.db", "", "/abs/focusflow.db", true},
		{"sqlite://///abs/focusflow.db", "", "/abs/focusflow.db", true},
		{"postgres://USER:PASSWORD@db.invalid/ff", "", "", false},
	}
	for _, tt := range tests {
		c := &Config{DatabaseURL: tt.url, DataDir: tt.dataDir}
		if got, ok := c.SQLitePath(); got != tt.want || ok != tt.ok {
			t.Errorf("SQLitePath(%q) = %q, %v; want %q, %v", tt.url, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseRate(t *testing.T) {
	tests := []struct {
		in   string
		want Rate
		ok   bool
	}{
		{"1200/minute", Rate{1200, time.Minute}, true},
		{"10/hour", Rate{10, time.Hour}, true},
		{"5/second", Rate{5, time.Second}, true},
		{"3/day", Rate{3, 24 * time.Hour}, true},
		{"3/D", Rate{3, 24 * time.Hour}, true},
		{"7/s", Rate{7, time.Second}, true},
		{"7/h", Rate{7, time.Hour}, true},
		{"10/", Rate{}, false},
		{"/minute", Rate{}, false},
		{"-1/minute", Rate{}, false},
		{"10 per minute", Rate{}, false},
		{"1.5/minute", Rate{}, false},
	}
	for _, tt := range tests {
		got, err := ParseRate(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseRate(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if tt.ok {
			if back, err := ParseRate(got.String()); err != nil || back != got {
				t.Errorf("round trip of %v via %q failed", got, got.String())
			}
		}
	}
}

func TestLoadNilFunctionsUseProcessEnvironment(t *testing.T) {
	t.Setenv("PORT", "8123")
	c, err := Load(nil, "", nil)
	if err != nil {
		// The surrounding environment may hold unrelated bad values; only
		// PORT matters here.
		t.Skipf("process environment not loadable: %v", err)
	}
	if c.Port != 8123 {
		t.Errorf("Port = %d", c.Port)
	}
}
