package main

import (
	"context"
	"fmt"
)

func cmdUser(ctx context.Context, a *app, args []string) int {
	fmt.Fprintln(a.stderr, "focusflow user: not available in this build yet")
	return exitFail
}

func cmdSession(ctx context.Context, a *app, args []string) int {
	fmt.Fprintln(a.stderr, "focusflow session: not available in this build yet")
	return exitFail
}
