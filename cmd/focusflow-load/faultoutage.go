package main

import (
	"context"
	"net"
	"time"
)

// Database outages: a stall, a held table lock, a reset. Through each,
// every signed-in request is answered, 2xx or 503 with Retry-After,
// within DB_QUERY_TIMEOUT + 1 s (+ marginSlack for a loaded machine),
// the server recovers by itself, and no write is lost or applied twice.

// marginSlack is added to every promised time bound: the suite shares a
// small machine with the database and its own load.
const marginSlack = time.Second

// recoveryBound is how long the server may take to serve a signed-in
// read again once the database answers.
const recoveryBound = 10 * time.Second

// resetRecoveryBound is the same after a reset outage, which leaves no
// stuck connection behind: the next request dials anew.
const resetRecoveryBound = time.Second + marginSlack

// outageUsers is how many users act through each outage (fewer with
// --short: each sign-in costs a 64 MiB password check).
func (s *suite) outageUsers() int { return s.cfg.size(8, 4) }

// defaultQueryTimeout is DB_QUERY_TIMEOUT's default, which every server
// but the outage scenarios' runs with.
const defaultQueryTimeout = 5 * time.Second

// budget is the longest a request may take while the database fails.
func (s *suite) budget() time.Duration { return s.cfg.queryTimeout + time.Second + marginSlack }

// defaultBudget is the same for a server with the default query budget.
func (s *suite) defaultBudget() time.Duration { return defaultQueryTimeout + time.Second + marginSlack }

// outageEnv gives an outage scenario's server the run's query budget.
func (s *suite) outageEnv() map[string]string {
	return map[string]string{"DB_QUERY_TIMEOUT": s.cfg.queryTimeout.String()}
}

// proxied starts a fault proxy in front of the run's PostgreSQL and a
// server that reaches the database through it.
func (s *suite) proxied(ctx context.Context, o *outcome) (*faultProxy, *server) {
	viaURL, target, err := s.dbURLVia("")
	if err != nil {
		o.failf("database URL: %v", err)
		return nil, nil
	}
	if _, _, err := net.SplitHostPort(target); err != nil {
		target = net.JoinHostPort(target, "5432")
	}
	p, err := newFaultProxy(target)
	if err != nil {
		o.failf("proxy: %v", err)
		return nil, nil
	}
	viaURL, _, _ = s.dbURLVia(p.addr())
	sv := s.serve(ctx, o, viaURL, s.outageEnv())
	if sv == nil {
		p.close()
		return nil, nil
	}
	return p, sv
}

// presigned signs n users in through a server of its own with the
// default query budget, and stops it: sessions live in the database and
// every server of the run shares the key, so they work on the outage's
// server, whose short budget would also bound the password check.
func (s *suite) presigned(ctx context.Context, o *outcome, n int) []*session {
	sv := s.serve(ctx, o, s.dbURL, nil)
	if sv == nil {
		return nil
	}
	defer s.finish(o, sv)
	client := faultClient(8)
	defer closeIdle(client)
	sessions, err := s.signIn(ctx, client, sv, n)
	if err != nil {
		o.failf("sign in: %v", err)
		return nil
	}
	return sessions
}

// outage runs fault for span while the sessions hammer the server, ends
// it with heal, then checks answers, recovery and writes.
func (s *suite) outage(ctx context.Context, o *outcome, sv *server, sessions []*session, span time.Duration, fault, heal func() error) {
	client := faultClient(64)
	defer closeIdle(client)
	led := newLedger()
	if err := fault(); err != nil {
		o.failf("start the fault: %v", err)
		return
	}
	var t tally
	hammer(ctx, client, sv.base, sessions, span, led, &t)
	if err := heal(); err != nil {
		o.failf("end the fault: %v", err)
		return
	}
	t.check(o, "during the fault", s.budget())
	bound := recoveryBound
	if o.name == "reset" {
		bound = resetRecoveryBound
	}
	took, err := recovery(ctx, client, sv.base, sessions[0], bound)
	if err != nil {
		o.failf("recovery: %v", err)
		return
	}
	o.measure("recovery: first signed-in 2xx after", took)
	led.verify(ctx, o, client, sv.base, sessions)
}

func stallScenario(ctx context.Context, s *suite, o *outcome) {
	s.proxyOutage(ctx, o, modeStall, s.cfg.span(20*time.Second, 5*time.Second))
}

func resetScenario(ctx context.Context, s *suite, o *outcome) {
	s.proxyOutage(ctx, o, modeReset, s.cfg.span(10*time.Second, 3*time.Second))
}

// proxyOutage puts the proxy in front of the database in mode for span.
func (s *suite) proxyOutage(ctx context.Context, o *outcome, mode proxyMode, span time.Duration) {
	sessions := s.presigned(ctx, o, s.outageUsers())
	if sessions == nil {
		return
	}
	p, sv := s.proxied(ctx, o)
	if sv == nil {
		return
	}
	defer p.close()
	defer s.finish(o, sv)
	o.measure(mode.String()+" held for", span)
	s.outage(ctx, o, sv, sessions, span,
		func() error { p.setMode(mode); return nil },
		func() error { p.setMode(modePass); return nil })
}

// lockScenario holds ACCESS EXCLUSIVE on tasks in another session: every
// read of a day and every task write waits for it.
func lockScenario(ctx context.Context, s *suite, o *outcome) {
	sessions := s.presigned(ctx, o, s.outageUsers())
	if sessions == nil {
		return
	}
	sv := s.serve(ctx, o, s.dbURL, s.outageEnv())
	if sv == nil {
		return
	}
	defer s.finish(o, sv)
	conn, err := s.pgConn(ctx)
	if err != nil {
		o.failf("connect: %v", err)
		return
	}
	defer conn.Close(context.Background())
	span := s.cfg.span(20*time.Second, 5*time.Second)
	o.measure("lock held for", span)
	s.outage(ctx, o, sv, sessions, span,
		func() error {
			if _, err := conn.Exec(ctx, "BEGIN"); err != nil {
				return err
			}
			_, err := conn.Exec(ctx, "LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE")
			return err
		},
		func() error { _, err := conn.Exec(ctx, "ROLLBACK"); return err })
}
