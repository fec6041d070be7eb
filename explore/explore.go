package explore

import (
	"fmt"

	"github.com/poolsim/poolsim/properties"
	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/verdict"
)

// The explorers Config.Strategy names.
const (
	// Random takes every decision uniformly (sim.Random) from the run's
	// schedule seed.
	Random = "random"
	// PCT is probabilistic concurrency testing (sim.PCT) from the run's
	// schedule seed.
	PCT = "pct"
	// Rapid draws every decision from rapid (RapidStrategy); rapid picks
	// its own seeds.
	Rapid = "rapid"
)

// Config says how to explore.
type Config struct {
	// Strategy is Random, PCT or Rapid.
	Strategy string
	// Seeds is the range [lo, hi) of schedule seeds of a random or PCT
	// exploration: run i draws from seed lo+i. When hi <= lo the range is
	// [lo, lo+Runs).
	Seeds [2]uint64
	// Runs caps the number of runs; zero means the whole seed range. A
	// Rapid exploration runs rapid checks of up to -rapid.checks schedules
	// each until Runs are spent (zero: one check).
	Runs int
	// Depth is PCT's depth d (d-1 priority change points per run); zero
	// cycles through 1, 2, 3 (run i has depth 1 + i mod 3), so that the
	// result bounds each depth with the runs of that depth.
	Depth int
	// Horizon is the number of run decisions PCT spreads its change points
	// over; zero measures it before exploring: twice the larger
	// run-decision count of a no-preemption run and a random run of seed
	// lo (Result.Calibration), at least 16. PCT's bound holds only for
	// runs no longer than the horizon (Result.PCT says when one was).
	Horizon int
	// KeepGoing explores the whole budget and reports every violation;
	// otherwise the exploration stops at the first. Rapid always stops at
	// its first.
	KeepGoing bool
	// Split overrides the scenario's split policy: "writes" or "bytes";
	// empty keeps the scenario's.
	Split string
	// RapidShrink lets rapid reproduce and minimise its counterexample
	// (rapid's own shrinker, for up to -rapid.shrinktime) before the
	// exploration returns it as Found.RapidMinimum, and write rapid's fail
	// file for it. Without it, rapid's check is abandoned at the first
	// failing schedule: no shrinking, no fail file.
	RapidShrink bool
	// Name names a Rapid exploration's fail files: rapid writes them to
	// testdata/rapid/NAME/NAME-TIME-PID.fail under the working directory
	// (characters other than letters, digits, - and _ become _), and every
	// later Rapid exploration of the same name from the same directory
	// replays them first, finding the case again at its first run (or
	// -rapid.failfile=PATH replays one file; -rapid.nofailfile writes
	// none). Empty means "explore-SCENARIO-seedN-SPLIT".
	Name string
}

// Found is one run that violated a counted property.
type Found struct {
	// Run is the run's index in the exploration; Seed its schedule seed
	// (zero for Rapid) and Depth its PCT depth (zero for the others).
	Run   int
	Seed  uint64
	Depth int
	// Violated are the counted properties the run violated.
	Violated []string
	// Schedule replays the run: its header names the scenario, the
	// workload seed and the split policy.
	Schedule *sim.Schedule
	// Verdict is the run's verdict.
	Verdict verdict.Verdict
	// RapidMinimum is rapid's minimised version of the schedule (with
	// Config.RapidShrink), nil otherwise.
	RapidMinimum *sim.Schedule
}

// PropertyTally counts, over an exploration's runs, the runs in which one
// property was violated and those in which it was inconclusive.
type PropertyTally struct {
	Property               string
	Violated, Inconclusive int
}

// Result is what an exploration found and what it measured. It holds no
// wall time: the same target and configuration give the same result
// (Rapid's depends on rapid's seed, -rapid.seed).
type Result struct {
	// Strategy is the explorer that ran.
	Strategy string
	// Runs is the number of runs explored (for Rapid, not counting the
	// runs rapid spent reproducing and shrinking, RapidShrinkRuns).
	Runs int
	// Violations are the violating runs: the first, or with KeepGoing
	// every one, in run order.
	Violations []Found
	// Size is the largest of every run's measures: k (run decisions), n
	// (tasks) and the data choices.
	Size Size
	// Calibration is the larger measure of the runs that set PCT's
	// horizon, when Config.Horizon was zero.
	Calibration Size
	// Horizon is PCT's horizon (zero for the others).
	Horizon int
	// PCT holds PCT's miss bound for depths 1, 2 and 3 (PCT only).
	PCT []PCTBound
	// Tally counts each property's violated and inconclusive runs, in the
	// verdict's order.
	Tally []PropertyTally
	// Outcomes counts the runs by how they ended ("completed", ...).
	Outcomes map[string]int
	// RapidShrinkRuns counts the runs rapid spent reproducing and
	// shrinking; RapidLog is what rapid reported (a flaky failure, say).
	RapidShrinkRuns int
	RapidLog        []string
}

