package properties_test

import (
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/poolsim/poolsim/explore"
	"github.com/poolsim/poolsim/properties"
	"github.com/poolsim/poolsim/review"
	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/verdict"
)

// Short names of the verdict's properties.
const (
	interleaving = verdict.ProtocolInterleaving
	routing      = verdict.ReplyRouting
	linearizable = verdict.Linearizability
	leaked       = verdict.LeakedSessions
	hung         = verdict.HungTasks
	mixing       = verdict.TransactionMixing
	budgetProp   = verdict.ConnectionBudget
	symptoms     = verdict.Symptoms
)

func symptom(text string) string { return verdict.SymptomProperty(text) }

// desync are the symptom properties of a garbled protocol stream: the
// errors libpq, psycopg2, SQLAlchemy and the server raise when requests
// and replies of two clients mix on one session (every symptom text but
// those of a pool's or the server's connection limit).
var desync = func() []string {
	var out []string
	for _, text := range scenario.SymptomTexts {
		switch text {
		case "connection is already checked out", "QueuePool limit of size", "conn busy",
			"sorry, too many clients already", "remaining connection slots are reserved":
			continue
		}
		out = append(out, symptom(text))
	}
	return append(out, symptoms)
}()

// forked is what else a garbled stream of a session shared through fork
// may show: hangs, non-linearizable reads, statements of two processes in
// one transaction, sessions left open by a hung or killed worker, and the
// desync errors.
var forked = append([]string{hung, linearizable, mixing, leaked}, desync...)

// expectation pins one scenario's verdict, property by property, under
// workload seed 1 with every symptom text judged as a property. A safe
// scenario (no violated) violates nothing in any schedule rapid draws. An
// unsafe one violates each of violated within budget runs of its explorer;
// it may also violate the properties in may; every other property holds
// in every run explored.
type expectation struct {
	violated, may []string
	explorer      string // explore.Random, explore.PCT or explore.Rapid
	budget        int    // runs (for Rapid: per violated property)
}

// safe: no property violated.
var safe = expectation{}

// expectations pins every built-in scenario. They come from the scenario
// package's TestScenarioVerdicts table (which symptoms a mechanism
// produces) and from what the verdict's judges report of the runs:
//
//   - Sharing a forked session (preload without a fork hook, a held
//     connection, a background thread, max_requests, Celery, pre-ping):
//     protocol interleaving and reply routing violated (the ground truth
//     of the wrong rows and desync errors), with the garbled stream's
//     symptoms, hangs and non-linearizable reads as consequences.
//   - A symptom text is the only evidence where a pool or driver refuses
//     the sharing (AssertionPool: "connection is already checked out";
//     pgx: "conn busy"); where the server refuses a connection ("sorry, too
//     many clients already") the connection budget is violated too: the
//     deployment needed more than max_connections.
//   - Threads sharing one psycopg2 connection (directly or through
//     StaticPool) share one server transaction: transaction mixing, with
//     no protocol interleaving (psycopg2 serialises the threads). So does
//     AssertionPool when two threads pass its check at once.
//   - The incident's deployments and the designs with a fork hook hold
//     everything: the Celery MainProcess exits at shutdown, closing the
//     connection it pooled at import.
var expectations = map[string]expectation{
	"gthread-queuepool":           safe,
	"sync-queuepool":              safe,
	"gthread-nullpool":            safe,
	"preload-post-fork-dispose":   safe,
	"preload-pidcheck":            safe,
	"threads-singletonthreadpool": safe,
	"celery-prefork-dispose":      safe,
	"incident-production":         safe,
	"incident-nullpool":           safe,

	"threads-psycopg2-shared": {violated: []string{mixing}, explorer: explore.Random, budget: 8},
	"threads-staticpool":      {violated: []string{mixing}, explorer: explore.Random, budget: 8},

	"gthread-nullpool-max-connections-4": {violated: []string{budgetProp, symptom("sorry, too many clients already"), symptoms},
		explorer: explore.Random, budget: 10},
	"threads-assertionpool": {violated: []string{symptom("connection is already checked out")}, may: []string{mixing, symptoms},
		explorer: explore.Random, budget: 20},
	"goroutines-pgx-shared": {violated: []string{symptom("conn busy")}, may: []string{symptoms},
		explorer: explore.Rapid, budget: 100},

	"preload-touch-db":                {violated: []string{interleaving, routing}, may: forked, explorer: explore.PCT, budget: 12},
	"preload-held-connection-dispose": {violated: []string{interleaving, routing}, may: forked, explorer: explore.PCT, budget: 12},
	"preload-pre-ping":                {violated: []string{interleaving, routing}, may: forked, explorer: explore.PCT, budget: 12},
	"max-requests-touch-db":           {violated: []string{interleaving, routing}, may: forked, explorer: explore.Random, budget: 12},
	"preload-background-thread":       {violated: []string{interleaving, routing, hung}, may: forked, explorer: explore.Random, budget: 12},
	"celery-prefork":                  {violated: []string{interleaving, routing}, may: forked, explorer: explore.Random, budget: 12},
	"preload-post-fork-dispose-close": {violated: []string{interleaving, symptom("server closed the connection unexpectedly")},
		may: forked, explorer: explore.Random, budget: 12},
	"threads-libpq-shared": {violated: []string{interleaving, routing, hung}, may: forked, explorer: explore.Rapid, budget: 100},
}

