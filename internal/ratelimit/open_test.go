package ratelimit

import (
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

func TestOpen(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		l, closer, err := Open("memory://", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := l.(*Memory); !ok {
			t.Fatalf("got %T, want *Memory", l)
		}
		if err := closer.Close(); err != nil {
			t.Fatal(err)
		}
	})

	// Open must not dial, so these need no server (port 1 is never Redis).
	for _, tc := range []struct {
		url         string
		tls         bool
		wantRetries int
	}{
		{"redis://127.0.0.1:1/0", false, 0},
		{"rediss://user:pw@127.0.0.1:1/2", true, 0},
		{"redis://127.0.0.1:1/0?max_retries=2", false, 2}, // explicit settings win
	} {
		t.Run(tc.url, func(t *testing.T) {
			l, closer, err := Open(tc.url, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer closer.Close()
			r, ok := l.(*Redis)
			if !ok {
				t.Fatalf("got %T, want *Redis", l)
			}
			opt := r.client.(*redis.Client).Options()
			if !opt.ContextTimeoutEnabled {
				t.Error("ContextTimeoutEnabled is off: the per-call timeout would not bound socket I/O")
			}
			if opt.MaxRetries != tc.wantRetries {
				t.Errorf("MaxRetries = %d, want %d", opt.MaxRetries, tc.wantRetries)
			}
			if (opt.TLSConfig != nil) != tc.tls {
				t.Errorf("TLS = %v, want %v", opt.TLSConfig != nil, tc.tls)
			}
			if strings.Contains(r.addr, "pw") {
				t.Errorf("addr for logs %q contains the password", r.addr)
			}
		})
	}

	for _, bad := range []string{
		"",
		"memory",
		"memory://somewhere",
		"http://127.0.0.1:6379",
		"unix:///run/redis.sock", // redis.ParseURL takes it, we do not
		"redis://:hunter2@127.0.0.1:notaport/0",
		"redis://:hunter2@127.0.0.1:6379/notadb",
		"redis://:hunter2@127.0.0.1:6379/0?bogus=1",
		"ftp://:hunter2@host",
	} {
		t.Run("reject "+bad, func(t *testing.T) {
			l, closer, err := Open(bad, Options{})
			if err == nil {
				closer.Close()
				t.Fatalf("got %T, want an error", l)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("error leaks the password: %v", err)
			}
		})
	}
}
