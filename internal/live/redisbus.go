package live

import (
	"context"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisBus carries events with Redis pub/sub.
type RedisBus struct {
	client *redis.Client
	logger *slog.Logger
}

// NewRedisBus uses client (shared with the rate limiter is fine).
func NewRedisBus(client *redis.Client, logger *slog.Logger) *RedisBus {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &RedisBus{client: client, logger: logger}
}

// Publish implements Bus.
func (b *RedisBus) Publish(ctx context.Context, msg []byte) error {
	return b.client.Publish(ctx, Channel, msg).Err()
}

// Listen implements Bus. go-redis re-subscribes by itself after a broken
// connection; every subscription confirmation after the first marks a gap.
func (b *RedisBus) Listen(ctx context.Context, deliver func([]byte), gap func()) {
	ps := b.client.Subscribe(ctx, Channel)
	defer ps.Close()
	for ctx.Err() == nil {
		m, err := ps.Receive(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			b.logger.Warn("live: Redis subscription interrupted; pages fall back to polling until it is back", "error", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
			continue
		}
		switch m := m.(type) {
		case *redis.Subscription:
			if m.Kind == "subscribe" {
				gap()
			}
		case *redis.Message:
			deliver([]byte(m.Payload))
		}
	}
}
