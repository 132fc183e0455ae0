// Package config holds FocusFlow's configuration: every setting the app
// reads from its environment, parsed once at start-up by Load, validated as
// a whole, and then passed down explicitly (there is no global config).
//
// The variable names are those of the original Flask deployment
// (SECRET_KEY, DATABASE_URL, WTF_CSRF_*, SESSION_COOKIE_*, RATELIMIT_*,
// LOG_LEVEL, FLASK_ENV ...), so an existing deployment's environment keeps
// working unchanged.
//
// Conventions shared by all variables:
//   - Surrounding whitespace is trimmed, and a variable set to the empty
//     string counts as unset (the default applies). LOG_FILE is the one
//     exception: LOG_FILE= (empty) disables the log file.
//   - Booleans accept true/false, 1/0, yes/no and on/off in any case.
//   - Durations accept Go syntax ("90s", "8h"), a days suffix ("30d") or a
//     bare integer in the unit documented for that variable.
//   - Every bad variable is reported, one line each, in a single *Errors.
//   - Secret values (SECRET_KEY, passwords inside URLs) never appear in an
//     error, a warning or the log summary.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Environment names. Environment is normalised to one of these.
const (
	EnvDevelopment = "development"
	EnvProduction  = "production"
	EnvTest        = "test"
)

// LevelCritical is the slog level LOG_LEVEL=CRITICAL maps to (Python's
// logging has CRITICAL above ERROR; slog does not).
const LevelCritical = slog.LevelError + 4

// Defaults that other packages may want to refer to.
const (
	DefaultPort         = 8080
	DefaultDataDir      = "./data"
	DefaultLogFile      = "logs/focusflow.log"
	DefaultMaxBodyBytes = 1 << 20
	// DefaultImportMaxRows is above the largest account FocusFlow is meant
	// for, ten years of heavy use: 3,653 days × (30 tasks + 40 time
	// entries + 60 session phases + 100 lines of activity + 10 notes + 1
	// day note) ≈ 880,000 rows. Every such account's own export imports
	// back.
	DefaultImportMaxRows = 1_000_000
	// DefaultImportMaxBytes holds that account's document as the export
	// writes it (indented JSON: about 400 bytes a task, 230 a phase or a
	// line of activity, 200 an entry, 300 a note: ≈ 220 MB).
	DefaultImportMaxBytes = 256 << 20
	DefaultSQLiteFile     = "focusflow.db"
	SecretKeyFileName     = "secret_key" // inside DATA_DIR, development only
	MinSecretKeyLength    = 32
	secretKeyHowToCreate  = `generate one with: openssl rand -base64 32   (or: python3 -c "import secrets; print(secrets.token_urlsafe(32))")`
)

