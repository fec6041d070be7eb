package verdict

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/poolsim/poolsim/properties"
	"github.com/poolsim/poolsim/scenario"
)

// safe are the built-in scenarios the scenario package's verdict table
// calls safe (no symptom text, wrong row or hang under its seeds), with
// the properties their verdicts may still violate: threads sharing one
// psycopg2 connection, directly or through StaticPool, run one thread's
// statements in the other's transaction, which only transaction mixing
// tells. Every other property of theirs must hold.
var safe = map[string][]string{
	"gthread-queuepool":           nil,
	"sync-queuepool":              nil,
	"gthread-nullpool":            nil,
	"preload-post-fork-dispose":   nil,
	"celery-prefork-dispose":      nil,
	"threads-psycopg2-shared":     {TransactionMixing},
	"threads-staticpool":          {TransactionMixing},
	"threads-singletonthreadpool": nil,
	"preload-pidcheck":            nil,
	"incident-production":         nil,
	"incident-nullpool":           nil,
}

// seedsOf is the seed set a scenario's verdict is checked over: eight
// seeds (two with -short), one for the incident's full size.
func seedsOf(name string) []uint64 {
	switch {
	case strings.HasPrefix(name, "incident-"):
		return []uint64{1}
	case testing.Short():
		return []uint64{1, 2}
	}
	return []uint64{1, 2, 3, 4, 5, 6, 7, 8}
}

// TestEveryScenarioJudged: every built-in scenario's seed-1 run is judged
// without a panic, every property reported once in report order, and its
// verdict marshals to JSON; the safe scenarios violate nothing beyond
// what they are known to under any seed of their set, and every property
// of theirs is decided (none inconclusive).
func TestEveryScenarioJudged(t *testing.T) {
	order := []string{ProtocolInterleaving, ReplyRouting, Linearizability, TransactionMixing, ConnectionBudget,
		LeakedSessions, HungTasks, SessionStateLeak, Symptoms}
	for _, name := range scenario.Names() {
		t.Run(name, func(t *testing.T) {
			v := Judge(run(t, name, 1), Options{})
			var names []string
			for _, p := range v.Properties {
				names = append(names, p.Property)
			}
			if !slices.Equal(names, order) {
				t.Fatalf("properties %q, want %q", names, order)
			}
			if _, err := json.Marshal(v); err != nil {
				t.Fatal(err)
			}
			allowed, ok := safe[name]
			if !ok {
				return
			}
			for _, seed := range seedsOf(name) {
				if seed != 1 {
					v = Judge(run(t, name, seed), Options{})
				}
				for _, p := range v.Properties {
					switch {
					case p.Status == properties.Violated && !slices.Contains(allowed, p.Property):
						t.Errorf("seed %d: %v", seed, p)
					case p.Status == properties.Inconclusive:
						t.Errorf("seed %d: %v", seed, p)
					}
				}
			}
		})
	}
}

// TestSharedPsycopg2MixesTransactions: threads sharing one psycopg2
// connection never interleave protocol messages (its lock sees to that)
// but under some seed run one thread's statement in the other's
// transaction; the violation names both threads. Reporting the two
// properties apart is what tells this design from the raw shared libpq
// one.
func TestSharedPsycopg2MixesTransactions(t *testing.T) {
	found := false
	for _, seed := range seedsOf("threads-psycopg2-shared") {
		v := Judge(run(t, "threads-psycopg2-shared", seed), Options{})
		if pi := result(t, &v, ProtocolInterleaving); pi.Status != properties.Held {
			t.Fatalf("seed %d: %v", seed, pi)
		}
		tm := result(t, &v, TransactionMixing)
		if tm.Status != properties.Violated {
			continue
		}
		found = true
		x := tm.First()
		if len(x.Tasks) != 2 || x.Step <= 0 || x.Session == "" || !strings.Contains(x.Tasks[0], "thread") || !strings.Contains(x.Tasks[1], "thread") {
			t.Errorf("seed %d: violation %v: want the session, two threads and a step", seed, x)
		}
	}
	if !found {
		t.Fatalf("no seed of %v mixed the threads' transactions", seedsOf("threads-psycopg2-shared"))
	}
}

// TestRefusedConnectionsBreakTheBudget: gthread-nullpool-max-connections-4
// never has more than four sessions open, since the server refuses the
// fifth, but the refusals show the deployment needed more: the connection
// budget is violated at the first refusal's step, and the symptom text
// reaches the application.
func TestRefusedConnectionsBreakTheBudget(t *testing.T) {
	const text = "sorry, too many clients already"
	v := Judge(run(t, "gthread-nullpool-max-connections-4", 1), Options{Never: []string{text, "no such symptom"}})
	if v.Peak > v.Limit {
		t.Fatalf("peak %d over the limit %d", v.Peak, v.Limit)
	}
	cb := result(t, &v, ConnectionBudget)
	if cb.Status != properties.Violated || cb.First().Kind != properties.RefusedSession || cb.First().Step <= 0 {
		t.Fatalf("%v: want refused sessions from a step on", cb)
	}
	for i := 1; i < len(cb.Violations); i++ {
		if cb.Violations[i].Step < cb.Violations[i-1].Step {
			t.Errorf("violations out of step order: %v", cb.Violations)
		}
	}
	sy := result(t, &v, Symptoms)
	i := slices.IndexFunc(sy.Violations, func(x properties.Violation) bool { return strings.Contains(x.Detail, text) })
	if sy.Status != properties.Violated || i < 0 || sy.Violations[i].Step <= 0 {
		t.Fatalf("%v: want %q at a step", sy, text)
	}
	per := result(t, &v, SymptomProperty(text))
	if per.Status != properties.Violated || len(per.Violations) != v.Symptoms[text] {
		t.Errorf("%v: want one violation for each of the %d occurrences counted", per, v.Symptoms[text])
	}
	if none := result(t, &v, SymptomProperty("no such symptom")); none.Status != properties.Held {
		t.Errorf("%v: want held", none)
	}
}
