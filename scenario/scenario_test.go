package scenario

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/poolsim/poolsim/sim"
)

// What a run can show besides SymptomTexts.
const (
	wrongRow = "wrong row" // an operation handed another request's result without an error
	hang     = "hang"      // a task hung, deadlocked, or a worker killed for silence
)

// verdict is what a scenario's mechanism produces over the seed set: an
// unsafe one shows at least one of shows under some seed; a safe one
// shows no symptom text, wrong row or hang under any.
type verdict struct {
	unsafe bool
	shows  []string
}

// verdicts pins every built-in scenario's verdict. The scenario files do
// not name their symptoms; this table does. Safe means no symptom text,
// wrong row or hang: threads that share one psycopg2 connection (directly
// or through StaticPool) are safe in that sense, and share one
// transaction, a property of its own
// (TestPsycopg2ThreadsShareOneTransaction).
var verdicts = map[string]verdict{
	"gthread-queuepool":                  {},
	"sync-queuepool":                     {},
	"gthread-nullpool":                   {},
	"gthread-nullpool-max-connections-4": {true, []string{"sorry, too many clients already"}},
	"preload-touch-db":                   {true, []string{"no message from the libpq", "tuple index out of range", "lost synchronization with server", "insufficient data in", wrongRow}},
	"preload-post-fork-dispose":          {},
	"preload-post-fork-dispose-close":    {true, []string{"server closed the connection unexpectedly"}},
	"preload-held-connection-dispose":    {true, []string{"no message from the libpq", "tuple index out of range", "lost synchronization with server", wrongRow}},
	"preload-background-thread":          {true, []string{hang, "no message from the libpq", "tuple index out of range", wrongRow}},
	"max-requests-touch-db":              {true, []string{"no message from the libpq", "tuple index out of range", "lost synchronization with server", wrongRow}},
	"celery-prefork":                     {true, []string{"no message from the libpq", "tuple index out of range", "lost synchronization with server", wrongRow}},
	"celery-prefork-dispose":             {},
	"threads-psycopg2-shared":            {},
	"threads-libpq-shared":               {true, []string{"lost synchronization with server", "another command is already in progress", wrongRow, hang}},
	"goroutines-pgx-shared":              {true, []string{"conn busy"}},
	"threads-staticpool":                 {},
	"threads-singletonthreadpool":        {},
	"threads-assertionpool":              {true, []string{"connection is already checked out"}},
	"preload-pre-ping":                   {true, []string{"no message from the libpq", "tuple index out of range", "lost synchronization with server", wrongRow}},
	"preload-pidcheck":                   {},
	"incident-production":                {},
	"incident-nullpool":                  {},
}

// seedsFor is the fixed seed set a scenario runs over: eight seeds for
// the small scenarios, one for the incident's full size.
func seedsFor(name string) []uint64 {
	if strings.HasPrefix(name, "incident-") {
		return []uint64{1}
	}
	return []uint64{1, 2, 3, 4, 5, 6, 7, 8}
}

// shown returns what r shows of the kinds a verdict names.
func shown(r *Run) []string {
	out := r.SymptomList()
	if len(r.WrongResults()) > 0 {
		out = append(out, wrongRow)
	}
	if len(r.Hangs()) > 0 {
		out = append(out, hang)
	}
	return out
}

// loadRunnable returns the built-in scenario, skipping the test when its
// driver is not built yet.
func loadRunnable(t *testing.T, name string) *Scenario {
	t.Helper()
	s, err := Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestEveryScenarioHasAVerdict: a built-in scenario without a pinned
// verdict, or a verdict without a scenario, is an error.
func TestEveryScenarioHasAVerdict(t *testing.T) {
	names := Names()
	for _, n := range names {
		if _, ok := verdicts[n]; !ok {
			t.Errorf("scenario %s has no verdict", n)
		}
	}
	for n := range verdicts {
		if !slices.Contains(names, n) {
			t.Errorf("verdict for %s, which is not a built-in scenario", n)
		}
	}
	all, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if s.Summary == "" || s.RealWorld == "" {
			t.Errorf("%s: summary or real_world missing", s.Name)
		}
	}
}

// TestScenarioVerdicts runs every built-in scenario over its seed set:
// an unsafe scenario shows what its mechanism produces under some seed,
// and that seed's schedule replays to the same trace hash with the same
// symptoms; a safe scenario shows no symptom text, wrong row or hang
// under any seed, and completes.
func TestScenarioVerdicts(t *testing.T) {
	for _, name := range Names() {
		v := verdicts[name]
		t.Run(name, func(t *testing.T) {
			s := loadRunnable(t, name)
			found := false
			for _, seed := range seedsFor(name) {
				r := RunSeed(s, seed)
				if r.Err != nil {
					t.Fatal(r.Err)
				}
				if r.Outcome.Kind == sim.Panicked || r.Outcome.Kind == sim.OverBudget || r.Outcome.Kind == sim.Diverged {
					t.Fatalf("seed %d: %v", seed, r.Outcome)
				}
				got := shown(r)
				if !v.unsafe {
					if len(got) > 0 || r.Outcome.Kind != sim.Completed {
						t.Fatalf("safe scenario, seed %d: %v, %v\nwrong: %v\nhangs: %v", seed, got, r.Outcome, r.WrongResults(), r.Hangs())
					}
					continue
				}
				if found || !overlaps(got, v.shows) {
					continue
				}
				found = true
				re := r.Replay()
				if re.Hash() != r.Hash() || !slices.Equal(shown(re), got) {
					t.Fatalf("seed %d did not replay: hash %x vs %x, %v vs %v", seed, re.Hash(), r.Hash(), shown(re), got)
				}
				t.Logf("seed %d shows %v (replayed, hash %016x)", seed, got, r.Hash())
			}
			if v.unsafe && !found {
				t.Fatalf("no seed of %v showed any of %v", seedsFor(name), v.shows)
			}
		})
	}
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// TestReadmeListsEveryScenario: the README's table names every built-in
// scenario with its summary.
func TestReadmeListsEveryScenario(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	all, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if row := "| `" + s.Name + "` | " + s.Summary + " |"; !strings.Contains(string(data), row) {
			t.Errorf("README lacks the row %s", row)
		}
	}
}
