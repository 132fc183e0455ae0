package main

// focusflow-load doc writes a large, valid export document, for measuring
// imports: focusflow user import NAME FILE, or POST /api/v1/import.

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/focusflow/focusflow/internal/userdata"
)

func docCommand(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("doc", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tasks := fs.Int("tasks", 125000, "tasks in the document")
	history := fs.Bool("history", false, "give each task a time entry and a line of activity, and every tenth a note")
	out := fs.String("out", "-", "the `file` to write (\"-\": standard output)")
	if code, done := parseFlags(fs, args, "doc", stderr); done {
		return code
	}
	doc := userdata.Build(userdata.SampleRows(*tasks, *history, time.Now().Add(-time.Hour)), time.Now())
	body, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		fmt.Fprintln(stderr, "focusflow-load doc:", err)
		return 1
	}
	body = append(body, '\n')
	if *out == "-" {
		_, err = stdout.Write(body)
	} else {
		err = os.WriteFile(*out, body, 0o600)
	}
	if err != nil {
		fmt.Fprintln(stderr, "focusflow-load doc:", err)
		return 1
	}
	return 0
}
