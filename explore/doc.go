// Package explore searches a scenario's schedules for a run that violates
// a property, and shrinks what it finds to a short story.
//
// A Target names what is searched: a scenario, the workload seed, the
// properties that count as a violation and the verdict options. Attempt
// runs the target once under a strategy and judges the run. Explore runs
// many attempts: random schedules or PCT (probabilistic concurrency
// testing) over a range of schedule seeds, or schedules drawn by rapid
// (RapidStrategy). Shrink takes any counterexample, whoever found it, and
// delta-debugs its non-zero choices away until no single one can go.
//
// Seeds. The workload seed is the target's and stays fixed over an
// exploration: every run serves the same requests, and only the schedule
// changes. Run i of a random or PCT exploration draws its schedule from
// schedule seed lo+i of the configured range. A found run is kept as its
// schedule, whose header names the scenario, the workload seed ("param
// seed=N") and the split policy: TargetOf and Replay reproduce it from the
// schedule alone, without the strategy or its seed.
//
// Determinism. The strategies here (RapidStrategy, Lenient) take decisions
// inside a simulated run and follow the simulator's rules; everything else
// runs after a run, outside it (porcupine, in the verdict, starts
// goroutines of its own).
package explore
