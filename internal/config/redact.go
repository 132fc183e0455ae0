package config

import (
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

const (
	unparsable = "(unparsable URL)"
	masked     = "xxxxx"
)

// RedactURL masks the password in a URL so it can be logged:
// "postgres://user:secret@host/db" becomes "postgres://user:xxxxx@host/db".
// Query parameters that carry credentials (password, sslpassword, token,
// secret ...) are masked too.
//
// Anything that does not parse cleanly as scheme://... returns
// "(unparsable URL)": a URL whose password holds an unescaped / ? or # is
// split in the wrong place by the parser, and showing the pieces would show
// the password. For the same reason any "@" outside the user-info part
// makes the URL unparsable.
func RedactURL(raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return unparsable
	}
	if strings.Contains(u.Opaque, "@") || strings.Contains(u.Path, "@") ||
		strings.Contains(u.RawQuery, "@") || strings.Contains(u.Fragment, "@") {
		return unparsable
	}
	// Re-serialise only when something was masked: url.URL.String does
	// not round-trip every input (it turns "memory://" into "memory:").
	changed := false
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), masked)
		changed = true
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			if isCredentialParam(k) {
				q[k] = []string{masked}
				changed = true
			}
		}
		u.RawQuery = q.Encode()
	}
	if !changed {
		return raw
	}
	return u.String()
}

func isCredentialParam(k string) bool {
	k = strings.ToLower(k)
	for _, w := range [...]string{"pass", "pwd", "secret", "token", "key"} {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// summary lists the settings worth seeing at start-up. It is the single
// source for String and LogValue so the two cannot drift apart, and it
// never includes SecretKey or an unredacted URL.
func (c Config) summary() []slog.Attr {
	db := c.DatabaseURLRedacted()
	if p, ok := c.SQLitePath(); ok && c.DatabaseURL == "" {
		db = "sqlite:" + p + " (default)"
	}
	return []slog.Attr{
		slog.String("environment", c.Environment),
		slog.String("addr", c.Addr),
		slog.String("database", db),
		slog.Bool("secret_key_set", c.SecretKey != ""),
		slog.String("data_dir", c.DataDir),
		slog.String("log_file", c.LogFile),
		slog.String("log_level", c.LogLevel.String()),
		slog.Bool("csrf_enabled", c.CSRFEnabled),
		slog.String("csrf_time_limit", c.CSRFTimeLimit.String()),
		slog.Bool("cookie_secure", c.CookieSecure),
		slog.Bool("cookie_httponly", c.CookieHTTPOnly),
		slog.String("cookie_samesite", sameSiteName(c.CookieSameSite)),
		slog.String("ratelimit_storage", c.RateLimitStorageURLRedacted()),
		slog.String("database_notify", redactOptional(c.DatabaseNotifyURL)),
		slog.Int("events_per_user", c.EventsPerUser),
		slog.Int("events_max_streams", c.EventsMaxStreams),
		slog.Int("import_max_rows", c.ImportMaxRows),
		slog.Int64("import_max_bytes", c.ImportMaxBytes),
		slog.Int("import_max_parallel", c.ImportMaxParallel),
		slog.String("ratelimit_ip", c.RateIP.String()),
		slog.String("ratelimit_signup", c.RateSignup.String()),
		slog.String("ratelimit_login", c.RateLogin.String()),
		slog.String("ratelimit_write", c.RateWrite.String()),
		slog.String("ratelimit_read", c.RateRead.String()),
		slog.Int("trust_proxy_hops", c.TrustProxyHops),
		slog.String("metrics_addr", c.MetricsAddr),
		slog.Bool("signup_enabled", c.SignupEnabled),
		slog.String("db_connect_timeout", c.DBConnectTimeout.String()),
		slog.Int("db_max_conns", c.DBMaxConns),
		slog.String("db_query_timeout", c.DBQueryTimeout.String()),
		slog.String("db_pool_wait", c.DBPoolWait.String()),
		slog.String("shutdown_timeout", c.ShutdownTimeout.String()),
		slog.String("drain_delay", c.DrainDelay.String()),
		slog.Int64("max_body_bytes", c.MaxBodyBytes),
		slog.String("session_lifetime", c.SessionLifetime.String()),
		slog.String("remember_lifetime", c.RememberLifetime.String()),
		slog.String("idle_timeout", c.IdleTimeout.String()),
		slog.String("security_event_retention", c.SecurityEventRetention.String()),
		slog.Bool("dotenv_loaded", c.DotEnvLoaded),
	}
}

// LogValue makes slog print the safe summary instead of the struct.
//
// String, GoString and LogValue have value receivers (unlike the rest of
// the methods) on purpose: then a Config value, not only a *Config, is
// covered, and fmt.Printf("%v", cfg) cannot print SecretKey.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(c.summary()...)
}

// String returns the safe summary as key=value pairs.
func (c Config) String() string {
	var b strings.Builder
	for i, a := range c.summary() {
		if i > 0 {
			b.WriteByte(' ')
		}
		v := a.Value.String()
		if v == "" || strings.ContainsAny(v, " \"=") {
			v = strconv.Quote(v)
		}
		b.WriteString(a.Key + "=" + v)
	}
	return b.String()
}

// GoString keeps %#v from dumping the fields, SecretKey included.
func (c Config) GoString() string {
	return "config.Config{" + c.String() + "}"
}

func sameSiteName(s http.SameSite) string {
	switch s {
	case http.SameSiteStrictMode:
		return "Strict"
	case http.SameSiteNoneMode:
		return "None"
	case http.SameSiteLaxMode:
		return "Lax"
	}
	return "default"
}

// redactOptional is RedactURL, with "" for an unset URL.
func redactOptional(raw string) string {
	if raw == "" {
		return ""
	}
	return RedactURL(raw)
}
