package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// recorder collects the outcome of every request of one worker for one
// endpoint. Each worker owns its recorders, so recording takes no lock; the
// recorders are merged once the run is over. Durations are kept whole (16
// bytes a request at most is nothing next to the server's memory), so the
// percentiles are exact rather than bucketed.
type recorder struct {
	durations []time.Duration // every completed request, successful or not
	statuses  map[int]int     // responses by HTTP status
	transport int             // requests that got no response at all
	lastErr   string          // the last transport error, for the report
}

func newRecorder() *recorder { return &recorder{statuses: map[int]int{}} }

func (r *recorder) record(status int, d time.Duration, err error) {
	r.durations = append(r.durations, d)
	if err != nil {
		r.transport++
		r.lastErr = err.Error()
		return
	}
	r.statuses[status]++
}

func (r *recorder) merge(o *recorder) {
	r.durations = append(r.durations, o.durations...)
	for k, v := range o.statuses {
		r.statuses[k] += v
	}
	r.transport += o.transport
	if o.lastErr != "" {
		r.lastErr = o.lastErr
	}
}

// summary is what the report prints for one endpoint.
type summary struct {
	Name               string
	Requests, Errors   int
	PerSecond          float64
	P50, P90, P99, Max time.Duration
	ErrorsBy           string // "404×3, 500×1, transport×2"
	LastTransportError string
}

// isError says whether a response counts as an error: anything but 2xx.
func isError(status int) bool { return status < 200 || status > 299 }

func (r *recorder) summarize(name string, elapsed time.Duration) summary {
	s := summary{Name: name, Requests: len(r.durations), LastTransportError: r.lastErr}
	sorted := slices.Clone(r.durations)
	slices.Sort(sorted)
	s.P50, s.P90, s.P99 = percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99)
	if len(sorted) > 0 {
		s.Max = sorted[len(sorted)-1]
	}
	if elapsed > 0 {
		s.PerSecond = float64(s.Requests) / elapsed.Seconds()
	}
	var parts []string
	codes := make([]int, 0, len(r.statuses))
	for code := range r.statuses {
		codes = append(codes, code)
	}
	sort.Ints(codes)
	for _, code := range codes {
		if isError(code) {
			s.Errors += r.statuses[code]
			parts = append(parts, fmt.Sprintf("%d×%d", code, r.statuses[code]))
		}
	}
	if r.transport > 0 {
		s.Errors += r.transport
		parts = append(parts, fmt.Sprintf("transport×%d", r.transport))
	}
	s.ErrorsBy = strings.Join(parts, ", ")
	return s
}

// percentile returns the p-th percentile (0 < p <= 100) of sorted by the
// nearest-rank method: the smallest value such that at least p% of the
// values are less than or equal to it. It returns 0 for no values.
func percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(n)))
	rank = min(max(rank, 1), n)
	return sorted[rank-1]
}

// printReport writes one line per endpoint plus the error breakdown.
func printReport(w io.Writer, title string, conns int, elapsed time.Duration, sums []summary) {
	fmt.Fprintf(w, "\n%s — %d connections, %.1f s measured\n", title, conns, elapsed.Seconds())
	fmt.Fprintf(w, "%-30s %10s %8s %10s %9s %9s %9s %9s\n", "endpoint", "requests", "errors", "req/s", "p50", "p90", "p99", "max")
	var total summary
	total.Name = "total"
	for _, s := range sums {
		fmt.Fprintf(w, "%-30s %10d %8d %10.1f %9s %9s %9s %9s\n", s.Name, s.Requests, s.Errors, s.PerSecond,
			ms(s.P50), ms(s.P90), ms(s.P99), ms(s.Max))
		total.Requests += s.Requests
		total.Errors += s.Errors
		total.PerSecond += s.PerSecond
	}
	if len(sums) > 1 {
		fmt.Fprintf(w, "%-30s %10d %8d %10.1f\n", total.Name, total.Requests, total.Errors, total.PerSecond)
	}
	for _, s := range sums {
		if s.ErrorsBy != "" {
			fmt.Fprintf(w, "  errors of %s by status: %s\n", s.Name, s.ErrorsBy)
		}
		if s.LastTransportError != "" {
			fmt.Fprintf(w, "  last transport error of %s: %s\n", s.Name, s.LastTransportError)
		}
	}
}

// ms formats a latency in milliseconds with two decimals: "12.34ms".
func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + "ms"
}
