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

type sessionCache struct {
	mu sync.Mutex
	m  map[string]cachedSession
}

type cachedSession struct {
	session focusflow.Session
	user    focusflow.User
	at      time.Time
}

func newSessionCache() *sessionCache { return &sessionCache{m: map[string]cachedSession{}} }

// get returns copies, so a handler cannot change the cached values.
func (c *sessionCache) get(hash string, now time.Time) (*focusflow.Session, *focusflow.User, bool) {
	c.mu.Lock()
	e, ok := c.m[hash]
	c.mu.Unlock()
	if !ok || now.Sub(e.at) > sessionCacheTTL || now.Before(e.at) {
		return nil, nil, false
	}
	return &e.session, &e.user, true
}

func (c *sessionCache) put(hash string, s *focusflow.Session, u *focusflow.User, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= sessionCacheMax {
		clear(c.m)
	}
	c.m[hash] = cachedSession{session: *s, user: *u, at: now}
}

func (c *sessionCache) drop(hash string) {
	c.mu.Lock()
	delete(c.m, hash)
	c.mu.Unlock()
}

// dropUser forgets every cached session of a user (password change,
// revocation, settings, deletion on this instance).
func (c *sessionCache) dropUser(userID int64) {
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