// TestEveryScenarioIsPinned: a built-in scenario without an expectation,
// or an expectation without a scenario, is an error.
func TestEveryScenarioIsPinned(t *testing.T) {
	names := scenario.Names()
	for _, n := range names {
		if _, ok := expectations[n]; !ok {
			t.Errorf("scenario %s has no expectation", n)
		}
	}
	for n := range expectations {
		if !slices.Contains(names, n) {
			t.Errorf("expectation for %s, which is not a built-in scenario", n)
		}
	}
}

// targetFor is the scenario's target: workload seed 1, every symptom text
// judged as a property, counting props.
func targetFor(t *testing.T, name string, props ...string) explore.Target {
	t.Helper()
	tg, err := explore.NewTarget(name, 1)
	if err != nil {
		t.Fatal(err)
	}
	tg.Verdict.Never = scenario.SymptomTexts
	tg.Properties = props
	return tg
}

// deep multiplies a budget under -deep.
func deep(n int) int {
	if *properties.Deep {
		return 10 * n
	}
	return n
}

// checks is the number of schedules rapid draws for a safe scenario:
// small unless -deep or an explicit -rapid.checks asks for rapid's number.
func checks(small int) int {
	f := flag.Lookup("rapid.checks")
	n, err := strconv.Atoi(f.Value.String())
	if err != nil {
		return small
	}
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "rapid.checks" })
	if set || *properties.Deep {
		return n
	}
	return min(small, n)
}

// TestSafeScenarios: rapid draws schedules of every safe scenario
// (explore.RapidStrategy) and none violates any property. A failure leaves
// rapid's fail file under testdata/rapid/TestSafeScenarios_NAME/, replayed
// first by every later run of the test (or pass -rapid.failfile=PATH);
// the failure's log holds the shrunk schedule, which explore.TargetOf and
// explore.Replay reproduce without rapid.
func TestSafeScenarios(t *testing.T) {
	for _, name := range scenario.Names() {
		if e := expectations[name]; len(e.violated) > 0 {
			continue
		}
		t.Run(name, func(t *testing.T) {
			tg := targetFor(t, name)
			budget, runs := checks(6), 0
			rapid.Check(t, func(rt *rapid.T) {
				if runs >= budget {
					return // the budget is spent: pass without drawing
				}
				runs++
				run, v := explore.Attempt(tg, explore.RapidStrategy(rt))
				if run.Outcome.Kind != sim.Completed || v.Violated() {
					var lines []string
					for _, name := range v.Violations() {
						lines = append(lines, v.Result(name).String())
					}
					rt.Logf("schedule:\n%s", run.Schedule())
					rt.Fatalf("%s: %s\n%s", name, run.Outcome.Kind, strings.Join(lines, "\n"))
				}
			})
			if runs != budget {
				t.Fatalf("rapid ran %d schedules, want %d", runs, budget)
			}
		})
	}
}

