package serve

import (
	"context"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/poolsim/poolsim/app"
	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/serve/record"
	"github.com/poolsim/poolsim/sim"
)

// types lists the types of a session's messages.
func types(s *record.Session) []string {
	var out []string
	for _, m := range s.Messages {
		out = append(out, m.Type)
	}
	return out
}

// TestRecordPgxSession: with Record, a pgx session's frontend messages
// are in the file in order: its startup parameters, the extended
// protocol's Parse, Describe, Sync, Bind (with its parameter values),
// Execute, a simple Query, and Terminate; a second, concurrent session
// is kept apart by its number.
func TestRecordPgxSession(t *testing.T) {
	file := filepath.Join(t.TempDir(), "pgx.jsonl")
	s, err := Start(Config{Listen: "127.0.0.1:0", MaxConnections: 10, Record: file})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	other, err := dialRaw(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, "postgres://postgres@"+s.Addr()+"/postgres?sslmode=disable&application_name=recorded")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.query("SELECT 'other'"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "UPDATE kv SET v = $1 WHERE k = $2", 41, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "SELECT 'simple'", pgx.QueryExecModeSimpleProtocol); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	other.close()
	if !waitFor(5*time.Second, func() bool { return s.Sessions() == 0 }) {
		t.Fatalf("%d sessions open after their clients left", s.Sessions())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	rec, err := record.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Sessions) != 2 {
		t.Fatalf("%d sessions recorded, want 2", len(rec.Sessions))
	}
	raw, px := rec.Sessions[0], rec.Sessions[1]
	if got, want := types(raw), []string{"StartupMessage", "Query", "Terminate"}; !slices.Equal(got, want) {
		t.Errorf("raw session: %v, want %v", got, want)
	}
	if raw.ID != 1 || raw.Messages[1].SQL != "SELECT 'other'" {
		t.Errorf("raw session %d: %+v", raw.ID, raw.Messages[1])
	}
	if p := px.Startup(); p["user"] != "postgres" || p["database"] != "postgres" || p["application_name"] != "recorded" {
		t.Errorf("pgx startup parameters %v", p)
	}
	got := strings.Join(types(px), " ")
	if want := "StartupMessage Parse Describe Sync Bind Describe Execute Sync Query Terminate"; got != want {
		t.Fatalf("pgx session:\n%s\nwant\n%s", got, want)
	}
	parse, bind, query := px.Messages[1], px.Messages[4], px.Messages[8]
	if parse.SQL != "UPDATE kv SET v = $1 WHERE k = $2" || bind.Statement != parse.Name {
		t.Errorf("Parse %+v, Bind %+v", parse, bind)
	}
	v0, null0, err0 := bind.Value(0)
	v1, _, err1 := bind.Value(1)
	if err0 != nil || err1 != nil || null0 || string(v1) != "a" {
		t.Fatalf("Bind values: %q %v %v, %q %v", v0, null0, err0, v1, err1)
	}
	if bind.ParamFormat(0) == 1 && (len(v0) != 8 || binary.BigEndian.Uint64(v0) != 41) || bind.ParamFormat(0) == 0 && string(v0) != "41" {
		t.Errorf("Bind's first value %x in format %d, want 41", v0, bind.ParamFormat(0))
	}
	if query.SQL != "SELECT 'simple'" {
		t.Errorf("simple query %+v", query)
	}
}

// replayScript is a psycopg2 application's session: a transaction that
// creates a table, inserts, selects and updates, committed.
const replayScript = `
import sys, psycopg2
conn = psycopg2.connect(host=sys.argv[1], port=int(sys.argv[2]), user="postgres", dbname="postgres", application_name="shop")
cur = conn.cursor()
cur.execute("CREATE TABLE orders (id int PRIMARY KEY, item text, qty int)")
cur.execute("INSERT INTO orders VALUES (%s, %s, %s)", (1, "apple", 3))
cur.execute("SELECT item, qty FROM orders WHERE id = %s", (1,))
print(cur.fetchall())
cur.execute("UPDATE orders SET qty = qty + %s WHERE id = %s", (2, 1))
conn.commit()
conn.close()
`

// replayStatements are the statements replayScript sends in its
// transaction, as psycopg2 interpolates them.
var replayStatements = []string{
	"CREATE TABLE orders (id int PRIMARY KEY, item text, qty int)",
	"INSERT INTO orders VALUES (1, 'apple', 3)",
	"SELECT item, qty FROM orders WHERE id = 1",
	"UPDATE orders SET qty = qty + 2 WHERE id = 1",
}

