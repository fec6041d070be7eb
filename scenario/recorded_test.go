package scenario

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/poolsim/poolsim/app"
	"github.com/poolsim/poolsim/serve/record"
	"github.com/poolsim/poolsim/sim"
)

// session builds a recorded session of simple queries.
func session(id int, sql ...string) *record.Session {
	s := &record.Session{ID: id, Messages: []record.Message{{Session: id, Type: record.StartupMessage,
		Protocol: "3.0", Params: map[string]string{"user": "postgres"}}}}
	for _, q := range sql {
		s.Messages = append(s.Messages, record.Message{Session: id, Type: record.Query, SQL: q})
	}
	s.Messages = append(s.Messages, record.Message{Session: id, Type: record.Terminate})
	return s
}

// TestRecordedRequests: each recorded transaction becomes one request
// that commits or rolls back as it did (an unfinished one rolls back),
// each statement outside a transaction one autocommit request, in the
// order of the sessions; the transaction commands in any spelling mark
// the boundaries and are not replayed; ROLLBACK TO SAVEPOINT and
// multi-statement strings are statements; empty transactions are
// dropped.
func TestRecordedRequests(t *testing.T) {
	rec := &record.Recording{Sessions: []*record.Session{
		session(1, "BEGIN", "INSERT INTO t VALUES (1)", "SAVEPOINT s", "ROLLBACK TO SAVEPOINT s", "COMMIT",
			"SET search_path = public", "start transaction", "SELECT 1; SELECT 2", "end;",
			"BEGIN", "COMMIT"),
		{ID: 2, Messages: []record.Message{{Session: 2, Type: record.CancelRequest, PID: 4201}}},
		session(3, "BEGIN WORK", "UPDATE t SET v = 2", "ABORT", "  Begin Transaction ", "DELETE FROM t",
			"ROLLBACK AND NO CHAIN", "BEGIN", "SELECT 3"),
	}}
	got, err := RecordedRequests(rec)
	if err != nil {
		t.Fatal(err)
	}
	st := app.RecordedStatement
	txn := func(rollback bool, sql ...string) app.Request {
		var sts []app.Statement
		for _, q := range sql {
			sts = append(sts, st(q))
		}
		return app.Request{Transactions: []app.Transaction{{Statements: sts, Rollback: rollback}}}
	}
	auto := func(sql string) app.Request { s := st(sql); return app.Request{Autocommit: &s} }
	want := []app.Request{
		txn(false, "INSERT INTO t VALUES (1)", "SAVEPOINT s", "ROLLBACK TO SAVEPOINT s"),
		auto("SET search_path = public"),
		txn(false, "SELECT 1; SELECT 2"),
		txn(true, "UPDATE t SET v = 2"),
		txn(true, "DELETE FROM t"),
		txn(true, "SELECT 3"),
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%+v\nwant\n%+v", got, want)
	}
	if got[0].Transactions[0].Statements[0].Kind != app.OpStatement || app.OpStatement.String() != "statement" {
		t.Errorf("kind %v", got[0].Transactions[0].Statements[0].Kind)
	}
}

// TestRecordedRequestsRefuse: the extended protocol, COPY data, a BEGIN
// with an isolation level and a recording without statements are refused
// with the session named.
func TestRecordedRequestsRefuse(t *testing.T) {
	pgx := session(4, "SELECT 1")
	pgx.Messages = append(pgx.Messages[:2], record.Message{Session: 4, Type: record.Parse, SQL: "SELECT $1"},
		record.Message{Session: 4, Type: record.Sync})
	copyIn := session(5, "COPY kv FROM STDIN")
	copyIn.Messages = append(copyIn.Messages, record.Message{Session: 5, Type: record.CopyData, Data: []byte("a\t1\n")})
	for _, c := range []struct {
		rec *record.Recording
		err string
	}{
		{&record.Recording{Sessions: []*record.Session{session(1, "SELECT 1"), pgx}},
			"session 4: Parse message: only sessions of the simple query protocol (psycopg2, psql) replay as a workload"},
		{&record.Recording{Sessions: []*record.Session{copyIn}}, "session 5: CopyData message"},
		{&record.Recording{Sessions: []*record.Session{session(2, "BEGIN ISOLATION LEVEL SERIALIZABLE", "SELECT 1")}},
			`session 2: "BEGIN ISOLATION LEVEL SERIALIZABLE" does not replay`},
		{&record.Recording{Sessions: []*record.Session{session(3, "BEGIN", "COMMIT")}}, "no statements to replay"},
		{&record.Recording{}, "no statements to replay"},
	} {
		if _, err := RecordedRequests(c.rec); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%v, want %q", err, c.err)
		}
	}
}

