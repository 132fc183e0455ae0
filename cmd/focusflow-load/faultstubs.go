package main

import "context"

func importScenario(ctx context.Context, s *suite, o *outcome) { o.skipped = "not yet" }
