package verify

import (
	"slices"
	"testing"

	"github.com/poolsim/poolsim/sim"
)

// sameReach fails t unless the reduced search reaches exactly the final
// states, trace classes and violations the plain search reaches, both
// exhausted; it returns both results.
func sameReach(t *testing.T, p Program, cfg Config) (plain, reduced Result) {
	t.Helper()
	cfg.Reduction = false
	plain = Search(p, cfg)
	cfg.Reduction = true
	reduced = Search(p, cfg)
	if !plain.Exhausted || !reduced.Exhausted {
		t.Fatalf("%s: not exhausted (plain %v, reduced %v)", p.Subject, plain.Exhausted, reduced.Exhausted)
	}
	if !slices.Equal(plain.States, reduced.States) {
		t.Errorf("%s bound %d/%d: plain reaches %d final states, reduced %d", p.Subject, cfg.Bound, cfg.SplitBound,
			len(plain.States), len(reduced.States))
	}
	if !slices.Equal(plain.Traces, reduced.Traces) {
		t.Errorf("%s bound %d/%d: plain reaches %d trace classes, reduced %d", p.Subject, cfg.Bound, cfg.SplitBound,
			plain.Classes, reduced.Classes)
	}
	if !slices.Equal(plain.ViolationNames(), reduced.ViolationNames()) {
		t.Errorf("%s bound %d/%d: plain finds %v, reduced %v", p.Subject, cfg.Bound, cfg.SplitBound,
			plain.ViolationNames(), reduced.ViolationNames())
	}
	if reduced.Schedules > plain.Schedules || reduced.Schedules < reduced.Classes {
		t.Errorf("%s: %d reduced schedules for %d plain and %d classes", p.Subject, reduced.Schedules, plain.Schedules, reduced.Classes)
	}
	return plain, reduced
}

// replays fails t unless the counterexample replays to its violation.
func replays(t *testing.T, p Program, ce *Counterexample) {
	t.Helper()
	if ce == nil || ce.Schedule == nil {
		t.Fatalf("%s: no counterexample schedule", p.Subject)
	}
	if out := p.Run(sim.Replay(ce.Schedule)); out.Violation != ce.Violation {
		t.Fatalf("%s: the counterexample replays to %q, want %q", p.Subject, out.Violation, ce.Violation)
	}
}

// TestTwoDelayBug: the bug needs exactly two delays. Neither search finds
// it at bound 1; both find it at bound 2, with a counterexample of two
// delays that replays.
func TestTwoDelayBug(t *testing.T) {
	p := handProgram("two delays", twoDelays)
	for _, bound := range []int{0, 1} {
		plain, reduced := sameReach(t, p, Config{Bound: bound})
		if plain.Counterexample != nil || reduced.Counterexample != nil {
			t.Fatalf("bound %d: found %q", bound, plain.Statement())
		}
	}
	plain, reduced := sameReach(t, p, Config{Bound: 2})
	for _, r := range []Result{plain, reduced} {
		ce := r.Counterexample
		if ce == nil || ce.Delays != 2 {
			t.Fatalf("bound 2: %s", r.Statement())
		}
		replays(t, p, ce)
	}
	t.Logf("plain: %s", plain.Statement())
	t.Logf("reduced: %s", reduced.Statement())
}

// TestSleepSetsMissAtTheBound: on sleepingStarts, the naive sleep-set
// search misses the violation at delay bound 2 (it finds it only at 3),
// while the plain search and the reduction find it at 2.
func TestSleepSetsMissAtTheBound(t *testing.T) {
	p := handProgram("sleeping starts", sleepingStarts)
	const bug = "reader 2 saw the older value after reader 1 saw the newer"
	plain, reduced := sameReach(t, p, Config{Bound: 2})
	if plain.Violations[bug] == 0 || reduced.Violations[bug] == 0 {
		t.Fatalf("bound 2: plain %v, reduced %v", plain.Violations, reduced.Violations)
	}
	replays(t, p, reduced.Counterexample)
	states, violations := sleepSetSearch(p, 2)
	if violations[bug] || len(states) >= len(plain.States) {
		t.Fatalf("the sleep-set search at bound 2 reaches %d of %d states, violations %v: it should miss the bug",
			len(states), len(plain.States), violations)
	}
	if _, violations := sleepSetSearch(p, 3); !violations[bug] {
		t.Fatalf("the sleep-set search misses the bug even at bound 3")
	}
	if plain1 := Search(p, Config{Bound: 1}); plain1.Violations[bug] != 0 {
		t.Fatalf("the bug at bound 1: %s", plain1.Statement())
	}
	t.Logf("reduced: %s; the sleep-set search reaches %d of %d states", reduced.Statement(), len(states), len(plain.States))
}

// TestReductionReachesWhatPlainReaches: on the hand-built programs (a
// mutex and declared memory, a socket shared across a fork, with and
// without splits) and on random small programs, the reduced search
// reaches every final state, trace class and violation the plain search
// reaches, and prunes.
func TestReductionReachesWhatPlainReaches(t *testing.T) {
	pruned := 0
	for _, c := range []struct {
		p   Program
		cfg Config
	}{
		{handProgram("lost update", lostUpdate), Config{Bound: 2}},
		{handProgram("lost update", lostUpdate), Config{Bound: 3}},
		{handProgram("forked socket", forkedSocket), Config{Bound: 2}},
		{handProgram("forked socket", forkedSocket), Config{Bound: 2, SplitBound: 1}},
		{handProgram("sleeping starts", sleepingStarts), Config{Bound: 3}},
	} {
		plain, reduced := sameReach(t, c.p, c.cfg)
		if plain.Counterexample == nil {
			t.Errorf("%s: no violation at bound %d", c.p.Subject, c.cfg.Bound)
		} else {
			replays(t, c.p, reduced.Counterexample)
		}
		pruned += reduced.Pruned
		t.Logf("%s bound %d/%d: plain %d schedules, reduced %d (%d pruned), %d classes, %d states",
			c.p.Subject, c.cfg.Bound, c.cfg.SplitBound, plain.Schedules, reduced.Schedules, reduced.Pruned, reduced.Classes, len(reduced.States))
	}
	violating := 0
	for seed := range uint64(120) {
		p := randomProgram(seed)
		for bound := range 3 {
			plain, reduced := sameReach(t, p, Config{Bound: bound})
			pruned += reduced.Pruned
			if plain.Counterexample != nil {
				violating++
			}
		}
	}
	if pruned == 0 || violating == 0 {
		t.Fatalf("the programs test nothing: %d pruned, %d violating searches", pruned, violating)
	}
}