// First returns the first violating run, or nil.
func (r *Result) First() *Found {
	if len(r.Violations) == 0 {
		return nil
	}
	return &r.Violations[0]
}

// Property returns the tally of the named property (zero if no run had it).
func (r *Result) Property(name string) PropertyTally {
	for _, p := range r.Tally {
		if p.Property == name {
			return p
		}
	}
	return PropertyTally{Property: name}
}

// record adds one judged run to the result and returns the run as found
// when it violates a counted property.
func (r *Result) record(t Target, run *scenario.Run, v verdict.Verdict, size Size) *Found {
	r.Runs++
	size.Tasks = len(run.World.Tasks())
	r.Size = r.Size.max(size)
	if r.Outcomes == nil {
		r.Outcomes = map[string]int{}
	}
	r.Outcomes[run.Outcome.Kind.String()]++
	for _, p := range v.Properties {
		i := 0
		for i < len(r.Tally) && r.Tally[i].Property != p.Property {
			i++
		}
		if i == len(r.Tally) {
			r.Tally = append(r.Tally, PropertyTally{Property: p.Property})
		}
		switch p.Status {
		case properties.Violated:
			r.Tally[i].Violated++
		case properties.Inconclusive:
			r.Tally[i].Inconclusive++
		}
	}
	if !t.Violates(&v) {
		return nil
	}
	return &Found{Run: r.Runs - 1, Violated: t.Counted(&v), Schedule: run.Schedule(), Verdict: v}
}

// Explore searches target's schedules as cfg says. It returns an error for
// a configuration it cannot run (an unknown strategy or split policy, an
// empty seed range) or a scenario that could not start.
func Explore(target Target, cfg Config) (Result, error) {
	t, err := target.WithSplit(cfg.Split)
	if err != nil {
		return Result{}, err
	}
	switch cfg.Strategy {
	case Random, PCT:
		return exploreSeeds(t, cfg)
	case Rapid:
		return exploreRapid(t, cfg)
	}
	return Result{}, fmt.Errorf("explore: unknown strategy %q (want %s, %s or %s)", cfg.Strategy, Random, PCT, Rapid)
}

// exploreSeeds is the random and the PCT explorer.
func exploreSeeds(t Target, cfg Config) (Result, error) {
	lo, hi := cfg.Seeds[0], cfg.Seeds[1]
	n := cfg.Runs
	if hi > lo && (n <= 0 || uint64(n) > hi-lo) {
		n = int(min(hi-lo, 1<<31))
	}
	if n <= 0 {
		return Result{}, fmt.Errorf("explore: no runs (seeds [%d, %d), runs %d)", lo, hi, cfg.Runs)
	}
	res := Result{Strategy: cfg.Strategy}
	var depthRuns [4]int
	if cfg.Strategy == PCT {
		res.Horizon = cfg.Horizon
		if res.Horizon <= 0 {
			cal, err := calibrate(t, lo)
			if err != nil {
				return res, err
			}
			res.Calibration = cal
			res.Horizon = max(16, 2*cal.RunDecisions)
		}
	}
	for i := range n {
		seed := lo + uint64(i)
		var s sim.Strategy = sim.Random(seed)
		depth := 0
		if cfg.Strategy == PCT {
			depth = cfg.Depth
			if depth <= 0 {
				depth = 1 + i%3
			}
			p := sim.PCT(seed, depth)
			p.Horizon = res.Horizon
			s = p
			if depth <= 3 {
				depthRuns[depth]++
			}
		}
		m := &meter{Strategy: s}
		run, v := Attempt(t, m)
		if run.Err != nil {
			return res, run.Err
		}
		if f := res.record(t, run, v, m.size); f != nil {
			f.Seed, f.Depth = seed, depth
			res.Violations = append(res.Violations, *f)
			if !cfg.KeepGoing {
				break
			}
		}
	}
	if cfg.Strategy == PCT {
		res.PCT = pctBounds(depthRuns, res.Horizon, res.Size, len(res.Violations) > 0)
	}
	return res, nil
}

// calibrate measures the runs that set PCT's horizon: one without
// preemption and one random run of seed.
func calibrate(t Target, seed uint64) (Size, error) {
	var out Size
	for _, s := range []sim.Strategy{sim.Zeros(), sim.Random(seed)} {
		m := &meter{Strategy: s}
		run := scenario.Execute(t.Scenario, m, scenario.Options{Seed: t.Seed, NoClientTruth: true, Parsed: t.Parsed})
		if run.Err != nil {
			return out, run.Err
		}
		m.size.Tasks = len(run.World.Tasks())
		out = out.max(m.size)
	}
	return out, nil
}
