package verify

import "github.com/poolsim/poolsim/sim"

// Program is what a search explores: a deterministic simulated program
// that it runs again and again, each time under another strategy.
type Program struct {
	// Subject names what is searched, with everything a run depends on
	// besides the schedule: "gthread-queuepool (workers 1, threads 2,
	// clients 2, requests 2; workload seed 1, split policy writes, step
	// budget 2000000)". The search's statement quotes it.
	Subject string
	// Run runs one execution in a world created with strategy s and the
	// options opts (after its own), and judges it. The same strategy
	// choices must give the same run. A run the strategy ended early (it
	// returns an out-of-range choice: the world's outcome is
	// sim.Diverged) need not be judged.
	Run func(s sim.Strategy, opts ...sim.Option) Outcome
}

// Outcome is what a search learns from one execution.
type Outcome struct {
	// Violation names what the run violated, empty if nothing.
	Violation string
	// Inconclusive names what the run could not decide ("transaction
	// mixing (not judged)"), empty if everything was decided.
	Inconclusive string
	// Fingerprint is a hash of the run's final state as the judge sees
	// it; runs that are reorderings of independent steps of each other
	// must have equal fingerprints (see the package documentation).
	Fingerprint uint64
	// Hash is the run's trace hash (sim.Trace.Hash).
	Hash uint64
	// Schedule is the run's schedule; it may be nil when Violation is
	// empty.
	Schedule *sim.Schedule
}
