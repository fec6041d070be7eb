package explore

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/verdict"
)

// target returns the built-in scenario's target with workload seed 1,
// counting props (every property when none).
func target(t *testing.T, name string, props ...string) Target {
	t.Helper()
	tg, err := NewTarget(name, 1)
	if err != nil {
		t.Fatal(err)
	}
	tg.Properties = props
	return tg
}

// TestExploreRandomFindsForkSharing: random exploration of preload without
// a fork hook finds the workers interleaving on the master's session, and
// the found run replays from its schedule alone, header included.
func TestExploreRandomFindsForkSharing(t *testing.T) {
	tg := target(t, "preload-touch-db", verdict.ProtocolInterleaving)
	res, err := Explore(tg, Config{Strategy: Random, Seeds: [2]uint64{100, 120}})
	if err != nil {
		t.Fatal(err)
	}
	f := res.First()
	if f == nil {
		t.Fatalf("no violation in %d runs", res.Runs)
	}
	if len(res.Violations) != 1 || res.Runs != f.Run+1 || f.Seed != 100+uint64(f.Run) {
		t.Fatalf("without KeepGoing the exploration stops at the first: %d runs, %d violations, run %d seed %d",
			res.Runs, len(res.Violations), f.Run, f.Seed)
	}
	if !slices.Equal(f.Violated, []string{verdict.ProtocolInterleaving}) {
		t.Fatalf("counted %q", f.Violated)
	}
	if seed, _ := f.Schedule.Param("seed"); f.Schedule.Scenario != "preload-touch-db" || seed != "1" || !f.Schedule.SplitSet {
		t.Fatalf("header: %q seed %q split set %v", f.Schedule.Scenario, seed, f.Schedule.SplitSet)
	}
	// the schedule's text alone reproduces the run
	sch, err := sim.ReadSchedule(strings.NewReader(f.Schedule.String()))
	if err != nil {
		t.Fatal(err)
	}
	alone, err := TargetOf(sch)
	if err != nil {
		t.Fatal(err)
	}
	run, v, err := Replay(alone, sch)
	if err != nil {
		t.Fatal(err)
	}
	if run.Hash() != f.Verdict.TraceHash || !slices.Equal(v.Violations(), f.Verdict.Violations()) {
		t.Fatalf("replay: hash %016x violations %q, found %016x %q", run.Hash(), v.Violations(), f.Verdict.TraceHash, f.Verdict.Violations())
	}
}

// TestExploreIsDeterministic: the same target and configuration give the
// same result, for random and PCT.
func TestExploreIsDeterministic(t *testing.T) {
	tg := target(t, "threads-libpq-shared")
	for _, strategy := range []string{Random, PCT} {
		cfg := Config{Strategy: strategy, Seeds: [2]uint64{1, 7}, KeepGoing: true}
		a, err := Explore(tg, cfg)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Explore(tg, cfg)
		if a.Runs != 6 || len(a.Violations) == 0 {
			t.Fatalf("%s: %d runs, %d violations", strategy, a.Runs, len(a.Violations))
		}
		if !reflect.DeepEqual(a.Tally, b.Tally) || !reflect.DeepEqual(a.Size, b.Size) || len(a.Violations) != len(b.Violations) {
			t.Fatalf("%s: results differ:\n%+v\n%+v", strategy, a.Tally, b.Tally)
		}
		for i := range a.Violations {
			if a.Violations[i].Schedule.String() != b.Violations[i].Schedule.String() {
				t.Fatalf("%s: violation %d's schedule differs", strategy, i)
			}
		}
	}
}

