package verify

import (
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/poolsim/poolsim/scenario"
)

var deep = flag.Bool("verify.deep", false, "also run the deep searches (plain bound 2 on the 2 x 2 QueuePool scenario)")

// queuePool2x2 is gthread + QueuePool with one worker of two threads and
// two clients of two requests each.
func queuePool2x2(t testing.TB) *scenario.Scenario {
	s, err := scenario.Lookup("gthread-queuepool")
	if err != nil {
		t.Fatal(err)
	}
	s.Gunicorn.Workers, s.Gunicorn.Threads = 1, 2
	s.Workload.Clients, s.Workload.Requests = 2, 2
	return s
}

// preloadNoDispose is preload_app with a query at import and no fork hook,
// at its smallest: two workers, two clients of one request.
func preloadNoDispose(t testing.TB) *scenario.Scenario {
	s, err := scenario.Lookup("preload-touch-db")
	if err != nil {
		t.Fatal(err)
	}
	s.Gunicorn.Workers = 2
	s.Workload.Clients, s.Workload.Requests = 2, 1
	return s
}

// TestQueuePoolVerifiedToBound2 is the exhaustive proof: every schedule of
// the 2 x 2 QueuePool scenario up to delay bound 2 (split bound 0) is
// free of violations.
func TestQueuePoolVerifiedToBound2(t *testing.T) {
	if testing.Short() {
		t.Skip("a search of some 40,000 runs")
	}
	p := ScenarioProgram(queuePool2x2(t), 1, nil)
	start := time.Now()
	r := Search(p, Config{Bound: 2, Reduction: true})
	t.Logf("%s [%v]", r.Statement(), time.Since(start).Round(time.Millisecond))
	if !r.Exhausted || r.Counterexample != nil || r.Schedules < r.Classes || r.Classes < 1000 {
		t.Fatalf("%s", r.Statement())
	}
}

// TestQueuePoolReducedMatchesPlain: on the 2 x 2 QueuePool scenario the
// reduced search reaches every final-state fingerprint, trace class and
// violation the plain search reaches, at delay bound 1 (and 2 with
// -verify.deep).
func TestQueuePoolReducedMatchesPlain(t *testing.T) {
	p := ScenarioProgram(queuePool2x2(t), 1, nil)
	bounds := []int{1}
	if *deep {
		bounds = append(bounds, 2)
	}
	for _, bound := range bounds {
		start := time.Now()
		plain, reduced := sameReach(t, p, Config{Bound: bound})
		t.Logf("plain: %s", plain.Statement())
		t.Logf("reduced: %s [both %v]", reduced.Statement(), time.Since(start).Round(time.Millisecond))
		if reduced.Pruned == 0 || reduced.Schedules >= plain.Schedules {
			t.Fatalf("bound %d: the reduction pruned nothing", bound)
		}
	}
}

// TestPreloadWithoutDisposeCounterexample: the same search finds the
// counterexample for preload_app without dispose at its smallest size, and
// the counterexample replays to the same violation.
func TestPreloadWithoutDisposeCounterexample(t *testing.T) {
	p := ScenarioProgram(preloadNoDispose(t), 1, nil)
	r := Search(p, Config{Bound: 2, Reduction: true, StopAtViolation: true})
	t.Log(r.Statement())
	ce := r.Counterexample
	if ce == nil || !strings.Contains(ce.Violation, "protocol interleaving") {
		t.Fatalf("%s", r.Statement())
	}
	replays(t, p, ce)
	if ce.Schedule.Scenario != "preload-touch-db" {
		t.Fatalf("the counterexample's schedule names scenario %q", ce.Schedule.Scenario)
	}
}
