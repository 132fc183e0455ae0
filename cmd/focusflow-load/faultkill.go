package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// timerState is the part of GET /api/v1/timer the suite checks.
type timerState struct {
	TaskID    int64   `json:"task_id"`
	State     string  `json:"state"`
	StartedAt *string `json:"started_at"`
	ElapsedMS int64   `json:"elapsed_ms"`
	Version   int64   `json:"version"`
}

// readTimer reads the timer in a's body ({"timer": …}).
func readTimer(a answer) (*timerState, error) {
	var body struct {
		Timer *timerState `json:"timer"`
	}
	if !a.ok() {
		return nil, fmt.Errorf("timer: %s", a)
	}
	if err := json.Unmarshal(a.body, &body); err != nil || body.Timer == nil {
		return nil, fmt.Errorf("timer: unreadable answer %.200q", a.body)
	}
	return body.Timer, nil
}

// killScenario kills the server with SIGKILL while users write, starts
// it again on the same address, and checks that every acknowledged write
// is there and that a timer running across the crash lost no time.
func killScenario(ctx context.Context, s *suite, o *outcome) {
	sv := s.serve(ctx, o, s.dbURL, nil)
	if sv == nil {
		return
	}
	client := faultClient(64)
	defer closeIdle(client)
	sessions, err := s.signIn(ctx, client, sv, 9)
	if err != nil {
		o.failf("sign in: %v", err)
		s.finish(o, sv)
		return
	}
	runner, writers := sessions[0], sessions[1:]
	started := send(ctx, client, runner, http.MethodPost, sv.base+"/api/v1/timer/start",
		fmt.Sprintf(`{"task_id":%d}`, runner.tasks[0]))
	acked := time.Now()
	before, err := readTimer(started)
	if err != nil || before.State != "running" || before.StartedAt == nil {
		o.failf("start the timer before the crash: %v %+v", err, before)
		s.finish(o, sv)
		return
	}
	span := s.cfg.span(10*time.Second, 4*time.Second)
	led := newLedger()
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ignored tally // requests around the crash may get no answer
		hammer(ctx, client, sv.base, writers, span, led, &ignored)
	}()
	time.Sleep(span / 2)
	sv.kill()
	killedAt := time.Now()
	sv, err = s.startAt(ctx, sv.addr, s.dbURL, nil)
	if err != nil {
		o.failf("restart after kill -9: %v", err)
		<-done
		return
	}
	defer s.finish(o, sv)
	o.measure("restart: healthy again after", time.Since(killedAt))
	<-done
	led.verify(ctx, o, client, sv.base, writers)
	checkTimerKept(ctx, o, client, sv, runner, before, acked)
}

// checkTimerKept reads runner's timer after the restart: still running
// on the same task, from the same instant, with all the time since.
func checkTimerKept(ctx context.Context, o *outcome, client *http.Client, sv *server, runner *session, before *timerState, acked time.Time) {
	since := time.Since(acked) // before the read: the server's figure is later
	after, err := readTimer(send(ctx, client, runner, http.MethodGet, sv.base+"/api/v1/timer", ""))
	switch {
	case err != nil:
		o.failf("timer after the restart: %v", err)
	case after.State != "running" || after.TaskID != before.TaskID:
		o.failf("timer after the restart: %s on task %d, want running on task %d", after.State, after.TaskID, before.TaskID)
	case after.StartedAt == nil || *after.StartedAt != *before.StartedAt:
		o.failf("timer after the restart started at %v, want %s", after.StartedAt, *before.StartedAt)
	case time.Duration(after.ElapsedMS)*time.Millisecond < since:
		o.failf("timer lost time: %d ms elapsed after the restart, %s passed since it started", after.ElapsedMS, seconds(since))
	default:
		o.measure("running timer across the crash: time lost", "0 ms")
	}
}
