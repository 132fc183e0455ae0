package legacyimport_test

import (
	"testing"

	"github.com/focusflow/focusflow/internal/legacyimport"
)

// Sums of the original's time_spent pass what an int64 holds: the report
// stays exact.
func TestMillisIsExactAtAnySize(t *testing.T) {
	ms := legacyimport.MS
	big := ms(9_000_000_000_000_000_000)
	sum := big.Plus(big).Plus(ms(1_234))
	if got := sum.String(); got != "18,000,000,000,000,001,234" {
		t.Errorf("sum %s", got)
	}
	if _, ok := sum.Int64(); ok {
		t.Error("a sum past int64 claims to fit one")
	}
	back := sum.Minus(big).Minus(big)
	if n, ok := back.Int64(); !ok || n != 1_234 {
		t.Errorf("back to %d (%v)", n, ok)
	}
	neg := ms(-120_000).Minus(big)
	if got := neg.String(); got != "-9,000,000,000,000,120,000" {
		t.Errorf("negative %s", got)
	}
	acct := legacyimport.TimeAccount{ValidMS: sum, CappedMS: sum.Minus(ms(86_400_000)), ImportedMS: ms(86_400_000)}
	if !acct.Balanced() {
		t.Errorf("%+v does not balance", acct)
	}
	if got := sum.Exact(); got != "about 570776255 years" {
		t.Errorf("exact %q", got)
	}
}
