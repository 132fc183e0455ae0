package main

import (
	"context"
	"fmt"
)

func cmdBackup(ctx context.Context, a *app, args []string) int {
	fmt.Fprintln(a.stderr, "focusflow backup: not available in this build yet")
	return exitFail
}

func cmdRestore(ctx context.Context, a *app, args []string) int {
	fmt.Fprintln(a.stderr, "focusflow restore: not available in this build yet")
	return exitFail
}