// replayScenario is a scenario file whose workload is the recording
// session.jsonl next to it.
const replayScenario = `summary = "a recorded psycopg2 session, replayed by the client of a Gunicorn sync worker"
real_world = "python shop.py, recorded with simulate serve --record session.jsonl"

[gunicorn]
worker_class = "sync"
workers = 1

[workload]
clients = 1
recorded = "session.jsonl"
`

// TestRecordedPsycopg2SessionReplays: a real psycopg2 session against the
// served fake is recorded, and a scenario whose workload is that
// recording runs under the simulator: its client's request carries the
// recorded transaction through Gunicorn, Flask-SQLAlchemy's session, the
// pool and the psycopg2 driver to the simulated server, which receives
// the recorded statements in order, between psycopg2's BEGIN and the
// COMMIT; the run completes without an error, and the SELECT gets the
// row the INSERT wrote.
func TestRecordedPsycopg2SessionReplays(t *testing.T) {
	py := requirePsycopg2(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "session.jsonl")
	s, err := Start(Config{Listen: "127.0.0.1:0", MaxConnections: 10, Record: file})
	if err != nil {
		t.Fatal(err)
	}
	host, port := hostPort(t, s.Addr())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, py, "-c", replayScript, host, port).CombinedOutput()
	if err != nil {
		t.Fatalf("psycopg2: %v\n%s", err, out)
	}
	if strings.TrimSpace(string(out)) != "[('apple', 3)]" {
		t.Fatalf("psycopg2 printed %q", out)
	}
	if !waitFor(5*time.Second, func() bool { return s.Sessions() == 0 }) {
		t.Fatalf("%d sessions open after psycopg2 left", s.Sessions())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	rec, err := record.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var sql []string
	for _, m := range rec.Sessions[0].Messages {
		if m.Type == record.Query {
			sql = append(sql, m.SQL)
		}
	}
	if want := append(append([]string{"BEGIN"}, replayStatements...), "COMMIT"); !slices.Equal(sql, want) {
		t.Fatalf("recorded queries:\n%q\nwant\n%q", sql, want)
	}

	scenarioFile := filepath.Join(dir, "replay.toml")
	if err := os.WriteFile(scenarioFile, []byte(replayScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Load(scenarioFile)
	if err != nil {
		t.Fatal(err)
	}
	checkReplay(t, scenario.RunSeed(sc, 1))
}

// checkReplay checks a run of replayScenario: it completed without an
// error, the application ran the recorded statements in order, and the
// simulated server received them from a worker, in one transaction.
func checkReplay(t *testing.T, r *scenario.Run) {
	t.Helper()
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if r.Outcome.Kind != sim.Completed {
		t.Fatalf("outcome %v\n%s", r.Outcome, r.Report())
	}
	if len(r.Requests()) != 1 || r.Requests()[0].Status != app.StatusOK {
		t.Fatalf("requests %+v\n%s", r.Requests(), r.Report())
	}
	var ran []string
	for _, op := range r.Ops() {
		if op.Failed() || !op.Returned {
			t.Errorf("op %s", op)
		}
		if op.Kind == app.OpStatement {
			ran = append(ran, op.SQL)
			if strings.HasPrefix(op.SQL, "SELECT item") && (len(op.Rows) != 1 || !slices.Equal(op.Rows[0], []string{"apple", "3"})) {
				t.Errorf("the replayed SELECT got %v", op.Rows)
			}
		}
	}
	if !slices.Equal(ran, replayStatements) {
		t.Fatalf("the application ran\n%q\nwant\n%q", ran, replayStatements)
	}
	for _, l := range r.Log.Lines {
		if l.Level >= app.Error {
			t.Errorf("the application logged %s", l)
		}
	}
	var received []string
	for _, a := range r.Answers() {
		if a.Sender == nil || !strings.Contains(a.Sender.Path(), "worker") {
			continue
		}
		for i, q := range a.SQL {
			if i < len(a.Results) && a.Results[i].Err != "" {
				t.Errorf("the server answered %q with ERROR %s", q, a.Results[i].Err)
			}
			received = append(received, q)
		}
	}
	i := slices.Index(received, replayStatements[0])
	if i < 1 || received[i-1] != "BEGIN" || len(received) < i+len(replayStatements)+1 ||
		!slices.Equal(received[i:i+len(replayStatements)], replayStatements) || received[i+len(replayStatements)] != "COMMIT" {
		t.Fatalf("the simulated server received from the worker:\n%q", received)
	}
}
