package explore

import (
	"slices"
	"strings"
	"testing"

	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/verdict"
)

// found explores tg at random and returns the first violating run.
func found(t *testing.T, tg Target, seeds [2]uint64) *Found {
	t.Helper()
	res, err := Explore(tg, Config{Strategy: Random, Seeds: seeds})
	if err != nil {
		t.Fatal(err)
	}
	f := res.First()
	if f == nil {
		t.Fatalf("%s: no violation of %q in %d runs", tg.Scenario.Name, tg.Properties, res.Runs)
	}
	return f
}

// still reports whether sch, replayed leniently, shows the violation want.
func still(tg Target, sch *sim.Schedule, want []string) bool {
	_, v := Attempt(tg, Lenient(sch))
	return slices.Equal(tg.Counted(&v), want)
}

// TestShrinkIsOneMinimal: the shrunk counterexample of threads sharing one
// raw libpq connection shows the same violation, replays strictly to the
// recorded hash, has fewer non-zero choices, and no single one of them
// can be zeroed or dropped.
func TestShrinkIsOneMinimal(t *testing.T) {
	tg := target(t, "threads-libpq-shared")
	f := found(t, tg, [2]uint64{1, 50})
	sh, v, st := Shrink(tg, f.Schedule)
	if st.Err != "" || st.Exhausted {
		t.Fatalf("shrink: %v", st)
	}
	if !slices.Equal(st.Violated, f.Violated) || !slices.Equal(tg.Counted(&v), f.Violated) {
		t.Fatalf("violation %q became %q", f.Violated, tg.Counted(&v))
	}
	if st.Before != NonZero(f.Schedule) || st.After != NonZero(sh) || st.After >= st.Before {
		t.Fatalf("stats %v for %d -> %d non-zero", st, NonZero(f.Schedule), NonZero(sh))
	}
	run, rv, err := Replay(tg, sh)
	if err != nil || run.Hash() != sh.Hash || rv.TraceHash != v.TraceHash {
		t.Fatalf("strict replay: %v", err)
	}
	if sh.Scenario != "threads-libpq-shared" {
		t.Fatalf("shrunk header names %q", sh.Scenario)
	}
	idx := nonZeroAt(sh)
	for _, i := range idx {
		if still(tg, zeroed(sh, []int{i}), f.Violated) {
			t.Errorf("choice %d (%v) can be zeroed", i, sh.Decisions[i])
		}
		if still(tg, dropped(sh, []int{i}), f.Violated) {
			t.Errorf("choice %d (%v) can be dropped", i, sh.Decisions[i])
		}
	}
	t.Logf("%v; shrunk non-zero choices: %v", st, func() (out []sim.Choice) {
		for _, i := range idx {
			out = append(out, sh.Decisions[i])
		}
		return
	}())
}

// TestShrinkKeepsExactlyTheViolation: "same violation" is the same set of
// counted properties, so a shrunk schedule neither loses one nor gains
// one, and counting fewer properties lets it shrink further.
func TestShrinkKeepsExactlyTheViolation(t *testing.T) {
	all := target(t, "preload-touch-db")
	f := found(t, all, [2]uint64{1, 2})
	_, v, st := Shrink(all, f.Schedule)
	if !slices.Equal(v.Violations(), f.Violated) {
		t.Fatalf("every property counted: found %q, shrunk to %q", f.Violated, v.Violations())
	}
	one := all
	one.Properties = []string{verdict.ProtocolInterleaving}
	sh, v1, st1 := Shrink(one, f.Schedule)
	if !slices.Equal(one.Counted(&v1), []string{verdict.ProtocolInterleaving}) || st1.After > st.After {
		t.Fatalf("interleaving counted: %q, %d non-zero (all counted: %d)", one.Counted(&v1), st1.After, st.After)
	}
	t.Logf("all counted: %v; interleaving only: %v (%d decisions)", st, st1, len(sh.Decisions))
}

// TestShrinkWithoutViolation: a schedule that shows no counted violation
// comes back unchanged, saying so.
func TestShrinkWithoutViolation(t *testing.T) {
	tg := target(t, "gthread-queuepool")
	run, _ := Attempt(tg, sim.Random(1))
	sch := run.Schedule()
	sh, _, st := Shrink(tg, sch)
	if sh != sch || !strings.Contains(st.Err, "no counted violation") || st.Runs != 1 {
		t.Fatalf("stats %v", st)
	}
}

// TestShrinkBudget: a budget too small to finish still returns a
// schedule that replays strictly to the violation, and says it ran out.
func TestShrinkBudget(t *testing.T) {
	tg := target(t, "threads-libpq-shared")
	f := found(t, tg, [2]uint64{1, 50})
	tg.ShrinkRuns = 3
	sh, v, st := Shrink(tg, f.Schedule)
	if !st.Exhausted || st.Runs > 3 || st.Err != "" || !slices.Equal(tg.Counted(&v), f.Violated) {
		t.Fatalf("stats %v, violated %q", st, tg.Counted(&v))
	}
	if _, _, err := Replay(tg, sh); err != nil {
		t.Fatal(err)
	}
}
