package live

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Channel is the PostgreSQL notification channel of FocusFlow's events.
const Channel = "focusflow_events"

// maxNotify keeps a payload under PostgreSQL's 8,000-byte limit; a larger
// event travels without its data (pages read the state themselves).
const maxNotify = 7900

// PGBus carries events with LISTEN/NOTIFY. Listening needs a connection
// of its own for as long as the instance runs, which a transaction-mode
// pooler cannot give: its URL must reach PostgreSQL directly (or through
// a session-mode pooler). Publishing works through any connection.
type PGBus struct {
	url    string
	pub    *pgxpool.Pool
	logger *slog.Logger
}

// NewPGBus connects lazily to url (a direct or session-mode PostgreSQL URL).
func NewPGBus(url string, logger *slog.Logger) (*PGBus, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = 2
	cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeExec
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &PGBus{url: url, pub: pool, logger: logger}, nil
}

// Close releases the publishing connections.
func (b *PGBus) Close() { b.pub.Close() }

// Publish implements Bus.
func (b *PGBus) Publish(ctx context.Context, msg []byte) error {
	_, err := b.pub.Exec(ctx, `SELECT pg_notify($1, $2)`, Channel, string(Shrink(msg)))
	return err
}

// PublishBatch implements batchPublisher: one statement notifies every
// message, in order.
func (b *PGBus) PublishBatch(ctx context.Context, msgs [][]byte) error {
	payloads := make([]string, len(msgs))
	for i, m := range msgs {
		payloads[i] = string(Shrink(m))
	}
	_, err := b.pub.Exec(ctx, `SELECT pg_notify($1, p) FROM unnest($2::text[]) WITH ORDINALITY AS m(p, n) ORDER BY n`,
		Channel, payloads)
	return err
}

// Shrink drops the data of an event too large for a notification.
func Shrink(msg []byte) []byte {
	if len(msg) <= maxNotify {
		return msg
	}
	var m busMessage
	if json.Unmarshal(msg, &m) != nil {
		return msg
	}
	m.Event.Data = nil
	out, _ := json.Marshal(m)
	return out
}

// Listen implements Bus: one connection held for LISTEN, re-established
// with backoff when it breaks.
func (b *PGBus) Listen(ctx context.Context, deliver func([]byte), gap func()) {
	delay := 250 * time.Millisecond
	for ctx.Err() == nil {
		err := b.listenOnce(ctx, deliver, gap)
		if ctx.Err() != nil {
			return
		}
		b.logger.Warn("live: LISTEN connection lost; pages fall back to polling until it is back", "error", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(delay*2, time.Minute)
	}
}

func (b *PGBus) listenOnce(ctx context.Context, deliver func([]byte), gap func()) error {
	conn, err := pgx.Connect(ctx, b.url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+Channel); err != nil {
		return err
	}
	if err := b.probe(ctx, conn); err != nil {
		return err
	}
	gap() // whatever was sent while not listening is lost
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		deliver([]byte(n.Payload))
	}
}

// probe checks that this connection really receives notifications: behind
// a transaction-mode pooler LISTEN succeeds and then nothing arrives.
func (b *PGBus) probe(ctx context.Context, conn *pgx.Conn) error {
	token := "probe-" + newInstanceID()
	if _, err := b.pub.Exec(ctx, `SELECT pg_notify($1, $2)`, Channel, token); err != nil {
		return err
	}
	wait, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	for {
		n, err := conn.WaitForNotification(wait)
		if err != nil {
			return fmt.Errorf("no notification came back within 3 s (is the notify URL a transaction-mode pooler? "+
				"set DATABASE_NOTIFY_URL to a direct or session-mode connection): %w", err)
		}
		if n.Payload == token {
			return nil
		}
	}
}
