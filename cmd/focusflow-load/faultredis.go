package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// redisReadLimit is the read limit per user while the Redis scenario
// runs: low enough that a busy reader reaches it within a phase.
const redisReadLimit = 60

// redisScenario keeps the rate limits in Redis, reached through a fault
// proxy that passes, stalls, resets and passes again. In every phase each
// request must be answered in time, 2xx or 429 with Retry-After, and a
// reader past its limit must meet 429s: the limits fall back to memory
// while Redis is away, they are not dropped.
func redisScenario(ctx context.Context, s *suite, o *outcome) {
	u, err := url.Parse(s.cfg.redis)
	if err != nil {
		o.failf("--redis: %v", err)
		return
	}
	p, err := newFaultProxy(u.Host)
	if err != nil {
		o.failf("proxy: %v", err)
		return
	}
	defer p.close()
	u.Host = p.addr()
	metricsAddr, err := freeAddr()
	if err != nil {
		o.failf("%v", err)
		return
	}
	sv := s.serve(ctx, o, s.dbURL, map[string]string{"RATELIMIT_STORAGE_URL": u.String(),
		"RATELIMIT_READ": fmt.Sprintf("%d/minute", redisReadLimit), "METRICS_ADDR": metricsAddr})
	if sv == nil {
		return
	}
	defer s.finish(o, sv)
	client := faultClient(16)
	defer closeIdle(client)
	sessions, err := s.signIn(ctx, client, sv, 4)
	if err != nil {
		o.failf("sign in: %v", err)
		return
	}
	span := s.cfg.span(10*time.Second, 3*time.Second)
	for i, mode := range []proxyMode{modePass, modeStall, modeReset, modePass} {
		p.setMode(mode)
		phase := fmt.Sprintf("Redis %s (phase %d)", mode, i+1)
		limited, slowest, bad := readUntilLimited(ctx, client, sv.base, sessions[i], span)
		o.measure(phase+": slowest answer", slowest)
		if bad != "" {
			o.failf("%s: %s", phase, bad)
		}
		if slowest > s.defaultBudget() {
			o.failf("%s: a read took %s, bound %s", phase, seconds(slowest), seconds(s.defaultBudget()))
		}
		if !limited {
			o.failf("%s: a reader past %d reads a minute met no 429: the limit is not enforced", phase, redisReadLimit)
		}
		fallbacks, err := counter(ctx, client, "http://"+metricsAddr+"/metrics", "focusflow_rate_limit_fallbacks_total")
		if err != nil {
			o.failf("%s: %v", phase, err)
		}
		o.measure(phase+": decisions made in memory so far", fallbacks)
		if mode != modePass && fallbacks == 0 {
			o.failf("%s: no decision fell back to memory: the fault did not reach the server", phase)
		}
	}
}

// counter sums the samples of a Prometheus counter on a metrics page.
func counter(ctx context.Context, client *http.Client, metricsURL, name string) (float64, error) {
	a := send(ctx, client, nil, http.MethodGet, metricsURL, "")
	if !a.ok() {
		return 0, fmt.Errorf("metrics: %s", a)
	}
	var sum float64
	found := false
	for line := range strings.SplitSeq(string(a.body), "\n") {
		if !strings.HasPrefix(line, name+" ") && !strings.HasPrefix(line, name+"{") {
			continue
		}
		f := strings.Fields(line)
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			return 0, fmt.Errorf("metrics: %q", line)
		}
		sum += v
		found = true
	}
	if !found {
		return 0, fmt.Errorf("metrics: no %s", name)
	}
	return sum, nil
}

// readUntilLimited has se read its day from a few goroutines for span:
// it says whether a 429 with Retry-After came, the slowest answer, and
// the first answer that was neither that nor 2xx.
func readUntilLimited(ctx context.Context, client *http.Client, base string, se *session, span time.Duration) (limited bool, slowest time.Duration, bad string) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	stop := time.Now().Add(span)
	for range 4 {
		wg.Go(func() {
			for ctx.Err() == nil && time.Now().Before(stop) {
				a := send(ctx, client, se, http.MethodGet, base+"/api/v1/days/"+today(), "")
				mu.Lock()
				slowest = max(slowest, a.took)
				switch {
				case a.err == nil && a.status == http.StatusTooManyRequests && a.retryAfter != "":
					limited = true
				case !a.ok() && bad == "":
					bad = "a read got " + a.String()
				}
				mu.Unlock()
				time.Sleep(5 * time.Millisecond)
			}
		})
	}
	wg.Wait()
	return limited, slowest, bad
}
