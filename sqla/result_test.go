package sqla_test

import (
	"testing"

	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/driver/psycopg"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/sqla"
	"github.com/poolsim/poolsim/sqla/exc"
)

// The compiled select the result-layer tests run: two labelled columns.
var kvByKey = sqla.Select("SELECT kv.k AS kv_k, kv.v AS kv_v FROM kv WHERE kv.k = :k_1", "kv_k", "kv_v")

// interlope writes a Query message for sql straight onto the connection's
// socket, as another writer sharing the socket would: the server answers
// it, and whoever reads next takes that answer for its own.
func interlope(c *sqla.Connection, sql string) {
	b, err := (&pgproto3.Query{String: sql}).Encode(nil)
	if err != nil {
		panic(err)
	}
	if _, err := c.DBAPI().(*psycopg.Conn).Socket().Write(b); err != nil {
		panic(err)
	}
}

// resultRun seeds kv, runs the compiled select once so its metadata is
// cached, lets interloper write a query onto the socket, runs the select
// again and hands its result to read.
func resultRun(t *testing.T, cext bool, interloper string, read func(r *sqla.Result)) {
	e := newEnv(t, sim.Random(60))
	eng, err := sqla.CreateEngine(sqla.Setup{World: e.w, Driver: e.drv, CExtensions: cext}, url, sqla.K("_initialize", false)...)
	if err != nil {
		t.Fatal(err)
	}
	e.w.Go("app", func() {
		c := must(eng.Connect())
		must(c.Execute(sqla.Text("insert into kv values ('a', 1), ('b', 2)")))
		tx := must(c.Begin())
		r := must(c.Execute(kvByKey, sqla.P("k_1", "a")...))
		if row := must(r.First()); row == nil || row.Len() != 2 {
			panic("the select's own reply")
		}
		interlope(c, interloper)
		read(must(c.Execute(kvByKey, sqla.P("k_1", "a")...)))
		_ = tx.Rollback()
	})
	e.run()
}

// TestResultWithoutRowDescription: the select reads a reply that has no
// RowDescription (the interloper's SET): the cursor describes nothing,
// and the result raises SQLAlchemy's ResourceClosedError text.
func TestResultWithoutRowDescription(t *testing.T) {
	var err error
	var returns bool
	resultRun(t, false, "SET search_path TO public", func(r *sqla.Result) {
		returns = r.ReturnsRows()
		_, err = r.FetchOne()
	})
	if returns || err == nil || !exc.IsA(err, exc.ResourceClosedError) ||
		err.Error() != "This result object does not return rows. It has been closed automatically." {
		t.Fatalf("returns rows %v, fetch: %v", returns, err)
	}
}

// TestResultNarrowRowIndexError: the select reads a one-column reply while
// its cached metadata says two: the pure-Python row is cut short, and
// reading the second column raises IndexError "tuple index out of range".
func TestResultNarrowRowIndexError(t *testing.T) {
	var got any
	var err error
	resultRun(t, false, "SELECT k FROM kv WHERE k = 'b'", func(r *sqla.Result) {
		row := must(r.First())
		got, _ = row.Get(0)
		_, err = row.Key("kv_v")
	})
	if got != "b" || !exc.IsA(err, exc.IndexError) || err.Error() != "tuple index out of range" {
		t.Fatalf("first column %v, second: %v", got, err)
	}
}

// TestResultNarrowRowCExtension: with SQLAlchemy's C extensions (as
// Debian installs it) the same reply fails when the row is built.
func TestResultNarrowRowCExtension(t *testing.T) {
	var err error
	resultRun(t, true, "SELECT k FROM kv WHERE k = 'b'", func(r *sqla.Result) { _, err = r.First() })
	if !exc.IsA(err, exc.RuntimeError) || err.Error() != "number of values in row (1) differ from number of column processors (2)" {
		t.Fatalf("row: %v", err)
	}
}

// TestResultWrongRowsWithoutError: the interloper's reply has the
// select's width; the caller gets the other key's row under its labels
// and no error at all.
func TestResultWrongRowsWithoutError(t *testing.T) {
	var k, v any
	var err error
	resultRun(t, false, "SELECT k, v FROM kv WHERE k = 'b'", func(r *sqla.Result) {
		var row *sqla.Row
		if row, err = r.First(); err == nil {
			k, _ = row.Key("kv_k")
			v, _ = row.Key("kv_v")
		}
	})
	if err != nil || k != "b" || v != int64(2) {
		t.Fatalf("asked for k='a', got k=%v v=%v err=%v", k, v, err)
	}
}

// TestTextResultByName: a text() result's keys are the described names;
// an unknown key is NoSuchColumnError; All soft-closes, and a later fetch
// returns nothing.
func TestTextResultByName(t *testing.T) {
	e := newEnv(t, sim.Random(61))
	eng := e.engine()
	var keys []string
	var all []*sqla.Row
	var missing error
	var after *sqla.Row
	e.w.Go("app", func() {
		c := must(eng.Connect())
		must(c.Execute(sqla.Text("insert into kv values ('a', 1), ('b', 2)")))
		r := must(c.Execute(sqla.Text("select k, v from kv order by k")))
		keys = must(r.Keys())
		all = must(r.All())
		_, missing = all[0].Key("kv_k")
		after = must(r.FetchOne())
		_ = c.Close()
	})
	e.run()
	if !equal(keys, []string{"k", "v"}) || len(all) != 2 || all[1].String() != "('b', 2)" || after != nil {
		t.Fatalf("keys %v, rows %v, after %v", keys, all, after)
	}
	if !exc.IsA(missing, exc.NoSuchColumnError) || missing.Error() != "Could not locate column in row for column 'kv_k'" {
		t.Fatalf("unknown key: %v", missing)
	}
}
