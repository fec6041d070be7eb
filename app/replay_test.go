package app

import (
	"reflect"
	"testing"
)

// TestReplayReplacesGenerated: with a Replay, every client of every
// target sends the replayed requests, in order, whatever the seed; the
// requests are numbered across the run.
func TestReplayReplacesGenerated(t *testing.T) {
	cfg := DefaultWorkload()
	st := RecordedStatement("UPDATE kv SET v = 1 WHERE k = 'k0'")
	cfg.Replay = []Request{
		{Transactions: []Transaction{{Statements: []Statement{RecordedStatement("SELECT 1"), st}}}},
		{Autocommit: &st},
	}
	a := Generate(cfg, 1, "gunicorn", "celery")
	b := Generate(cfg, 99, "gunicorn", "celery")
	if !reflect.DeepEqual(a.Requests, b.Requests) {
		t.Fatal("the seed changed a replayed workload")
	}
	if len(a.Requests) != 2*cfg.Clients*len(cfg.Replay) {
		t.Fatalf("%d requests", len(a.Requests))
	}
	for i, r := range a.Requests {
		tmpl := cfg.Replay[r.Seq]
		if r.ID != i || !reflect.DeepEqual(r.Transactions, tmpl.Transactions) || r.Autocommit != tmpl.Autocommit {
			t.Fatalf("request %d: %+v", i, r)
		}
	}
	for _, target := range []string{"gunicorn", "celery"} {
		for c := range cfg.Clients {
			if reqs := a.For(target, c); len(reqs) != 2 || reqs[0].Seq != 0 || reqs[1].Autocommit == nil {
				t.Fatalf("%s client %d: %+v", target, c, reqs)
			}
		}
	}
	if st.Kind != OpStatement || st.Kind.String() != "statement" {
		t.Fatalf("kind %v", st.Kind)
	}
}
