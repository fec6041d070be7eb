package review

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/poolsim/poolsim/scenario"
)

func lookup(t *testing.T, name string) *scenario.Scenario {
	t.Helper()
	s, err := scenario.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestEvaluate: an unsafe design is UNSAFE with the property, its first
// violation and a replay command; a safe one is NO VIOLATION sampled and
// SAFE once a complete proof backs it, never SAFE from an incomplete one.
func TestEvaluate(t *testing.T) {
	bad, err := Evaluate(lookup(t, "preload-touch-db"), Config{Runs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if bad.Verdict != Unsafe || !strings.HasPrefix(bad.Replay, "simulate run preload-touch-db --seed ") {
		t.Fatalf("preload-touch-db: %s, replay %q", bad.Verdict, bad.Replay)
	}
	for _, p := range bad.Properties {
		if p.Property == "reply routing" && (p.Status != Unsafe || !strings.Contains(p.Detail, "misrouted reply")) {
			t.Fatalf("reply routing: %+v", p)
		}
	}
	s := lookup(t, "gthread-queuepool")
	sampled, err := Evaluate(s, Config{Runs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if sampled.Verdict != Sampled || !strings.Contains(sampled.Properties[0].Detail, "in 2 schedules at 2 workers x 2 threads") {
		t.Fatalf("gthread-queuepool sampled: %s %+v", sampled.Verdict, sampled.Properties[0])
	}
	var searched *scenario.Scenario
	proof := func(complete bool) Verifier {
		return func(small *scenario.Scenario) Proof {
			searched = small
			return Proof{Complete: complete, Bound: "delay bound 1", Schedules: 7, Statement: "all 7"}
		}
	}
	safe, _ := Evaluate(s, Config{Runs: 1, Verify: proof(true)})
	if safe.Verdict != Safe || searched.Workload.Requests != 2 || !strings.Contains(safe.Properties[0].Detail, "up to delay bound 1 at 2 workers x 2 threads, 2 clients x 2 requests (7 schedules)") {
		t.Fatalf("with a complete proof: %s %+v (searched %d requests)", safe.Verdict, safe.Properties[0], searched.Workload.Requests)
	}
	partial, _ := Evaluate(s, Config{Runs: 1, Verify: proof(false)})
	if partial.Verdict != Sampled {
		t.Fatalf("with an incomplete proof: %s", partial.Verdict)
	}
	found, _ := Evaluate(s, Config{Runs: 1, Verify: func(*scenario.Scenario) Proof {
		return Proof{Violated: []string{"reply routing"}, Replay: "simulate verify x", Complete: true, Bound: "delay bound 1"}
	}})
	if found.Verdict != Unsafe || found.Replay != "simulate verify x" {
		t.Fatalf("with a counterexample from the search: %s %q", found.Verdict, found.Replay)
	}
	if _, err := Evaluate(s, Config{Runs: 0}); err == nil {
		t.Fatal("zero runs accepted")
	}
}

// TestSmall cuts a scenario to at most two of everything and records the
// cut as overrides.
func TestSmall(t *testing.T) {
	s := lookup(t, "incident-production")
	small := Small(s)
	if small.Gunicorn.Workers != 2 || small.Gunicorn.Threads != 2 || small.Celery.Concurrency != 2 ||
		small.Workload.Clients != 2 || small.Workload.Requests != 2 || len(small.Overrides) != 5 {
		t.Fatalf("small: %s, overrides %v", Size(small), small.Overrides)
	}
	if got := Size(s); got != "4 workers x 16 threads + 4 Celery processes, 64 clients x 6 requests" {
		t.Fatalf("size %q", got)
	}
	if again := Small(small); again != small {
		t.Fatal("a scenario already small enough was changed")
	}
}

// TestExpectations round-trips the rows through an expectations file and
// reports a changed verdict and changed properties.
func TestExpectations(t *testing.T) {
	rows := []Row{
		{Design: "a", Verdict: Unsafe, Properties: []Standing{{Property: "reply routing", Status: Unsafe}, {Property: "hung tasks", Status: Sampled}}},
		{Design: "b", Verdict: Safe, Properties: []Standing{{Property: "reply routing", Status: Safe}}},
	}
	var buf bytes.Buffer
	if err := WriteExpectations(&buf, rows); err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/expect.toml"
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ex, err := LoadExpectations(path)
	if err != nil {
		t.Fatal(err)
	}
	if d := ex.Compare(rows); len(d) != 0 {
		t.Fatalf("own expectations differ: %v", d)
	}
	rows[1].Verdict, rows[1].Properties[0].Status = Unsafe, Unsafe
	rows[0].Properties[1].Status = Unsafe
	d := ex.Compare(append(rows, Row{Design: "c", Verdict: Sampled}))
	if len(d) != 3 || !strings.Contains(d[0], "a: expected unsafe (reply routing), found unsafe (reply routing, hung tasks)") ||
		!strings.Contains(d[1], "b: expected safe, found unsafe") || !strings.Contains(d[2], "c: no expectation") {
		t.Fatalf("compare: %q", d)
	}
	if err := os.WriteFile(path, []byte("[x]\nverdict = \"maybe\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadExpectations(path); err == nil || !strings.Contains(err.Error(), `"maybe"`) {
		t.Fatalf("a bad verdict: %v", err)
	}
}

// TestPCTMissBound: a PCT review states PCT's bound where it applies
// and says why not where it does not.
func TestPCTMissBound(t *testing.T) {
	safe, err := Evaluate(lookup(t, "gthread-queuepool"), Config{Runs: 4, Strategy: "pct", Depth: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(safe.MissBound, "a bug of depth 1 missed with probability at most ") ||
		!strings.Contains(safe.MissBound, "after 4 runs") {
		t.Fatalf("safe: %q", safe.MissBound)
	}
	bad, err := Evaluate(lookup(t, "preload-touch-db"), Config{Runs: 2, Strategy: "pct", Depth: 2})
	if err != nil {
		t.Fatal(err)
	}
	if bad.MissBound != "does not apply: a violation was found" {
		t.Fatalf("unsafe: %q", bad.MissBound)
	}
	if random, _ := Evaluate(lookup(t, "gthread-queuepool"), Config{Runs: 1}); random.MissBound != "" {
		t.Fatalf("random sampling states a PCT bound: %q", random.MissBound)
	}
}
