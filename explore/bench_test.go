package explore

import (
	"testing"
	"time"

	"github.com/poolsim/poolsim/model"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/verdict"
)

// BenchmarkSchedules measures exploration throughput, checks included: one
// op is one random schedule of the scenario run with its events kept and
// judged (verdict.Judge, porcupine included). It reports schedules per
// second of that work, and the share of it spent in porcupine (the
// verdict's linearizability part, timed apart on the same run). Three
// sizes: a program's two threads sharing a raw libpq connection; Gunicorn
// gthread with 2 workers x 2 threads and 3 requests per client (the
// target: >= 3,000 schedules/s on one core, porcupine <= 5%); and
// gthread with NullPool against max_connections = 4.
func BenchmarkSchedules(b *testing.B) {
	for _, name := range []string{"threads-libpq-shared", "gthread-queuepool", "gthread-nullpool-max-connections-4"} {
		b.Run(name, func(b *testing.B) {
			tg, err := NewTarget(name, 1)
			if err != nil {
				b.Fatal(err)
			}
			if g := tg.Scenario.Gunicorn; name == "gthread-queuepool" && (g.Workers != 2 || g.Threads != 2 || tg.Scenario.Workload.Requests != 3) {
				b.Fatalf("gthread-queuepool is %d x %d x %d, want 2 x 2 x 3", g.Workers, g.Threads, tg.Scenario.Workload.Requests)
			}
			var work, porcupine time.Duration
			decisions := 0
			for i := 0; b.Loop(); i++ {
				t0 := time.Now()
				run, v := Attempt(tg, sim.Random(uint64(i)))
				t1 := time.Now()
				if k := run.Outcome.Kind; v.Result(verdict.Linearizability) == nil || k == sim.Panicked || k == sim.Diverged || k == sim.OverBudget {
					b.Fatalf("run %d: %v", i, run.Outcome)
				}
				model.Check(verdict.History(run), verdict.DefaultPorcupineTimeout)
				work, porcupine = work+t1.Sub(t0), porcupine+time.Since(t1)
				decisions += run.Outcome.Decisions
			}
			b.ReportMetric(float64(b.N)/work.Seconds(), "schedules/s")
			b.ReportMetric(100*porcupine.Seconds()/work.Seconds(), "porcupine-%")
			b.ReportMetric(float64(decisions)/float64(b.N), "decisions/op")
		})
	}
}

// unsafe are the scenarios whose mechanism breaks, with the property that
// shows it first.
// unsafeCase is an unsafe scenario and the property its benchmarks count.
type unsafeCase struct {
	name, property, text string // text: the symptom judged as the property
}

// target is the case's target, counting its property.
func (u unsafeCase) target(b *testing.B) Target {
	b.Helper()
	tg, err := NewTarget(u.name, 1)
	if err != nil {
		b.Fatal(err)
	}
	tg.Properties = []string{u.property}
	if u.text != "" {
		tg.Verdict.Never = []string{u.text}
		tg.Properties = []string{verdict.SymptomProperty(u.text)}
	}
	return tg
}

var unsafe = []unsafeCase{
	{"gthread-nullpool-max-connections-4", "", "sorry, too many clients already"},
	{"preload-touch-db", verdict.ProtocolInterleaving, ""},
	{"preload-post-fork-dispose-close", verdict.ProtocolInterleaving, ""},
	{"preload-held-connection-dispose", verdict.ProtocolInterleaving, ""},
	{"preload-background-thread", verdict.ProtocolInterleaving, ""},
	{"max-requests-touch-db", verdict.ProtocolInterleaving, ""},
	{"celery-prefork", verdict.ProtocolInterleaving, ""},
	{"threads-libpq-shared", verdict.ProtocolInterleaving, ""},
	{"goroutines-pgx-shared", "", "conn busy"},
	{"threads-assertionpool", "", "connection is already checked out"},
	{"preload-pre-ping", verdict.ProtocolInterleaving, ""},
}

// BenchmarkFirstViolation measures, for each unsafe scenario and each
// explorer, the time (ns/op) and the runs (runs-to-first) to the first
// violation of the scenario's property, from a fresh seed range each op
// (rapid draws its own seeds), within a budget of 1,000 runs; missed is
// the share of ops that found none in the budget.
func BenchmarkFirstViolation(b *testing.B) {
	const budget = 1000
	for _, u := range unsafe {
		for _, strategy := range []string{Random, PCT, Rapid} {
			b.Run(u.name+"/"+strategy, func(b *testing.B) {
				tg := u.target(b)
				runs, missed := 0, 0
				for i := 0; b.Loop(); i++ {
					lo := uint64(i) * budget
					res, err := Explore(tg, Config{Strategy: strategy, Seeds: [2]uint64{lo, lo + budget}, Runs: budget})
					if err != nil {
						b.Fatal(err)
					}
					if f := res.First(); f != nil {
						runs += f.Run + 1
					} else {
						runs, missed = runs+res.Runs, missed+1
					}
				}
				b.ReportMetric(float64(runs)/float64(b.N), "runs-to-first")
				b.ReportMetric(float64(missed)/float64(b.N), "missed")
			})
		}
	}
}

// BenchmarkShrink measures shrinking the first random counterexample of
// each unsafe scenario: runs spent and non-zero choices before and after.
func BenchmarkShrink(b *testing.B) {
	for _, u := range unsafe {
		b.Run(u.name, func(b *testing.B) {
			tg := u.target(b)
			res, err := Explore(tg, Config{Strategy: Random, Seeds: [2]uint64{1, 1001}})
			if err != nil || res.First() == nil {
				b.Fatalf("no violation: %v", err)
			}
			var st Stats
			for b.Loop() {
				_, _, st = Shrink(tg, res.First().Schedule)
				if st.Err != "" {
					b.Fatal(st.Err)
				}
			}
			b.ReportMetric(float64(st.Runs), "runs/op")
			b.ReportMetric(float64(st.Before), "nonzero-before")
			b.ReportMetric(float64(st.After), "nonzero-after")
		})
	}
}

// BenchmarkSchedulesParseCache compares, in one run, gthread-queuepool's
// schedules per second (checks included, as BenchmarkSchedules measures
// them) with the target's runs sharing one parse cache (what NewTarget
// gives) and with each run parsing with a cache of its own.
func BenchmarkSchedulesParseCache(b *testing.B) {
	for _, shared := range []bool{true, false} {
		b.Run(map[bool]string{true: "shared", false: "per-run"}[shared], func(b *testing.B) {
			tg, err := NewTarget("gthread-queuepool", 1)
			if err != nil {
				b.Fatal(err)
			}
			if !shared {
				tg.Parsed = nil
			}
			b.ReportAllocs()
			start := time.Now()
			for i := 0; b.Loop(); i++ {
				run, _ := Attempt(tg, sim.Random(uint64(i)))
				if k := run.Outcome.Kind; k == sim.Panicked || k == sim.Diverged || k == sim.OverBudget {
					b.Fatalf("run %d: %v", i, run.Outcome)
				}
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "schedules/s")
		})
	}
}