// Config is the whole configuration. Build it with Load; the zero value is
// not useful.
type Config struct {
	Environment string // EnvDevelopment, EnvProduction or EnvTest
	Production  bool

	// DatabaseURL is a postgres://, postgresql:// or sqlite: URL. "" means
	// the default SQLite file DATA_DIR/focusflow.db (development only; see
	// SQLitePath).
	DatabaseURL string
	// SecretKey signs sessions and CSRF tokens. It may be "" after Load in
	// development; call EnsureSecretKey before using it.
	SecretKey string

	CSRFEnabled    bool
	CSRFTimeLimit  time.Duration
	CookieSecure   bool
	CookieHTTPOnly bool
	CookieSameSite http.SameSite

	RateLimitStorageURL string // memory://, redis:// or rediss://
	LogLevel            slog.Level

	// DatabaseNotifyURL is the PostgreSQL connection that listens for
	// other instances' events (LISTEN needs a session of its own, which a
	// transaction-mode pooler cannot give). "" means DatabaseURL.
	DatabaseNotifyURL string
	EventsPerUser     int // live-update streams one user may hold
	EventsMaxStreams  int // live-update streams one instance holds

	// Imports of users' export documents: the most rows (every element of
	// every section) and bytes one document may have, and how many imports
	// one instance runs at once.
	ImportMaxRows     int
	ImportMaxBytes    int64
	ImportMaxParallel int

	Port    int
	Addr    string // HOST:PORT for the HTTP listener; HOST defaults to all interfaces
	DataDir string
	// LogFile is the application log file; "" means no file (LOG_FILE set
	// to the empty string).
	LogFile string

	TrustProxyHops int    // how many reverse proxies' X-Forwarded-For entries to trust
	MetricsAddr    string // "" = no metrics listener
	SignupEnabled  bool

	DBConnectTimeout time.Duration // how long start-up retries an unreachable database
	DBMaxConns       int
	// DBQueryTimeout is each request's database budget: every call made
	// for it ends by then, answered 503 with Retry-After.
	DBQueryTimeout time.Duration
	// DBPoolWait is the longest a request waits for a pooled connection
	// (within DBQueryTimeout): a stuck pool sheds load fast.
	DBPoolWait      time.Duration
	ShutdownTimeout time.Duration
	// DrainDelay is how long, after SIGTERM, /health answers 503
	// "draining" while requests are still served, so a load balancer
	// stops sending new ones before the listener closes.
	DrainDelay   time.Duration
	MaxBodyBytes int64

	SessionLifetime        time.Duration // absolute lifetime of a normal session
	RememberLifetime       time.Duration // absolute lifetime of a "remember me" session
	IdleTimeout            time.Duration // a session unused this long ends
	SecurityEventRetention time.Duration

	RateIP     Rate // every request, per client IP
	RateSignup Rate // per IP
	RateLogin  Rate // per IP
	RateWrite  Rate // per user
	RateRead   Rate // per user

	DotEnvLoaded bool // a .env file was read
	// Warnings are settings that are allowed but risky (e.g. insecure
	// cookies in production). The caller should log each one loudly.
	Warnings []string
}

// Errors is the error Load returns for bad configuration: one problem per
// bad variable, all of them at once, so an operator fixes everything in one
// round trip.
type Errors struct {
	Problems []string
}

// Error returns the problems, one per line.
func (e *Errors) Error() string {
	return strings.Join(e.Problems, "\n")
}

// Load reads the configuration.
//
// lookup is like os.LookupEnv (nil means os.LookupEnv). dotenvPath names an
// optional .env file ("" = none; a missing file is not an error); real
// environment variables win over values from it. readFile reads the .env
// file and the files named by *_FILE variables (nil means os.ReadFile;
// tests pass a fake).
//
// On bad configuration Load returns a nil *Config and an *Errors.
func Load(lookup func(string) (string, bool), dotenvPath string, readFile func(string) ([]byte, error)) (*Config, error) {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	if readFile == nil {
		readFile = os.ReadFile
	}
	l := &loader{src: source{env: lookup}, readFile: readFile}
	c := &Config{}
	l.readDotEnv(c, dotenvPath)
	l.loadEnvironment(c)

	// Secrets first, because their production rules are the most important
	// lines of the report.
	c.SecretKey = l.loadSecretKey(c.Production)
	c.DatabaseURL = l.loadDatabaseURL(c.Production)

	l.loadCookiesAndCSRF(c)
	c.RateLimitStorageURL = l.rateLimitStorage()
	c.LogLevel = l.logLevel("LOG_LEVEL")
	l.loadLive(c)
	l.loadServer(c)
	l.loadLimits(c)
	if c.Production {
		l.productionWarnings(c)
	}
	if len(l.problems) > 0 {
		return nil, &Errors{Problems: l.problems}
	}
	c.Warnings = l.warnings
	return c, nil
}

// readDotEnv reads the optional .env file: real environment variables win.
func (l *loader) readDotEnv(c *Config, path string) {
	if path == "" {
		return
	}
	data, err := l.readFile(path)
	switch {
	case err == nil:
		vars, problems := parseDotEnv(path, data)
		l.src.dot = vars
		l.problems = append(l.problems, problems...)
		c.DotEnvLoaded = true
	case errors.Is(err, fs.ErrNotExist):
		// An optional file: production usually has none.
	default:
		l.problems = append(l.problems, fmt.Sprintf("%s: cannot read .env file: %v", path, describeFileError(err)))
	}
}

