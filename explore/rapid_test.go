package explore

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/verdict"
)

// small returns tg with that many requests per client, on a copy of its
// scenario: short schedules for rapid's shrinker.
func small(tg Target, requests int) Target {
	s := *tg.Scenario
	s.Workload.Requests = requests
	tg.Scenario = &s
	return tg
}

// TestRapidStrategyRunsReplay: a run whose decisions rapid draws replays
// strictly from its recorded schedule.
func TestRapidStrategyRunsReplay(t *testing.T) {
	tg := target(t, "threads-psycopg2-shared")
	rapid.Check(t, func(rt *rapid.T) {
		run, v := Attempt(tg, RapidStrategy(rt))
		if run.Outcome.Kind != sim.Completed {
			rt.Fatalf("run: %v", run.Outcome)
		}
		re, rv, err := Replay(tg, run.Schedule())
		if err != nil || re.Hash() != run.Hash() || !slices.Equal(rv.Violations(), v.Violations()) {
			rt.Fatalf("replay: %v", err)
		}
	})
}

// TestRapidShrinksThroughTheWorld: rapid's shrinking replays candidates
// that run out of data; the invalid-data panic raised by a draw on a
// task's goroutine reaches rapid as such (not as a failure, nor as a
// diverged run), and rapid lowers a failure "some task was preempted"
// toward fewer non-zero choices. It stops at a local minimum: zeroing a
// choice can lengthen the run beyond the candidate's data, which rapid
// rejects, and it never adds data (Shrink does better).
func TestRapidShrinksThroughTheWorld(t *testing.T) {
	tg := small(target(t, "threads-psycopg2-shared"), 1)
	var first, last *sim.Schedule
	overruns := 0
	rec := &recorder{name: "preempted"}
	t.Chdir(t.TempDir()) // rapid writes its fail file here
	rapid.Check(rec, func(rt *rapid.T) {
		failing := false
		defer func() {
			if r := recover(); r != nil {
				if !failing {
					overruns++
				}
				panic(r)
			}
		}()
		run, _ := Attempt(tg, RapidStrategy(rt))
		if run.Outcome.Kind == sim.Diverged || run.Outcome.Kind == sim.Panicked {
			t.Errorf("run: %v", run.Outcome) // a draw's panic taken by the world
		}
		sch := run.Schedule()
		if slices.ContainsFunc(sch.Decisions, func(c sim.Choice) bool { return c.Kind == sim.RunDecision && c.Choice != 0 }) {
			if first == nil {
				first = sch
			}
			last, failing = sch, true
			rt.Fatalf("preempted")
		}
	})
	if !rec.failed || len(rec.log) == 0 || !strings.Contains(rec.log[0], "failed after") || !strings.Contains(rec.log[0], "preempted") {
		t.Fatalf("rapid reported %q", rec.log)
	}
	if overruns == 0 || NonZero(last) >= NonZero(first) {
		t.Fatalf("%d overruns; rapid shrank %d to %d non-zero choices", overruns, NonZero(first), NonZero(last))
	}
	t.Logf("%d candidates ran out of data; %d -> %d non-zero choices", overruns, NonZero(first), NonZero(last))
}

// TestExploreRapidShrinkThenShrink: rapid finds interleaving on a shared
// raw libpq connection and minimises it; the shrinker then does at least
// as well from rapid's minimum, and both replay strictly.
func TestExploreRapidShrinkThenShrink(t *testing.T) {
	t.Chdir(t.TempDir())
	tg := target(t, "threads-libpq-shared", verdict.ProtocolInterleaving)
	res, err := Explore(tg, Config{Strategy: Rapid, Runs: 50, RapidShrink: true})
	if err != nil {
		t.Fatal(err)
	}
	f := res.First()
	if f == nil || f.RapidMinimum == nil {
		t.Fatalf("found %v in %d runs; rapid said %q", f, res.Runs, res.RapidLog)
	}
	for _, msg := range res.RapidLog {
		if strings.Contains(msg, "flaky") || strings.Contains(msg, "panic") {
			t.Fatalf("rapid: %s", msg)
		}
	}
	if NonZero(f.RapidMinimum) > NonZero(f.Schedule) || res.RapidShrinkRuns < 2 {
		t.Fatalf("rapid's minimum has %d non-zero choices, the found %d (%d shrink runs)",
			NonZero(f.RapidMinimum), NonZero(f.Schedule), res.RapidShrinkRuns)
	}
	_, v, err := Replay(tg, f.RapidMinimum)
	if err != nil || !slices.Equal(tg.Counted(&v), f.Violated) {
		t.Fatalf("rapid's minimum replays to %q: %v", tg.Counted(&v), err)
	}
	sh, _, st := Shrink(tg, f.RapidMinimum)
	if st.Err != "" || st.After > NonZero(f.RapidMinimum) {
		t.Fatalf("shrinking rapid's minimum: %v", st)
	}
	t.Logf("found %d non-zero, rapid's minimum %d (%d shrink runs), shrunk %d (%d decisions)",
		NonZero(f.Schedule), NonZero(f.RapidMinimum), res.RapidShrinkRuns, st.After, len(sh.Decisions))
}

// TestExploreRapidFailfileReplays: a rapid exploration that finds and
// minimises a violation leaves a fail file under testdata/rapid/NAME; the
// next one of the same name replays it first and finds rapid's minimum
// again at its first run, without writing another file. Without
// RapidShrink no fail file is written.
func TestExploreRapidFailfileReplays(t *testing.T) {
	t.Chdir(t.TempDir())
	tg := target(t, "threads-libpq-shared", verdict.ProtocolInterleaving)
	if _, v := Attempt(tg, sim.Zeros()); tg.Violates(&v) {
		t.Fatal("the no-preemption schedule shows the symptom: a replay could not be told from a fresh find")
	}
	dir := filepath.Join("testdata", "rapid", "explore-threads-libpq-shared-seed1-writes")
	fails := func() []string {
		files, _ := filepath.Glob(filepath.Join(dir, "*.fail"))
		return files
	}
	plain, err := Explore(tg, Config{Strategy: Rapid, Runs: 200})
	if err != nil || plain.First() == nil || len(fails()) != 0 {
		t.Fatalf("without RapidShrink: err %v, found %v, fail files %q", err, plain.First() != nil, fails())
	}
	cfg := Config{Strategy: Rapid, Runs: 200, RapidShrink: true}
	first, err := Explore(tg, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if first.First() == nil || first.First().RapidMinimum == nil {
		t.Fatalf("no minimised violation in %d runs: %q", first.Runs, first.RapidLog)
	}
	if files := fails(); len(files) != 1 {
		t.Fatalf("fail files %q", files)
	}
	again, err := Explore(tg, cfg)
	if err != nil {
		t.Fatal(err)
	}
	f := again.First()
	if f == nil || f.Run != 0 || f.Schedule.String() != first.First().RapidMinimum.String() {
		t.Fatalf("the fail file did not replay: found %v at run %d", f != nil, again.Runs)
	}
	if files := fails(); len(files) != 1 {
		t.Fatalf("fail files after the replay: %q", files)
	}
}