// TestExploreKeepGoing: with KeepGoing every violating run is reported,
// each with its own schedule seed, and the tally counts every run.
func TestExploreKeepGoing(t *testing.T) {
	tg := target(t, "max-requests-touch-db", verdict.ReplyRouting)
	res, err := Explore(tg, Config{Strategy: Random, Seeds: [2]uint64{1, 6}, KeepGoing: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Runs != 5 || len(res.Violations) != res.Property(verdict.ReplyRouting).Violated {
		t.Fatalf("%d runs, %d violations, tally %+v", res.Runs, len(res.Violations), res.Tally)
	}
	for i, f := range res.Violations {
		if f.Seed != 1+uint64(f.Run) || (i > 0 && f.Run <= res.Violations[i-1].Run) {
			t.Fatalf("violation %d: run %d seed %d", i, f.Run, f.Seed)
		}
	}
	if res.Outcomes["completed"] != 5 {
		t.Fatalf("outcomes %v", res.Outcomes)
	}
}

// TestExploreSafeScenarioPCT: PCT over a safe scenario finds nothing and
// bounds each depth with its own runs, the horizon covering the measured
// k; the runs take timer decisions, so the bound covers orderings only.
func TestExploreSafeScenarioPCT(t *testing.T) {
	tg := target(t, "gthread-queuepool")
	res, err := Explore(tg, Config{Strategy: PCT, Seeds: [2]uint64{1, 10}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Runs != 9 || len(res.Violations) != 0 {
		t.Fatalf("%d runs, violations %v", res.Runs, res.Violations)
	}
	if res.Calibration.RunDecisions == 0 || res.Horizon != 2*res.Calibration.RunDecisions || res.Size.RunDecisions > res.Horizon {
		t.Fatalf("horizon %d from calibration %+v, measured %+v", res.Horizon, res.Calibration, res.Size)
	}
	if res.Size.Tasks < 2*2+1 || res.Size.SplitDecisions+res.Size.TimerDecisions == 0 {
		t.Fatalf("size %+v: want the workers' threads counted and data decisions", res.Size)
	}
	for _, b := range res.PCT {
		if !b.Applies || !b.OrderingsOnly || b.Runs != 3 || b.Tasks != res.Size.Tasks {
			t.Fatalf("bound %v", b)
		}
		if want := MissBound(res.Size.Tasks, res.Horizon, b.Depth, 3); b.Miss != want {
			t.Fatalf("depth %d: miss %v, want %v", b.Depth, b.Miss, want)
		}
	}
	// a fixed depth bounds only that depth; a horizon below k voids it
	fixed, _ := Explore(tg, Config{Strategy: PCT, Seeds: [2]uint64{1, 3}, Depth: 2, Horizon: 10})
	if fixed.Horizon != 10 || fixed.PCT[1].Applies || !strings.Contains(fixed.PCT[1].Why, "beyond the horizon 10") ||
		!strings.Contains(fixed.PCT[0].Why, "no run had PCT depth 1") {
		t.Fatalf("fixed depth 2, horizon 10: %v", fixed.PCT)
	}
}

// TestExploreSplitOverride: the split-policy override runs a copy of the
// scenario with the other policy, and the found schedule's header says so.
func TestExploreSplitOverride(t *testing.T) {
	tg := target(t, "threads-libpq-shared", verdict.ProtocolInterleaving)
	res, err := Explore(tg, Config{Strategy: Random, Seeds: [2]uint64{1, 30}, Split: "bytes"})
	if err != nil {
		t.Fatal(err)
	}
	f := res.First()
	if f == nil || f.Schedule.Split != sim.SplitBytes {
		t.Fatalf("found %v", f)
	}
	if tg.Scenario.Run.Split != "writes" {
		t.Fatalf("the target's scenario was changed: split %q", tg.Scenario.Run.Split)
	}
	alone, err := TargetOf(f.Schedule)
	if err != nil {
		t.Fatal(err)
	}
	if run, _, err := Replay(alone, f.Schedule); err != nil || run.World.Schedule().Split != sim.SplitBytes {
		t.Fatalf("replay under the header's policy: %v", err)
	}
}

// TestExploreRejectsBadConfig: an unknown strategy or split policy, or no
// runs at all, is an error.
func TestExploreRejectsBadConfig(t *testing.T) {
	tg := target(t, "threads-libpq-shared")
	for _, cfg := range []Config{{Strategy: "dfs", Runs: 1}, {Strategy: Random, Runs: 1, Split: "packets"}, {Strategy: PCT}} {
		if _, err := Explore(tg, cfg); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
}

// TestReplayDetectsAChangedSchedule: a strict replay of a schedule that no
// longer fits the run is an error, never a silent run.
func TestReplayDetectsAChangedSchedule(t *testing.T) {
	tg := target(t, "threads-libpq-shared")
	run, _ := Attempt(tg, sim.Random(3))
	sch := run.Schedule()
	sch.Decisions = sch.Decisions[:len(sch.Decisions)/2]
	if _, _, err := Replay(tg, sch); err == nil {
		t.Fatal("a truncated schedule replayed without error")
	}
	sch = run.Schedule()
	sch.Hash ^= 1
	if _, _, err := Replay(tg, sch); err == nil || !strings.Contains(err.Error(), "trace hash") {
		t.Fatalf("a wrong recorded hash: %v", err)
	}
}

// outOfRange is a strategy that answers every decision with an option
// that does not exist.
type outOfRange struct{}

func (outOfRange) Choose(d sim.Decision) int { return d.N }

// TestMeterExplainsDivergence: a wrapped strategy's invalid choice ends
// the run as diverged, saying what was chosen.
func TestMeterExplainsDivergence(t *testing.T) {
	m := &meter{Strategy: outOfRange{}}
	run, _ := Attempt(target(t, "threads-libpq-shared"), m)
	if run.Outcome.Kind != sim.Diverged || !strings.Contains(run.Outcome.Divergence.Reason, "strategy chose") || m.size.RunDecisions+m.size.SplitDecisions != 1 {
		t.Fatalf("%v, measured %+v", run.Outcome, m.size)
	}
}