func (l *loader) loadCookiesAndCSRF(c *Config) {
	c.CSRFEnabled = l.boolean("WTF_CSRF_ENABLED", true)
	c.CSRFTimeLimit = l.seconds("WTF_CSRF_TIME_LIMIT", 3600, 365*24*3600)
	c.CookieSecure = l.boolean("SESSION_COOKIE_SECURE", c.Production)
	c.CookieHTTPOnly = l.boolean("SESSION_COOKIE_HTTPONLY", true)
	c.CookieSameSite = l.sameSite("SESSION_COOKIE_SAMESITE")
	if c.CookieSameSite == http.SameSiteNoneMode && !c.CookieSecure {
		l.problem("SESSION_COOKIE_SAMESITE", "None requires SESSION_COOKIE_SECURE=true (browsers reject SameSite=None cookies that are not Secure)")
	}
}

// loadLive reads how live updates reach pages on every instance.
func (l *loader) loadLive(c *Config) {
	c.EventsPerUser = l.integer("EVENTS_PER_USER", 8, 1, 100)
	c.EventsMaxStreams = l.integer("EVENTS_MAX_STREAMS", 5000, 1, 1_000_000)
	c.ImportMaxRows = l.integer("IMPORT_MAX_ROWS", DefaultImportMaxRows, 1, 100_000_000)
	c.ImportMaxBytes = int64(l.integer("IMPORT_MAX_BYTES", DefaultImportMaxBytes, 1024, 1<<40))
	c.ImportMaxParallel = l.integer("IMPORT_MAX_PARALLEL", 2, 1, 64)
	raw, name, ok := l.secret("DATABASE_NOTIFY_URL")
	if !ok || raw == "" {
		return
	}
	u, err := url.Parse(raw)
	if err != nil || RedactURL(raw) == unparsable || (!strings.EqualFold(u.Scheme, "postgres") && !strings.EqualFold(u.Scheme, "postgresql")) {
		l.problem(name, "must be a postgres:// URL (a direct or session-mode connection to the same database as DATABASE_URL)")
		return
	}
	if c.DatabaseURL == "" || isSQLiteURL(c.DatabaseURL) {
		l.problem(name, "is only used with a PostgreSQL DATABASE_URL")
		return
	}
	c.DatabaseNotifyURL = raw
}

// loadServer reads where FocusFlow listens, keeps its files and reaches
// its database.
func (l *loader) loadServer(c *Config) {
	c.Port = l.integer("PORT", DefaultPort, 1, 65535)
	c.Addr = l.addr(c.Port)
	c.DataDir = l.str("DATA_DIR", DefaultDataDir)
	c.LogFile = l.logFile()
	c.TrustProxyHops = l.integer("TRUST_PROXY_HOPS", 0, 0, 10)
	c.MetricsAddr = l.metricsAddr(c.Production)
	c.SignupEnabled = l.boolean("SIGNUP_ENABLED", true)
	c.DBConnectTimeout = l.duration("DB_CONNECT_TIMEOUT", 30*time.Second, time.Second, 0)
	c.DBMaxConns = l.integer("DB_MAX_CONNS", 20, 1, 1000)
	c.DBQueryTimeout = l.duration("DB_QUERY_TIMEOUT", 5*time.Second, time.Second, 100*time.Millisecond)
	c.DBPoolWait = l.duration("DB_POOL_WAIT", time.Second, time.Second, 10*time.Millisecond)
	c.ShutdownTimeout = l.duration("SHUTDOWN_TIMEOUT", 15*time.Second, time.Second, time.Nanosecond)
	drain := time.Duration(0)
	if c.Production {
		drain = 5 * time.Second
	}
	c.DrainDelay = l.duration("DRAIN_DELAY", drain, time.Second, 0)
	c.MaxBodyBytes = int64(l.integer("MAX_BODY_BYTES", DefaultMaxBodyBytes, 1, 1<<40))
}

