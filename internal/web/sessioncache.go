package web

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/focusflow/focusflow"
)

// sessionCacheTTL bounds how long a resolved session is reused. Reuse is
// only for the day view, whose handler checks the session again inside
// its own database round trip (see Store.Day), so a logout or revocation
// on any instance takes effect at once; the cache only saves the separate
// session query on the hottest read.
const sessionCacheTTL = 10 * time.Second

// sessionCacheMax bounds memory: past it the cache starts over.
const sessionCacheMax = 50_000

// authCache caches a resolved credential — a session, or an API token —
// and its user, by the credential's hash. The same rules hold for tokens:
// only the day view uses a cached one, and it checks the token again in
// its own round trip.
type authCache[T any] struct {
	mu sync.Mutex
	m  map[string]cachedAuth[T]
}

type cachedAuth[T any] struct {
	cred T
	user focusflow.User
	at   time.Time
}

func newAuthCache[T any]() *authCache[T] { return &authCache[T]{m: map[string]cachedAuth[T]{}} }

// get returns copies, so a handler cannot change the cached values.
func (c *authCache[T]) get(hash string, now time.Time) (*T, *focusflow.User, bool) {
	c.mu.Lock()
	e, ok := c.m[hash]
	c.mu.Unlock()
	if !ok || now.Sub(e.at) > sessionCacheTTL || now.Before(e.at) {
		return nil, nil, false
	}
	return &e.cred, &e.user, true
}

func (c *authCache[T]) put(hash string, cred *T, u *focusflow.User, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= sessionCacheMax {
		clear(c.m)
	}
	c.m[hash] = cachedAuth[T]{cred: *cred, user: *u, at: now}
}

func (c *authCache[T]) drop(hash string) {
	c.mu.Lock()
	delete(c.m, hash)
	c.mu.Unlock()
}

// dropUser forgets every cached session of a user (password change,
// revocation, settings, deletion on this instance).
func (c *authCache[T]) dropUser(userID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for h, e := range c.m {
		if e.user.ID == userID {
			delete(c.m, h)
		}
	}
}

// revalidatedRoute says whether the request's handler re-checks the
// session itself, so a cached session may serve it.
func revalidatedRoute(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v1/days/") &&
		strings.Count(r.URL.Path, "/") == 4
}