// TestUnsafeScenarios: for every unsafe scenario the explorer finds each
// expected violation within the stated budget, every property neither
// expected nor allowed holds in every run explored, and each violation's
// first counterexample shrinks to a schedule with no more non-zero
// choices that replays strictly to the same violation and trace hash.
func TestUnsafeScenarios(t *testing.T) {
	for _, name := range scenario.Names() {
		e := expectations[name]
		if len(e.violated) == 0 {
			continue
		}
		t.Run(name, func(t *testing.T) {
			found, tally := explored(t, name, e)
			for _, p := range tally {
				if p.Violated > 0 && !slices.Contains(e.violated, p.Property) && !slices.Contains(e.may, p.Property) {
					t.Errorf("%s violated in %d runs, expected to hold", p.Property, p.Violated)
				}
			}
			for _, p := range e.violated {
				f := found[p]
				if f == nil {
					t.Errorf("%s: no violation within %d %s runs", p, deep(e.budget), e.explorer)
					continue
				}
				shrunk(t, targetFor(t, name, p), f)
			}
		})
	}
}

// explored runs the scenario's explorer and returns, for each expected
// violated property, the first run that violated it, with the tally of
// every run explored.
func explored(t *testing.T, name string, e expectation) (map[string]*explore.Found, []explore.PropertyTally) {
	t.Helper()
	found := map[string]*explore.Found{}
	var tally []explore.PropertyTally
	add := func(res explore.Result) {
		for _, p := range res.Tally {
			i := slices.IndexFunc(tally, func(q explore.PropertyTally) bool { return q.Property == p.Property })
			if i < 0 {
				tally = append(tally, explore.PropertyTally{Property: p.Property})
				i = len(tally) - 1
			}
			tally[i].Violated += p.Violated
			tally[i].Inconclusive += p.Inconclusive
		}
		for i := range res.Violations {
			f := &res.Violations[i]
			for _, p := range f.Violated {
				if found[p] == nil {
					found[p] = f
				}
			}
		}
	}
	if e.explorer == explore.Rapid { // one rapid exploration per property: rapid stops at the first
		for _, p := range e.violated {
			res, err := explore.Explore(targetFor(t, name, p), explore.Config{Strategy: explore.Rapid, Runs: deep(e.budget)})
			if err != nil {
				t.Fatal(err)
			}
			add(res)
		}
		return found, tally
	}
	res, err := explore.Explore(targetFor(t, name, e.violated...),
		explore.Config{Strategy: e.explorer, Seeds: [2]uint64{1, 1 + uint64(deep(e.budget))}, KeepGoing: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Runs != deep(e.budget) {
		t.Fatalf("explored %d runs, budget %d", res.Runs, deep(e.budget))
	}
	add(res)
	return found, tally
}

// shrunk shrinks f for the single property tg counts and checks the
// result: the same violation, no more non-zero choices, a strict replay
// to the same verdict and trace hash. It returns the shrunk schedule.
func shrunk(t *testing.T, tg explore.Target, f *explore.Found) *sim.Schedule {
	t.Helper()
	sh, v, st := explore.Shrink(tg, f.Schedule)
	want := tg.Counted(&f.Verdict)
	if st.Err != "" || !slices.Equal(tg.Counted(&v), want) {
		t.Fatalf("%q: shrink: %v; shrunk run violates %q, want %q", tg.Properties, st, tg.Counted(&v), want)
	}
	if st.Before != explore.NonZero(f.Schedule) || st.After != explore.NonZero(sh) || st.After > st.Before {
		t.Fatalf("%q: %v: the shrunk schedule has more non-zero choices than the found", tg.Properties, st)
	}
	run, rv, err := explore.Replay(tg, sh)
	if err != nil || run.Hash() != sh.Hash || rv.TraceHash != v.TraceHash || !slices.Equal(tg.Counted(&rv), want) {
		t.Fatalf("%q: the shrunk schedule does not replay: %v (hash %016x, recorded %016x)", tg.Properties, err, run.Hash(), sh.Hash)
	}
	t.Logf("%s: %v", strings.Join(want, ", "), st)
	return sh
}

// TestForkSharingShrunkCount pins the shrunk counterexample of the
// fork-sharing case, preload_app with an import that queries the
// database and no fork hook. Both workers inherit the master's pooled
// connection, one socket to one server session; the first worker's
// request blocks on its reply and the switch to the other worker is free
// (no preemption: the running task blocked), so the second worker's
// request goes out on the same session while the first is outstanding
// and each reads the other's reply. The mechanism needs the fork and no
// preemption at all: counting interleaving and routing, the shrunk
// schedule has 0 non-zero choices.
//
// The no-preemption run also hangs: one worker waits for a reply the
// other took until Gunicorn kills it. The first run found (random,
// schedule seeds from 1) that shows interleaving and routing without a
// hang, counting hangs too, shrinks to one non-zero choice, and one is
// the minimum: the only schedule with none is the no-preemption one,
// which hangs.
func TestForkSharingShrunkCount(t *testing.T) {
	tg := targetFor(t, "preload-touch-db", interleaving, routing)
	res, err := explore.Explore(tg, explore.Config{Strategy: explore.Random, Seeds: [2]uint64{1, 2}})
	if err != nil || res.First() == nil {
		t.Fatalf("no violation: %v", err)
	}
	if sh := shrunk(t, tg, res.First()); explore.NonZero(sh) != 0 {
		t.Fatalf("counting interleaving and routing: %d non-zero choices, want 0", explore.NonZero(sh))
	}
	exact := targetFor(t, "preload-touch-db", interleaving, routing, hung) // the same violation: no hang
	all, err := explore.Explore(exact, explore.Config{Strategy: explore.Random, Seeds: [2]uint64{1, 41}, KeepGoing: true})
	if err != nil {
		t.Fatal(err)
	}
	var f *explore.Found
	for i := range all.Violations {
		if got := exact.Counted(&all.Violations[i].Verdict); slices.Equal(got, []string{interleaving, routing}) {
			f = &all.Violations[i]
			break
		}
	}
	if f == nil {
		t.Fatalf("no run of 40 shows interleaving and routing without a hang")
	}
	sh := shrunk(t, exact, f)
	if explore.NonZero(sh) != 1 {
		t.Fatalf("interleaving and routing without a hang: %d non-zero choices, want 1", explore.NonZero(sh))
	}
	_, zero := explore.Attempt(exact, sim.Zeros())
	if got := exact.Counted(&zero); !slices.Equal(got, []string{interleaving, routing, hung}) {
		t.Fatalf("the no-preemption run violates %q: 0 non-zero choices could do", got)
	}
	t.Log(fmt.Sprint("the one choice: ", sh.Decisions[slices.IndexFunc(sh.Decisions, func(c sim.Choice) bool { return c.Choice != 0 })]))
}

// TestReviewExpectationsAgree: the expected verdicts that simulate review
// --expect checks in CI (testdata/expect.toml) agree with this table: the
// same designs unsafe, each expected violation among the properties the
// review expects violated, and nothing there this table does not allow.
func TestReviewExpectationsAgree(t *testing.T) {
	ex, err := review.LoadExpectations("../testdata/expect.toml")
	if err != nil {
		t.Fatal(err)
	}
	for name, e := range expectations {
		got, ok := ex[name]
		if !ok {
			t.Errorf("%s: not in testdata/expect.toml", name)
			continue
		}
		if unsafe := len(e.violated) > 0; unsafe != (got.Verdict == "unsafe") {
			t.Errorf("%s: the review expects %s, this table unsafe=%v", name, got.Verdict, unsafe)
			continue
		}
		for _, p := range e.violated {
			if strings.HasPrefix(p, "symptom \"") {
				p = symptoms // the review judges the texts as one property
			}
			if !slices.Contains(got.Violates, p) {
				t.Errorf("%s: the review does not expect %s violated (it expects %q)", name, p, got.Violates)
			}
		}
		for _, p := range got.Violates {
			if !slices.Contains(e.violated, p) && !slices.Contains(e.may, p) {
				t.Errorf("%s: the review expects %s violated, which this table does not allow", name, p)
			}
		}
	}
}
