package live

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"sync"
	"time"
)

// Bus carries events between instances.
type Bus interface {
	// Publish sends msg to every listening instance, this one included.
	Publish(ctx context.Context, msg []byte) error
	// Listen calls deliver with every message until ctx ends, reconnecting
	// by itself. It calls gap whenever messages may have been lost (after
	// a reconnection), so that streams can resync.
	Listen(ctx context.Context, deliver func(msg []byte), gap func())
}

// busMessage is an event on the bus with the instance that published it.
type busMessage struct {
	Origin string `json:"o"`
	Event  Event  `json:"e"`
}

// EncodeForBus wraps an event published from outside any hub (an admin
// command) for Bus.Publish.
func EncodeForBus(e Event) ([]byte, error) {
	if e.ID == "" {
		e.ID = newInstanceID() + "-admin"
	}
	return json.Marshal(busMessage{Origin: "admin", Event: e})
}

func newInstanceID() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// batchPublisher is a bus that sends several messages in one go, in
// order (PostgreSQL: one statement for all of them).
type batchPublisher interface {
	PublishBatch(ctx context.Context, msgs [][]byte) error
}

// maxBatch bounds the messages sent together.
const maxBatch = 64

// send hands queued messages to the bus: those waiting together go in one
// batch where the bus can, so that a busy instance pays one round trip
// for many events instead of one each.
func (h *Hub) send() {
	batch := make([][]byte, 0, maxBatch)
	for {
		select {
		case <-h.stop:
			return
		case msg := <-h.out:
			batch = append(batch[:0], msg)
		}
	more:
		for len(batch) < maxBatch {
			select {
			case msg := <-h.out:
				batch = append(batch, msg)
			default:
				break more
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := h.publish(ctx, batch); err != nil {
			h.cfg.Logger.Warn("live: publishing to other instances failed", "error", err, "events", len(batch))
		}
		cancel()
	}
}

func (h *Hub) publish(ctx context.Context, batch [][]byte) error {
	if bp, ok := h.cfg.Bus.(batchPublisher); ok && len(batch) > 1 {
		return bp.PublishBatch(ctx, batch)
	}
	for _, msg := range batch {
		if err := h.cfg.Bus.Publish(ctx, msg); err != nil {
			return err
		}
	}
	return nil
}

// Listen receives other instances' events until the hub closes. It runs
// in its own goroutine, started by the caller once the hub is wired.
func (h *Hub) Listen() {
	if h.cfg.Bus == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.wg.Go(func() {
		<-h.stop
		cancel()
	})
	h.wg.Go(func() {
		h.cfg.Bus.Listen(ctx, h.received, h.Resync)
	})
}

func (h *Hub) received(msg []byte) {
	var m busMessage
	if err := json.Unmarshal(msg, &m); err != nil || m.Origin == h.instance {
		return
	}
	h.deliver(m.Event)
}

// LocalBus connects hubs within one process (several servers in one test,
// say): what the PostgreSQL and Redis buses do between processes.
type LocalBus struct {
	mu    sync.Mutex
	subs  []func([]byte)
	ready chan struct{}
}

// NewLocalBus makes a bus; Ready reports each hub that starts listening.
func NewLocalBus() *LocalBus { return &LocalBus{ready: make(chan struct{}, 64)} }

// Publish implements Bus.
func (b *LocalBus) Publish(_ context.Context, msg []byte) error {
	b.mu.Lock()
	subs := append([]func([]byte){}, b.subs...)
	b.mu.Unlock()
	for _, f := range subs {
		f(msg)
	}
	return nil
}

// Listen implements Bus.
func (b *LocalBus) Listen(ctx context.Context, deliver func([]byte), gap func()) {
	b.mu.Lock()
	b.subs = append(b.subs, deliver)
	b.mu.Unlock()
	gap()
	select {
	case b.ready <- struct{}{}:
	default:
	}
	<-ctx.Done()
}

// Ready receives once for every hub that has started listening.
func (b *LocalBus) Ready() <-chan struct{} { return b.ready }
