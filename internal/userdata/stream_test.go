package userdata

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
)

// The sample account the load tool writes is a valid document, read as a
// stream within limits that fit it, and refused past them naming each
// setting.
func TestDecodeStreamsWithinLimits(t *testing.T) {
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	raw, err := json.Marshal(Build(SampleRows(100, true, now.Add(-time.Hour)), now))
	if err != nil {
		t.Fatal(err)
	}
	svc := New(nil, func() time.Time { return now })
	plan, err := svc.WithLimits(Limits{MaxRows: 310, MaxBytes: int64(len(raw))}).Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Tasks) != 100 || len(plan.Entries) != 100 || len(plan.Activity) != 100 || len(plan.Notes) != 10 {
		t.Errorf("plan: %d tasks, %d entries, %d activity, %d notes", len(plan.Tasks), len(plan.Entries),
			len(plan.Activity), len(plan.Notes))
	}
	_, err = svc.WithLimits(Limits{MaxRows: 309}).Decode(bytes.NewReader(raw))
	if focusflow.ErrorCode(err) != focusflow.ETOOLARGE || !strings.Contains(focusflow.ErrorMessage(err), "IMPORT_MAX_ROWS=309") ||
		focusflow.ErrorField(err) != "activity[99]" {
		t.Errorf("one row too many: %v (field %q)", err, focusflow.ErrorField(err))
	}
	_, err = svc.WithLimits(Limits{MaxBytes: int64(len(raw)) - 1}).Decode(bytes.NewReader(raw))
	if focusflow.ErrorCode(err) != focusflow.ETOOLARGE || !strings.Contains(focusflow.ErrorMessage(err), "IMPORT_MAX_BYTES") {
		t.Errorf("one byte too many: %v", err)
	}
}
