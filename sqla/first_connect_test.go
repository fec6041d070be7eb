package sqla_test

import (
	"testing"

	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/sqla"
)

// firstConnectWire is what a default create_engine of SQLAlchemy 1.4.46
// with psycopg2 2.9.5 sends at its first connect, recorded against
// PostgreSQL 15 (DOMAIN.md's list, with psycopg2's implicit BEGIN before
// the first initialisation query and the rollback that ends the
// initialisation, both seen there too; TestFidelityToRealStack records
// it from the real stack against fakepg).
var firstConnectWire = []string{
	"BEGIN",
	sqla.HstoreQuery,
	"ROLLBACK",
	"BEGIN",
	"select pg_catalog.version()",
	"select current_schema()",
	"show transaction isolation level",
	"show standard_conforming_strings",
	"ROLLBACK",
}

// checkFirstConnect connects a fresh engine made with kw against fakepg,
// which answers every catalog query, and requires the queries of its
// first connect to be want, a second connect to send nothing, and one
// session in all. It returns the engine.
func checkFirstConnect(t *testing.T, seed uint64, want []string, kw ...sqla.Kwarg) *sqla.Engine {
	t.Helper()
	e := newEnv(t, sim.Random(seed))
	eng := e.engine(append(kw, sqla.Kwarg{Name: "_initialize", Value: true})...)
	var wire, again []string
	e.w.Go("app", func() {
		m := e.mark()
		c := must(eng.Connect())
		wire = e.since(m)
		_ = c.Close()
		m = e.mark()
		c = must(eng.Connect()) // the second connect initialises nothing
		_ = c.Close()
		again = e.since(m)
	})
	e.run()
	if !equal(wire, want) {
		t.Fatalf("first connect sent\n%q\nwant\n%q", wire, want)
	}
	if len(again) != 0 {
		t.Fatalf("second connect sent %q", again)
	}
	if len(e.admitted()) != 1 {
		t.Fatalf("%d sessions", len(e.admitted()))
	}
	return eng
}

// TestFirstConnectOnTheWire: a default engine's first connect sends the
// whole recorded sequence and fills the dialect in from fakepg's answers
// (PostgreSQL 15.0, schema public, read committed,
// standard_conforming_strings on, no hstore type).
func TestFirstConnectOnTheWire(t *testing.T) {
	d := checkFirstConnect(t, 30, firstConnectWire).Dialect()
	if v := d.ServerVersionInfo; len(v) != 2 || v[0] != 15 || v[1] != 0 || d.DefaultSchemaName != "public" ||
		d.DefaultIsolation != "READ COMMITTED" || d.BackslashEscapes || d.HasNativeHstore {
		t.Fatalf("dialect after initialize: %+v", d)
	}
}

// TestFirstConnectWithoutHstore: use_native_hstore=False skips the
// hstore lookup and its transaction.
func TestFirstConnectWithoutHstore(t *testing.T) {
	checkFirstConnect(t, 31, firstConnectWire[3:], sqla.Kwarg{Name: "use_native_hstore", Value: false})
}

// TestFirstConnectSerializedAcrossThreads: two threads connecting a fresh
// engine at once: the second waits on the first-run mutex of the connect
// event, and the initialisation runs once.
func TestFirstConnectSerializedAcrossThreads(t *testing.T) {
	for seed := range uint64(5) {
		e := newEnv(t, sim.Random(40+seed))
		eng := e.engine(sqla.Kwarg{Name: "_initialize", Value: true})
		for range 2 {
			e.w.Go("thread", func() { _ = must(eng.Connect()).Close() })
		}
		if o := e.run(); o.Kind != sim.Completed {
			t.Fatal(o)
		}
		n := 0
		for _, q := range e.sent {
			if q == sqla.VersionQuery {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("seed %d: the initialisation ran %d times: %q", seed, n, e.sent)
		}
	}
}

// TestIsolationLevelOnConnect: create_engine's isolation_level is set on
// every new connection (psycopg2's set_isolation_level): REPEATABLE READ
// makes psycopg2's BEGIN carry it (fakepg refuses SERIALIZABLE); AUTOCOMMIT sends no BEGIN or ROLLBACK
// at all. Both sequences as recorded from the real stack.
func TestIsolationLevelOnConnect(t *testing.T) {
	cases := map[string][]string{
		"REPEATABLE READ": {"BEGIN ISOLATION LEVEL REPEATABLE READ", sqla.HstoreQuery, "ROLLBACK",
			"BEGIN ISOLATION LEVEL REPEATABLE READ", sqla.VersionQuery, sqla.SchemaQuery, sqla.IsolationQuery, sqla.StandardStringsQuery, "ROLLBACK",
			"BEGIN ISOLATION LEVEL REPEATABLE READ", "select 1", "ROLLBACK"},
		"AUTOCOMMIT": {sqla.HstoreQuery, sqla.VersionQuery, sqla.SchemaQuery, sqla.IsolationQuery, sqla.StandardStringsQuery, "select 1"},
	}
	for _, level := range []string{"REPEATABLE READ", "AUTOCOMMIT"} {
		e := newEnv(t, sim.Random(45))
		eng := e.engine(sqla.K("isolation_level", level, "_initialize", true)...)
		e.w.Go("app", func() {
			c := must(eng.Connect())
			must(c.Execute(sqla.Text("select 1")))
			_ = c.Close()
		})
		if o := e.run(); o.Kind != sim.Completed {
			t.Fatal(o)
		}
		if !equal(e.sent, cases[level]) {
			t.Errorf("%s: sent\n%q\nwant\n%q", level, e.sent, cases[level])
		}
	}
}
