package live

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/focusflow/focusflow/internal/sqlstore/storetest"
)

// TestPGBusBatchArrivesInOrder publishes a batch in one statement and
// checks that a listener receives every message, in order.
func TestPGBusBatchArrivesInOrder(t *testing.T) {
	url := storetest.PostgresURL(t)
	if url == "" {
		t.Skip("FOCUSFLOW_TEST_DATABASE_URL not set: LISTEN/NOTIFY needs PostgreSQL")
	}
	if direct := os.Getenv("FOCUSFLOW_TEST_DIRECT_URL"); direct != "" {
		url = direct // LISTEN needs PostgreSQL itself, not a pooler
	}
	b, err := NewPGBus(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	got := make(chan string, 256)
	go b.Listen(ctx, func(msg []byte) { got <- string(msg) }, func() {})

	tag := fmt.Sprint(time.Now().UnixNano()) // other tests may share the channel
	// Probe until the listener is up, then send the batch.
	for ready := false; !ready; {
		if err := b.Publish(ctx, []byte("probe-"+tag)); err != nil {
			t.Fatal(err)
		}
		select {
		case m := <-got:
			ready = m == "probe-"+tag
		case <-time.After(200 * time.Millisecond):
		case <-ctx.Done():
			t.Fatal("the listener never received a probe")
		}
	}
	var batch [][]byte
	for i := range 40 {
		batch = append(batch, fmt.Appendf(nil, "%s-%02d", tag, i))
	}
	if err := b.PublishBatch(ctx, batch); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(batch); {
		select {
		case m := <-got:
			if len(m) < len(tag) || m[:len(tag)] != tag || m == "probe-"+tag {
				continue // another test's message, or a late probe
			}
			if m != string(batch[i]) {
				t.Fatalf("message %d: got %q, want %q", i, m, batch[i])
			}
			i++
		case <-ctx.Done():
			t.Fatalf("only %d of %d messages arrived", i, len(batch))
		}
	}
}