// loadLimits reads session lifetimes, retention and rate limits.
func (l *loader) loadLimits(c *Config) {
	c.SessionLifetime = l.duration("SESSION_LIFETIME", 8*time.Hour, time.Second, time.Second)
	c.RememberLifetime = l.duration("SESSION_REMEMBER_LIFETIME", 30*24*time.Hour, time.Second, time.Second)
	c.IdleTimeout = l.duration("SESSION_IDLE_TIMEOUT", 2*time.Hour, time.Second, time.Second)
	c.SecurityEventRetention = l.duration("SECURITY_EVENT_RETENTION", 90*24*time.Hour, 24*time.Hour, time.Hour)

	c.RateIP = l.rate("RATELIMIT_IP", Rate{1200, time.Minute})
	c.RateSignup = l.rate("RATELIMIT_SIGNUP", Rate{10, time.Hour})
	c.RateLogin = l.rate("RATELIMIT_LOGIN", Rate{20, time.Hour})
	c.RateWrite = l.rate("RATELIMIT_WRITE", Rate{120, time.Minute})
	c.RateRead = l.rate("RATELIMIT_READ", Rate{600, time.Minute})
}

// productionWarnings names settings that are allowed (someone may run
// behind a proxy that really is plain HTTP on a private network) but
// contrary to a secure deployment, at every start.
func (l *loader) productionWarnings(c *Config) {
	if !c.CookieSecure {
		l.warn("SESSION_COOKIE_SECURE=false in production: session cookies will be sent over plain HTTP")
	}
	if !c.CookieHTTPOnly {
		l.warn("SESSION_COOKIE_HTTPONLY=false in production: scripts on the page can read the session cookie")
	}
	if !c.CSRFEnabled {
		l.warn("WTF_CSRF_ENABLED=false in production: forms and API writes are not protected against cross-site request forgery")
	}
}

// loadEnvironment reads ENVIRONMENT, or its alias FLASK_ENV. ENVIRONMENT
// wins when both are set in the same place, but the real environment beats
// .env: FLASK_ENV=production set by the host is not undone by a stray
// ENVIRONMENT=development line in a .env file.
func (l *loader) loadEnvironment(c *Config) {
	c.Environment = EnvDevelopment
	var name, raw string
search:
	for _, layer := range l.src.layers() {
		for _, n := range [...]string{"ENVIRONMENT", "FLASK_ENV"} {
			if v, ok := layer(n); ok && strings.TrimSpace(v) != "" {
				name, raw = n, strings.TrimSpace(v)
				break search
			}
		}
	}
	if name == "" {
		return
	}
	env, ok := normaliseEnvironment(raw)
	if !ok {
		l.problem(name, "%s is not an environment (use development or production)", quote(raw))
		return
	}
	c.Environment = env
	c.Production = env == EnvProduction

	// Say so when the two names disagree: one of them is stale.
	p, pok := l.get("ENVIRONMENT")
	a, aok := l.get("FLASK_ENV")
	if pok && aok {
		pe, _ := normaliseEnvironment(p)
		ae, _ := normaliseEnvironment(a)
		if pe != ae {
			l.warn(fmt.Sprintf("ENVIRONMENT and FLASK_ENV disagree (%s vs %s); using %s=%s", quote(p), quote(a), name, env))
		}
	}
}

func normaliseEnvironment(s string) (string, bool) {
	switch strings.ToLower(s) {
	case "production", "prod":
		return EnvProduction, true
	case "development", "dev":
		return EnvDevelopment, true
	case "test", "testing":
		return EnvTest, true
	}
	return "", false
}

// loadSecretKey reads SECRET_KEY (or SECRET_KEY_FILE) and, in production,
// refuses a missing, short or placeholder-looking key.
func (l *loader) loadSecretKey(production bool) string {
	key, name, ok := l.secret("SECRET_KEY")
	if !ok || !production {
		return key
	}
	var why string
	switch {
	case key == "":
		why = "is not set"
	case utf8.RuneCountInString(key) < MinSecretKeyLength:
		why = "is too short"
	case looksLikePlaceholder(key):
		why = "looks like a placeholder or default value (if it was freshly generated, generate another)"
	default:
		return key
	}
	l.problem(name, "%s; it is required in production and must be a random value of at least %d characters; %s",
		why, MinSecretKeyLength, secretKeyHowToCreate)
	return ""
}

