package sqla_test

import (
	"strings"
	"testing"
	"time"

	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/sqla"
	"github.com/poolsim/poolsim/sqla/exc"
)

// TestIntegrityErrorText: a unique violation is IntegrityError with
// psycopg2's class and text, the statement as SQLAlchemy compiled it, the
// parameters' repr and the code's link; the connection's transaction is
// left for the caller to roll back.
func TestIntegrityErrorText(t *testing.T) {
	e := newEnv(t, sim.Random(70))
	eng := e.engine()
	var err error
	var wire []string
	e.w.Go("app", func() {
		c := must(eng.Connect())
		tx := must(c.Begin())
		ins := sqla.Text("insert into kv values (:k, :v)")
		must(c.Execute(ins, sqla.P("k", "a", "v", 1)...))
		m := e.mark()
		_, err = c.Execute(ins, sqla.P("v", 1, "k", "a")...)
		_ = tx.Rollback()
		_ = c.Close()
		wire = e.since(m)
	})
	e.run()
	want := "(psycopg2.errors.UniqueViolation) duplicate key value violates unique constraint \"kv_pkey\"\n" +
		"DETAIL:  Key (k)=(a) already exists.\n\n" +
		"[SQL: insert into kv values (%(k)s, %(v)s)]\n" +
		"[parameters: {'k': 'a', 'v': 1}]\n" +
		"(Background on this error at: https://sqlalche.me/e/14/gkpj)"
	if err == nil || err.Error() != want || !exc.IsA(err, exc.IntegrityError) {
		t.Fatalf("error\n%v\nwant\n%s", err, want)
	}
	if !equal(wire, []string{"insert into kv values ('a', 1)", "ROLLBACK"}) {
		t.Fatalf("wire %q: the error rolled back inside a begun transaction, or the rollback is missing", wire)
	}
}

// TestErrorOutsideTransactionRollsBack: an error of a statement run
// without Begin rolls the implicit transaction back at once.
func TestErrorOutsideTransactionRollsBack(t *testing.T) {
	e := newEnv(t, sim.Random(71))
	eng := e.engine()
	var err error
	var wire []string
	e.w.Go("app", func() {
		c := must(eng.Connect())
		m := e.mark()
		_, err = c.Execute(sqla.Text("select nosuch from kv"))
		wire = e.since(m)
		_ = c.Close()
	})
	e.run()
	if !exc.IsA(err, exc.ProgrammingError) || !strings.HasPrefix(err.Error(), "(psycopg2.errors.UndefinedColumn) column \"nosuch\" does not exist") ||
		!strings.HasSuffix(err.Error(), "[SQL: select nosuch from kv]\n(Background on this error at: https://sqlalche.me/e/14/f405)") {
		t.Fatalf("error: %v", err)
	}
	if !equal(wire, []string{"BEGIN", "select nosuch from kv", "ROLLBACK"}) {
		t.Fatalf("wire %q", wire)
	}
}

// TestMissingBindParameter: a bind without a value is a StatementError
// carrying InvalidRequestError's text and code.
func TestMissingBindParameter(t *testing.T) {
	e := newEnv(t, sim.Random(72))
	eng := e.engine()
	var err error
	e.w.Go("app", func() {
		c := must(eng.Connect())
		_, err = c.Execute(sqla.Text("select v from kv where k = :k"))
		_ = c.Close()
	})
	e.run()
	want := "(sqlalchemy.exc.InvalidRequestError) A value is required for bind parameter 'k'\n[SQL: select v from kv where k = %(k)s]\n(Background on this error at: https://sqlalche.me/e/14/cd3x)"
	if err == nil || err.Error() != want || !exc.IsA(err, exc.StatementError) {
		t.Fatalf("error\n%v\nwant\n%s", err, want)
	}
}

// TestDisconnectInvalidates: the backend dies under a checked-out
// connection; the next statement raises OperationalError with libpq's
// text, marked connection_invalidated; the pool is invalidated, so the
// other idle connection is replaced at its next checkout; the Connection
// itself reconnects at its next statement.
func TestDisconnectInvalidates(t *testing.T) {
	e := newEnv(t, sim.Random(73))
	eng := e.engine()
	var err error
	var pidA, pidB, pidA2, pidB2 int32
	e.w.Go("app", func() {
		a, b := must(eng.Connect()), must(eng.Connect())
		pidA, pidB = a.DBAPI().BackendPID(), b.DBAPI().BackendPID()
		_ = b.Close()
		e.session(pidA).Backend.Process().Kill()
		e.w.Sleep(time.Millisecond)
		_, err = a.Execute(sqla.Text("select 1"))
		must(a.Execute(sqla.Text("select 1"))) // reconnects
		pidA2 = a.DBAPI().BackendPID()
		_ = a.Close()
		b = must(eng.Connect())
		pidB2 = b.DBAPI().BackendPID()
		_ = b.Close()
	})
	e.run()
	x, ok := exc.As(err)
	if !ok || !exc.IsA(err, exc.OperationalError) || !x.ConnectionInvalidated ||
		!strings.HasPrefix(err.Error(), "(psycopg2.OperationalError) server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.\n") {
		t.Fatalf("error after the kill: %#v", err)
	}
	if pidA2 == pidA || pidB2 == pidB || pidA2 == pidB2 {
		t.Fatalf("pids a %d→%d, b %d→%d: want both replaced", pidA, pidA2, pidB, pidB2)
	}
}