// TestRecordedWorkloadFile: a scenario file's [workload] recorded names a
// recording next to it; every client replays its requests in order, and
// under the simulator the recorded statements reach the server, each
// client's in order, from the Gunicorn workers' threads, in runs that
// complete without an error and replay bit for bit.
func TestRecordedWorkloadFile(t *testing.T) {
	s, err := Load("testdata/recorded-kv.toml")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Workload.Replay) != 3 {
		t.Fatalf("%d replayed requests, want 3", len(s.Workload.Replay))
	}
	for seed := uint64(1); seed <= 3; seed++ {
		r := RunSeed(s, seed)
		if r.Err != nil || r.Outcome.Kind != sim.Completed {
			t.Fatalf("seed %d: %v %v", seed, r.Err, r.Outcome)
		}
		if len(r.Requests()) != 3*3 {
			t.Fatalf("seed %d: %d requests, want 9", seed, len(r.Requests()))
		}
		for _, rr := range r.Requests() {
			if rr.Status != app.StatusOK {
				t.Errorf("seed %d: request %d: %s %s", seed, rr.Request.ID, rr.Status, rr.Err)
			}
		}
		perRequest := map[int][]string{}
		for _, op := range r.Ops() {
			if op.Failed() {
				t.Errorf("seed %d: %s", seed, op)
			}
			if op.Kind == app.OpStatement {
				perRequest[op.Request] = append(perRequest[op.Request], op.SQL)
			}
		}
		for _, req := range r.Workload.Requests {
			var want []string
			if req.Autocommit != nil {
				want = append(want, req.Autocommit.SQL)
			}
			for _, tx := range req.Transactions {
				for _, st := range tx.Statements {
					want = append(want, st.SQL)
				}
			}
			if tmpl := s.Workload.Replay[req.Seq]; !reflect.DeepEqual(req.Transactions, tmpl.Transactions) {
				t.Fatalf("seed %d: client %d's request %d is not the recording's", seed, req.Client, req.Seq)
			}
			if got := perRequest[req.ID]; !reflect.DeepEqual(got, want) {
				t.Errorf("seed %d: request %d ran %q, want %q", seed, req.ID, got, want)
			}
		}
		n := 0
		for _, a := range r.Answers() {
			for _, q := range a.SQL {
				if strings.Contains(q, "kv.k = 'k") || strings.Contains(q, "count(*)") {
					n++
					if a.Sender == nil || !strings.Contains(a.Sender.Path(), "worker") {
						t.Errorf("seed %d: %q not sent by a worker", seed, q)
					}
				}
			}
		}
		if n != 3*4 {
			t.Errorf("seed %d: the server received %d recorded statements, want 12", seed, n)
		}
		if syms := r.SymptomList(); len(syms) > 0 || len(r.WrongResults()) > 0 {
			t.Errorf("seed %d: symptoms %v, wrong results %v", seed, syms, r.WrongResults())
		}
		if rep := r.Replay(); rep.Hash() != r.Hash() {
			t.Errorf("seed %d: the replay's hash differs", seed)
		}
	}
}

// TestRecordedWorkloadErrors: a recording that is missing, not a
// recording or not replayable is an error at the recorded key's line.
func TestRecordedWorkloadErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("pgx.jsonl", `{"format":"poolsim-record","version":1}
{"session":1,"type":"Parse","sql":"SELECT $1"}
`)
	write("junk.jsonl", "hello\n")
	for _, c := range []struct{ recorded, err string }{
		{"missing.jsonl", "no such file"},
		{"junk.jsonl", "line 1: not a recording"},
		{"pgx.jsonl", "session 1: Parse message"},
	} {
		file := write("s.toml", "summary = \"x\"\n[threads]\n[workload]\nclients = 1\nrecorded = \""+c.recorded+"\"\n")
		_, err := Load(file)
		var se *Error
		if !errors.As(err, &se) || se.Key != "workload.recorded" || se.Line != 5 || !strings.Contains(se.Msg, c.err) {
			t.Errorf("%s: %v, want line 5, key workload.recorded, %q", c.recorded, err, c.err)
		}
	}
}
