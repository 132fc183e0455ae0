package main

import (
	"runtime/debug"
	"strconv"

	"github.com/KimMachineGun/automemlimit/memlimit"
)

// Memory: how much the process may use, and what follows from it. The
// largest user of memory is password hashing (argon2id takes its whole
// memory cost per hash, 64 MiB by default), so the number of hashes run
// at once follows the budget, and the soft limit makes the collector give
// memory back before the process outgrows it.
const (
	// defaultMemoryLimit is the soft limit without a container limit or
	// GOMEMLIMIT: peak RSS stays near it under a burst of sign-ins.
	defaultMemoryLimit = 256 << 20
	// containerShare of a container's limit is the soft limit: the rest
	// is headroom for what the limit does not bound tightly (the
	// collector's own work, memory not yet returned to the system).
	containerShare = 0.8
	// baseMemory is what the server needs besides hashing.
	baseMemory = 96 << 20
)

// memoryPlan is the soft memory limit and the hashing concurrency.
type memoryPlan struct {
	Limit       int64
	Source      string // "GOMEMLIMIT", "container" or "default"
	HashWorkers int
}

// planMemory derives the plan. GOMEMLIMIT, when set, is the operator's
// choice; else a container's memory limit (cgroup), when there is one,
// gives the budget; else the default. What the budget leaves besides the
// server's base is shared by the concurrent hashes, one memory cost each
// (the soft limit makes the collector reclaim finished ones in time);
// there is always one, never more than the CPUs.
func planMemory(gomemlimit string, cgroup func() (uint64, error), cpus int, hashMemory int64) memoryPlan {
	p := memoryPlan{Limit: defaultMemoryLimit, Source: "default"}
	if gomemlimit != "" {
		p.Source = "GOMEMLIMIT"
		p.Limit = debug.SetMemoryLimit(-1) // the runtime parsed it already
	} else if limit, err := cgroup(); err == nil && limit > 0 {
		p.Source = "container"
		p.Limit = int64(float64(limit) * containerShare)
	}
	p.HashWorkers = int((p.Limit - baseMemory) / hashMemory)
	p.HashWorkers = max(1, min(p.HashWorkers, cpus))
	return p
}

// String describes the plan for the start-up log.
func (p memoryPlan) String() string {
	return strconv.FormatInt(p.Limit>>20, 10) + " MiB soft limit (" + p.Source + "), " +
		strconv.Itoa(p.HashWorkers) + " password hashes at once"
}

// cgroupLimit is the container's memory limit, if any.
func cgroupLimit() (uint64, error) { return memlimit.FromCgroup() }