// looksLikePlaceholder spots keys copied from documentation or a template.
// A truly random key contains one of these words only rarely (about 1 in
// 400 base64 keys); generating another is cheap, and the error says so.
func looksLikePlaceholder(key string) bool {
	lower := strings.ToLower(key)
	for _, w := range [...]string{"change", "placeholder", "example", "secret", "default", "your", "xxx", "dev", "test", "password"} {
		if strings.Contains(lower, w) {
			return true
		}
	}
	first, _ := utf8.DecodeRuneInString(key)
	return strings.Trim(key, string(first)) == ""
}

// rateLimitStorage reads RATELIMIT_STORAGE_URL (or its _FILE variant, since
// a Redis URL may carry a password).
func (l *loader) rateLimitStorage() string {
	const name = "RATELIMIT_STORAGE_URL"
	raw, shown, ok := l.secret(name)
	if !ok {
		return ""
	}
	if raw == "" {
		return "memory://"
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || RedactURL(raw) == unparsable {
		l.problem(shown, "is not a valid URL (use memory:// or redis://HOST:6379/0)")
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "memory":
		if u.Host != "" || (u.Path != "" && u.Path != "/") {
			l.problem(shown, "memory storage takes no address (use memory://)")
			return ""
		}
	case "redis", "rediss":
		if u.Host == "" {
			l.problem(shown, "%s has no host (use e.g. redis://HOST:6379/0)", RedactURL(raw))
			return ""
		}
	default:
		l.problem(shown, "unsupported scheme %q (use memory://, redis://HOST:6379/0 or rediss://HOST:6380/0)", u.Scheme)
		return ""
	}
	return raw
}

// RateLimitStorageURLRedacted is RateLimitStorageURL with any password
// masked, safe to log.
func (c *Config) RateLimitStorageURLRedacted() string {
	if c.RateLimitStorageURL == "" {
		return ""
	}
	return RedactURL(c.RateLimitStorageURL)
}

func (l *loader) sameSite(name string) http.SameSite {
	v, ok := l.get(name)
	if !ok {
		return http.SameSiteLaxMode
	}
	switch strings.ToLower(v) {
	case "lax":
		return http.SameSiteLaxMode
	case "strict":
		return http.SameSiteStrictMode
	case "none":
		return http.SameSiteNoneMode
	}
	l.problem(name, "%s is not a SameSite mode (use Lax, Strict or None)", quote(v))
	return http.SameSiteLaxMode
}

func (l *loader) logLevel(name string) slog.Level {
	v, ok := l.get(name)
	if !ok {
		return slog.LevelInfo
	}
	switch strings.ToUpper(v) {
	case "DEBUG":
		return slog.LevelDebug
	case "INFO":
		return slog.LevelInfo
	case "WARNING", "WARN":
		return slog.LevelWarn
	case "ERROR":
		return slog.LevelError
	case "CRITICAL":
		return LevelCritical
	}
	l.problem(name, "%s is not a log level (use DEBUG, INFO, WARNING, ERROR or CRITICAL)", quote(v))
	return slog.LevelInfo
}

// addr builds the listen address from HOST and the already parsed port.
func (l *loader) addr(port int) string {
	host, _ := l.get("HOST")
	// Accept "[::1]" as well as "::1"; JoinHostPort adds the brackets.
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.ContainsAny(host, " \t/@[]") {
		l.problem("HOST", "%s is not a host name or IP address", quote(host))
		return ""
	}
	return net.JoinHostPort(host, strconv.Itoa(port))
}

// logFile reads LOG_FILE, where (unlike elsewhere) set-but-empty is
// meaningful: it turns the file off.
func (l *loader) logFile() string {
	v, ok := l.src.lookup("LOG_FILE")
	if !ok {
		return DefaultLogFile
	}
	return strings.TrimSpace(v)
}

func (l *loader) metricsAddr(production bool) string {
	const name = "METRICS_ADDR"
	v, ok := l.get(name)
	if !ok {
		return ""
	}
	host, port, err := net.SplitHostPort(v)
	if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 1 || n > 65535 {
		l.problem(name, "%s is not HOST:PORT (e.g. 127.0.0.1:9090)", quote(v))
		return ""
	}
	if production && (host == "" || host == "0.0.0.0" || host == "::") {
		l.warn(fmt.Sprintf("METRICS_ADDR=%s listens on all interfaces in production: make sure the metrics port is not reachable from the internet", v))
	}
	return v
}
