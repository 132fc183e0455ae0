package main

import (
	"errors"
	"testing"
)

func TestPlanMemory(t *testing.T) {
	const hash = 64 << 20
	noCgroup := func() (uint64, error) { return 0, errors.New("not in a cgroup") }
	limited := func(n uint64) func() (uint64, error) { return func() (uint64, error) { return n, nil } }
	for _, tc := range []struct {
		name   string
		cgroup func() (uint64, error)
		cpus   int
		limit  int64
		source string
		hashes int
	}{
		{"no container: the default", noCgroup, 8, defaultMemoryLimit, "default", 2},
		{"a 512 MB container", limited(512 << 20), 8, 512 << 20 * 8 / 10, "container", 4},
		{"a 256 MB container: one hash at a time", limited(256 << 20), 8, 256 << 20 * 8 / 10, "container", 1},
		{"a 512 MB container, 2 CPUs", limited(512 << 20), 2, 512 << 20 * 8 / 10, "container", 2},
		{"a tiny container still hashes", limited(64 << 20), 8, 64 << 20 * 8 / 10, "container", 1},
		{"a big container: as many as CPUs", limited(8 << 30), 4, 8 << 30 * 8 / 10, "container", 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := planMemory("", tc.cgroup, tc.cpus, hash)
			if p.Limit != tc.limit || p.Source != tc.source || p.HashWorkers != tc.hashes {
				t.Fatalf("plan %+v, want limit %d (%s), %d hashes", p, tc.limit, tc.source, tc.hashes)
			}
		})
	}
	if p := planMemory("1GiB", noCgroup, 8, hash); p.Source != "GOMEMLIMIT" {
		t.Fatalf("GOMEMLIMIT set: %+v", p)
	}
}
