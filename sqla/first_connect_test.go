package sqla_test

import (
	"testing"

	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/sqla"
	"github.com/poolsim/poolsim/sqla/exc"
)

// firstConnectWire is what a default create_engine of SQLAlchemy 1.4.46
// with psycopg2 2.9.5 sends at its first connect, recorded against
// PostgreSQL 15 (DOMAIN.md's list, with psycopg2's implicit BEGIN before
// the first initialisation query and the rollback that ends the
// initialisation, both seen there too).
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

// checkFirstConnect connects a fresh engine made with kw and compares
// the queries of its first connect with want: all of them when the
// server answers each, or, when the server refuses one (fakepg does not
// yet have every catalog query), want's prefix up to that query, with
// the connect failing on the server's error wrapped as SQLAlchemy wraps
// an error of the pool's connect (no statement, the error's code).
func checkFirstConnect(t *testing.T, want []string, kw ...sqla.Kwarg) {
	e := newEnv(t, sim.Random(30))
	eng := e.engine(append(kw, sqla.Kwarg{Name: "_initialize", Value: true})...)
	var err error
	var wire, again []string
	e.w.Go("app", func() {
		m := e.mark()
		var c *sqla.Connection
		c, err = eng.Connect()
		wire = e.since(m)
		if err != nil {
			return
		}
		_ = c.Close()
		m = e.mark()
		c = must(eng.Connect()) // the second connect initialises nothing
		_ = c.Close()
		again = e.since(m)
	})
	e.run()
	if err == nil {
		if !equal(wire, want) {
			t.Fatalf("first connect sent\n%q\nwant\n%q", wire, want)
		}
		if len(again) != 0 {
			t.Fatalf("second connect sent %q", again)
		}
		if len(e.admitted()) != 1 {
			t.Fatalf("%d sessions", len(e.admitted()))
		}
		return
	}
	// The server refused a query: the wire is want's prefix through it,
	// then the rollback of the Connection's error handling (for a query
	// run through a Connection) and the driver's close of the dropped
	// connection.
	n := len(wire)
	if n > 0 && wire[n-1] == "X" {
		n--
	}
	if n > 1 && wire[n-1] == "ROLLBACK" && (n > len(want) || want[n-1] != "ROLLBACK") {
		n--
	}
	if n == 0 || n > len(want) || !equal(wire[:n], want[:n]) {
		t.Fatalf("first connect failed with %v after sending\n%q\nwhich is no prefix of\n%q", err, wire, want)
	}
	if !exc.IsA(err, exc.DBAPIError) {
		t.Fatalf("first connect error %T %v, want a wrapped DB-API error", err, err)
	}
	t.Logf("the server refused %q: %v", wire[n-1], err)
}

// TestFirstConnectOnTheWire: a default engine's first connect.
func TestFirstConnectOnTheWire(t *testing.T) { checkFirstConnect(t, firstConnectWire) }

// TestFirstConnectWithoutHstore: use_native_hstore=False skips the
// hstore lookup and its transaction.
func TestFirstConnectWithoutHstore(t *testing.T) {
	checkFirstConnect(t, firstConnectWire[3:], sqla.Kwarg{Name: "use_native_hstore", Value: false})
}
