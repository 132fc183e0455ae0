package sqlstore

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// cancelCode opens a PostgreSQL cancel request (the protocol's magic
// number in place of a version).
const cancelCode = 80877102

// slowPooler forwards connections to PostgreSQL like a pooler does, but
// answers a cancel request only some time after the server has: the
// moment in which PgBouncer 1.18 exits if the client hangs up.
type slowPooler struct {
	target       string
	cancels      atomic.Int32
	clientHungUp atomic.Int32
}

func (p *slowPooler) serve(t *testing.T, ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go p.handle(t, c)
	}
}

func (p *slowPooler) handle(t *testing.T, client net.Conn) {
	defer client.Close()
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		t.Errorf("dial PostgreSQL: %v", err)
		return
	}
	defer server.Close()
	head := make([]byte, 8)
	if _, err := io.ReadFull(client, head); err != nil {
		return
	}
	if binary.BigEndian.Uint32(head[4:]) != cancelCode {
		// The startup packet goes on whole: PgBouncer refuses one in parts.
		rest := make([]byte, max(int(binary.BigEndian.Uint32(head[:4]))-8, 0))
		if _, err := io.ReadFull(client, rest); err != nil {
			return
		}
		_, _ = server.Write(append(head, rest...))
		go func() { _, _ = io.Copy(server, client) }()
		_, _ = io.Copy(client, server)
		return
	}
	key := make([]byte, 8)
	if _, err := io.ReadFull(client, key); err != nil {
		return
	}
	_, _ = server.Write(append(head, key...))
	_, _ = io.Copy(io.Discard, server) // the server closes once it is done
	p.cancels.Add(1)
	_ = client.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if _, err := client.Read(make([]byte, 1)); errors.Is(err, io.EOF) {
		p.clientHungUp.Add(1)
	}
}

func TestCancelRequestWaitsForThePooler(t *testing.T) {
	raw := os.Getenv("FOCUSFLOW_TEST_DIRECT_URL")
	if raw == "" {
		raw = os.Getenv("FOCUSFLOW_TEST_DATABASE_URL")
	}
	if raw == "" {
		if os.Getenv("FOCUSFLOW_REQUIRE_POSTGRES") != "" {
			t.Fatal("FOCUSFLOW_REQUIRE_POSTGRES is set but FOCUSFLOW_TEST_DATABASE_URL is not")
		}
		t.Skip("FOCUSFLOW_TEST_DATABASE_URL not set")
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	pooler := &slowPooler{target: u.Host}
	go pooler.serve(t, ln)

	u.Host = ln.Addr().String()
	cfg, err := pgx.ParseConfig(u.String())
	if err != nil {
		t.Fatal(err)
	}
	cfg.DefaultQueryExecMode = pgx.QueryExecModeExec // as through a pooler
	cfg.BuildContextWatcherHandler = cancelOnServer
	ctx := context.Background()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)

	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := conn.Exec(short, "SELECT pg_sleep(30)"); err == nil {
		t.Fatal("a statement past its deadline succeeded")
	}
	if pooler.cancels.Load() != 1 {
		t.Fatalf("cancel requests answered by the server: %d, want 1", pooler.cancels.Load())
	}
	if n := pooler.clientHungUp.Load(); n != 0 {
		t.Fatalf("the cancel connection was closed before the pooler answered (%d times)", n)
	}
	var one int
	if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("connection after a cancelled statement: %v", err)
	}
}
