package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// outcome is what one scenario found: its failures (any makes the suite
// fail) and its measurements (reported, never asserted).
type outcome struct {
	name     string
	skipped  string // why it did not run
	took     time.Duration
	mu       sync.Mutex
	failures []string
	measured []measurement
	logs     string // the servers' output, kept when it failed
}

type measurement struct{ what, value string }

func (o *outcome) failf(format string, args ...any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.failures = append(o.failures, fmt.Sprintf(format, args...))
}

// measure records a figure for the table.
func (o *outcome) measure(what string, value any) {
	var v string
	switch x := value.(type) {
	case time.Duration:
		v = seconds(x)
	default:
		v = fmt.Sprint(x)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.measured = append(o.measured, measurement{what, v})
}

func (o *outcome) failed() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.failures) > 0
}

func (o *outcome) result() string {
	switch {
	case o.skipped != "":
		return "SKIP"
	case o.failed():
		return "FAIL"
	}
	return "PASS"
}

// seconds formats a duration as seconds with three decimals: "2.013 s".
func seconds(d time.Duration) string { return fmt.Sprintf("%.3f s", d.Seconds()) }

// mib formats a byte count in MiB: "183.4 MiB".
func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// printOutcomes writes the table of measurements, then every failure.
func printOutcomes(w io.Writer, results []*outcome) {
	fmt.Fprintf(w, "\n%-8s %-6s %-56s %s\n", "scenario", "result", "measured", "value")
	for _, o := range results {
		first := true
		row := func(what, value string) {
			name, res := "", ""
			if first {
				name, res = o.name, o.result()
				first = false
			}
			fmt.Fprintf(w, "%-8s %-6s %-56s %s\n", name, res, what, value)
		}
		if o.skipped != "" {
			row("skipped: "+o.skipped, "")
			continue
		}
		for _, m := range o.measured {
			row(m.what, m.value)
		}
		row("scenario time", seconds(o.took))
	}
	var passed, failed, skipped int
	for _, o := range results {
		switch o.result() {
		case "PASS":
			passed++
		case "FAIL":
			failed++
			fmt.Fprintf(w, "\nFAIL %s:\n  %s\n", o.name, strings.Join(o.failures, "\n  "))
			if o.logs != "" {
				fmt.Fprintf(w, "  server output (last lines):\n%s\n", o.logs)
			}
		default:
			skipped++
		}
	}
	fmt.Fprintf(w, "\nfaults: %d passed, %d failed, %d skipped\n", passed, failed, skipped)
}

// outcomesExit is 1 when any scenario failed or nothing ran at all.
func outcomesExit(results []*outcome) int {
	ran := 0
	for _, o := range results {
		if o.failed() {
			return 1
		}
		if o.skipped == "" {
			ran++
		}
	}
	if ran == 0 {
		return 1
	}
	return 0
}
