package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/focusflow/focusflow/internal/userdata"
)

// importScenario imports a big generated document (by default the size
// that once occupied a server: 125,000 tasks, each with a time entry and
// a line of activity) into an account while four other users keep reading
// and writing: their requests must be answered within the budget, and the
// import must create every row of the document, or none.
func importScenario(ctx context.Context, s *suite, o *outcome) {
	doc, want, err := bigDocument(s.cfg.size(125000, 2000))
	if err != nil {
		o.failf("%v", err)
		return
	}
	o.measure("document", fmt.Sprintf("%s, %d tasks, %d time entries", mib(int64(len(doc))), want.Tasks, want.TimeEntries))
	sv := s.serve(ctx, o, s.dbURL, nil)
	if sv == nil {
		return
	}
	defer s.finish(o, sv)
	client := faultClient(32)
	defer closeIdle(client)
	sessions, err := s.signIn(ctx, client, sv, 5)
	if err != nil {
		o.failf("sign in: %v", err)
		return
	}
	importer, others := sessions[0], sessions[1:]
	_, had, err := exportOf(ctx, client, sv, importer)
	if err != nil {
		o.failf("%v", err)
		return
	}
	before := newLedger()
	before.label = "before the import"
	hammer(ctx, client, sv.base, others, time.Second, before, &tally{}) // the usual figures, for comparison
	o.measure("other users' slowest write before the import", before.slowest())
	led, t := newLedger(), &tally{}
	led.label = "during the import"
	stop := make(chan struct{})
	hammered := make(chan struct{})
	go func() {
		defer close(hammered)
		hammerUntil(ctx, client, sv.base, others, stop, led, t)
	}()
	// The import has a budget of its own (two minutes): wait past it.
	a := send(ctx, newClient(1, 3*time.Minute), importer, http.MethodPost, sv.base+"/api/v1/import", string(doc))
	close(stop)
	<-hammered
	o.measure("import answered after", a.took)
	checkImported(o, a, want)
	checkAllOrNothing(ctx, o, client, sv, importer, had, want)
	t.check(o, "other users during the import", s.defaultBudget())
	o.measure("other users' slowest write during the import", led.slowest())
	if peak, _, err := sv.memory(); err == nil {
		o.measure("server's peak RSS (VmHWM)", mib(peak))
	}
	before.verify(ctx, o, client, sv.base, others)
	led.verify(ctx, o, client, sv.base, others)
}

// bigDocument is a valid export document of n tasks with their history.
func bigDocument(n int) ([]byte, importCounts, error) {
	doc := userdata.Build(userdata.SampleRows(n, true, time.Now().Add(-time.Hour)), time.Now())
	body, err := json.Marshal(doc)
	return body, importCounts{Tasks: len(doc.Tasks), TimeEntries: len(doc.Entries)}, err
}

// exportOf reads se's export document and its counts.
func exportOf(ctx context.Context, client *http.Client, sv *server, se *session) ([]byte, importCounts, error) {
	a := send(ctx, client, se, http.MethodGet, sv.base+"/api/v1/export", "")
	var doc struct {
		Tasks   []json.RawMessage `json:"tasks"`
		Entries []json.RawMessage `json:"time_entries"`
	}
	if !a.ok() || json.Unmarshal(a.body, &doc) != nil {
		return nil, importCounts{}, fmt.Errorf("export of %s: %s", se.name, a)
	}
	return a.body, importCounts{Tasks: len(doc.Tasks), TimeEntries: len(doc.Entries)}, nil
}

// checkAllOrNothing reads the importer's account after the import: it
// holds what it had plus the whole document, or only what it had.
func checkAllOrNothing(ctx context.Context, o *outcome, client *http.Client, sv *server, se *session, had, doc importCounts) {
	_, now, err := exportOf(ctx, client, sv, se)
	if err != nil {
		o.failf("after the import: %v", err)
		return
	}
	all := importCounts{Tasks: had.Tasks + doc.Tasks, TimeEntries: had.TimeEntries + doc.TimeEntries}
	if now != had && now != all {
		o.failf("after the import the account holds %+v: neither all (%+v) nor nothing (%+v)", now, all, had)
	}
}

// importCounts is the part of an import's summary the suite checks.
type importCounts struct {
	Tasks       int `json:"tasks"`
	TimeEntries int `json:"time_entries"`
}

// checkImported fails o unless a is a 2xx that created every task and
// entry of the document.
func checkImported(o *outcome, a answer, want importCounts) {
	var body struct {
		Imported struct {
			Created importCounts `json:"created"`
		} `json:"imported"`
	}
	switch {
	case !a.ok():
		o.failf("import: %s: %.300s", a, a.body)
	case json.Unmarshal(a.body, &body) != nil:
		o.failf("import: unreadable answer %.300q", a.body)
	case body.Imported.Created != want:
		o.failf("import created %+v, the document has %+v", body.Imported.Created, want)
	}
}
