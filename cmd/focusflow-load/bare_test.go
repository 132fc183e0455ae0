package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

func TestBareRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"bare"},
		{"bare", "--db", "postgres://x@127.0.0.1/db", "--addr", "192.0.2.1:7070"},
		{"bare", "--db", "postgres://x@127.0.0.1/db", "--users", "0"},
	} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, &out, &errb); code != 2 || errb.Len() == 0 {
			t.Errorf("%v: exit %d, %q", args, code, errb.String())
		}
	}
}

// The bare server answers its two operations against a real PostgreSQL.
func TestBareServesDayAndStart(t *testing.T) {
	url := storetest.PostgresURL(t)
	if url == "" {
		t.Skip("FOCUSFLOW_TEST_DATABASE_URL not set: the bare server needs PostgreSQL")
	}
	db := storetest.CreateDatabase(t)
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"bare", "--db", db, "--seed", "--users", "3", "--days", "2"}, &out, &errb); code != 0 {
		t.Fatalf("seed: exit %d: %s", code, errb.String())
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"bare", "--db", db, "--addr", addr, "--users", "3"}, &bytes.Buffer{}, &bytes.Buffer{})
	}()
	defer func() {
		cancel()
		<-done
	}()
	var day struct {
		Tasks []bareTask `json:"tasks"`
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := http.Get("http://" + addr + "/day?u=2")
		if err == nil {
			err = json.NewDecoder(res.Body).Decode(&day)
			res.Body.Close()
		}
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET /day: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(day.Tasks) != 5 || day.Tasks[0].SpentMS != 3*1500000 {
		t.Fatalf("today's tasks %+v, want 5 with 75 minutes each", day.Tasks)
	}
	for range 2 {
		res, err := http.Post("http://"+addr+"/start?u=2", "application/json", strings.NewReader("{}"))
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("POST /start: %v %v", res, err)
		}
		res.Body.Close()
	}
}
