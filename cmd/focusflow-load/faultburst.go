package main

import (
	"context"
	"errors"
	"sync"
	"time"
)

// burstRSSBound is the documented bound on the server's peak resident set
// under a burst of concurrent sign-ins with the default settings (the
// README's memory section): well under a 512 MB container.
const burstRSSBound = 320 << 20

// burstSignIns is how many sign-ins run at once in the burst.
const burstSignIns = 16

// burstScenario signs 16 users in at once, a few times, on a server of
// its own started with the default settings, and reads its idle
// and peak resident set from /proc.
func burstScenario(ctx context.Context, s *suite, o *outcome) {
	sv := s.serve(ctx, o, s.dbURL, nil)
	if sv == nil {
		return
	}
	defer s.finish(o, sv)
	first, err := s.takeUsers(burstSignIns)
	if err != nil {
		o.failf("%v", err)
		return
	}
	time.Sleep(time.Second) // let start-up garbage be collected
	if _, idle, err := sv.memory(); err == nil {
		o.measure("idle RSS after start", mib(idle))
	}
	client := faultClient(burstSignIns)
	defer closeIdle(client)
	rounds := s.cfg.size(3, 1)
	var slowest time.Duration
	for range rounds {
		took, err := signInBurst(ctx, sv, first)
		if err != nil {
			o.failf("burst: %v", err)
			return
		}
		slowest = max(slowest, took)
	}
	peak, now, err := sv.memory()
	if err != nil {
		o.failf("read /proc: %v", err)
		return
	}
	o.measure("bursts of 16 concurrent sign-ins", rounds)
	o.measure("slowest burst (all 16 signed in)", slowest)
	o.measure("peak RSS (VmHWM)", mib(peak))
	o.measure("RSS after the bursts", mib(now))
	if len(s.cfg.serverEnv) > 0 {
		o.measure("bound not asserted", "--server-env changes the settings")
	} else if peak > burstRSSBound {
		o.failf("peak RSS %s is over the documented bound %s", mib(peak), mib(burstRSSBound))
	}
}

// signInBurst signs users first … first+15 in at the same moment, each
// on a connection of its own, and says how long the slowest took.
func signInBurst(ctx context.Context, sv *server, first int) (time.Duration, error) {
	start := make(chan struct{})
	errs := make([]error, burstSignIns)
	var wg sync.WaitGroup
	for i := range burstSignIns {
		wg.Go(func() {
			client := faultClient(1)
			defer closeIdle(client)
			<-start
			_, errs[i] = signInPatiently(ctx, client, sv.base, userName(first+i), defaultPassword)
		})
	}
	began := time.Now()
	close(start)
	wg.Wait()
	return time.Since(began), errors.Join(errs...)
}
