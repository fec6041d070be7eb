package psycopg_test

import (
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/driver/internal/simtest"
	"github.com/poolsim/poolsim/driver/psycopg"
	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/sim"
)

// TestStatementsAndImplicitBegin: outside autocommit psycopg2 sends BEGIN
// before a transaction's first statement and nothing for a commit or
// rollback outside a transaction; rows come back converted, with
// rowcount and description.
func TestStatementsAndImplicitBegin(t *testing.T) {
	s := newSession(t, sim.Zeros(), psycopg.Options{})
	var rows []driver.Row
	var desc []driver.Column
	var rowcounts []int
	var inTx []bool
	s.w.Go("app", func() {
		c := s.open()
		cur := s.cursor(c)
		s.must(cur, "INSERT INTO kv VALUES ('a', 1), ('b', 2)")
		rowcounts = append(rowcounts, cur.RowCount())
		inTx = append(inTx, c.InTransaction())
		s.must(cur, "SELECT k, v FROM kv ORDER BY k")
		rowcounts = append(rowcounts, cur.RowCount())
		desc = cur.Description()
		r, err := cur.FetchOne()
		if err != nil {
			t.Error(err)
		}
		rest, err := cur.FetchAll()
		if err != nil {
			t.Error(err)
		}
		rows = append([]driver.Row{r}, rest...)
		if r, err := cur.FetchOne(); r != nil || err != nil {
			t.Errorf("fetchone after the end: %v, %v", r, err)
		}
		if err := c.Commit(); err != nil {
			t.Error(err)
		}
		inTx = append(inTx, c.InTransaction())
		if err := c.Commit(); err != nil { // nothing to commit: nothing sent
			t.Error(err)
		}
		if err := c.Rollback(); err != nil {
			t.Error(err)
		}
		if err := c.SetAutocommit(true); err != nil {
			t.Error(err)
		}
		s.must(cur, "UPDATE kv SET v = v + 1 WHERE k = 'a'")
		rowcounts = append(rowcounts, cur.RowCount())
		inTx = append(inTx, c.InTransaction())
		c.Close()
	})
	simtest.Run(t, s.w)
	want := []string{"BEGIN", "INSERT INTO kv VALUES ('a', 1), ('b', 2)", "SELECT k, v FROM kv ORDER BY k",
		"COMMIT", "UPDATE kv SET v = v + 1 WHERE k = 'a'"}
	if got := s.wire.Queries(); !slices.Equal(got, want) {
		t.Errorf("queries on the wire:\n got %q\nwant %q", got, want)
	}
	if got := s.wire.Types(); got != "QQQQQX" {
		t.Errorf("message types %q, want QQQQQX (Terminate last)", got)
	}
	wantRows := []driver.Row{{"a", int64(1)}, {"b", int64(2)}}
	if !reflect.DeepEqual(rows, wantRows) {
		t.Errorf("rows %#v, want %#v", rows, wantRows)
	}
	if len(desc) != 2 || desc[0] != (driver.Column{Name: "k", TypeOID: 25}) || desc[1] != (driver.Column{Name: "v", TypeOID: 20}) {
		t.Errorf("description %+v", desc)
	}
	if !slices.Equal(rowcounts, []int{2, 2, 1}) {
		t.Errorf("rowcounts %v, want [2 2 1]", rowcounts)
	}
	if !slices.Equal(inTx, []bool{true, false, false}) {
		t.Errorf("in transaction %v, want [true false false]", inTx)
	}
	sess := s.srv.Truth().Sessions[0]
	if sess.End != fakepg.EndTerminate {
		t.Errorf("session ended by %v, want Terminate", sess.End)
	}
}

// TestTypecasts: values come back as psycopg2's casts make them.
func TestTypecasts(t *testing.T) {
	s := newSession(t, sim.Zeros(), psycopg.Options{})
	var row driver.Row
	s.w.Go("app", func() {
		c := s.open()
		cur := s.cursor(c)
		s.must(cur, "SELECT 2::int4, 3::int8, 1.5::float8, 2.50::numeric, 'x'::text, true, false, NULL")
		var err error
		if row, err = cur.FetchOne(); err != nil {
			t.Error(err)
		}
		c.Close()
	})
	simtest.Run(t, s.w)
	want := driver.Row{int64(2), int64(3), 1.5, driver.Numeric("2.50"), "x", true, false, nil}
	if !reflect.DeepEqual(row, want) {
		t.Errorf("row %#v, want %#v", row, want)
	}
}

// TestErrorsBySQLState: server errors raise psycopg2.errors' classes with
// str(exc) as psycopg2 makes it; the DB-API base class answers errors.Is.
func TestErrorsBySQLState(t *testing.T) {
	s := newSession(t, sim.Zeros(), psycopg.Options{})
	var errs []error
	s.w.Go("app", func() {
		c := s.open()
		cur := s.cursor(c)
		s.must(cur, "INSERT INTO kv VALUES ('a', 1)")
		c.Commit()
		errs = append(errs, cur.Execute("INSERT INTO kv VALUES ('a', 1)"))
		errs = append(errs, cur.Execute("SELECT 1"))
		c.Rollback()
		errs = append(errs, cur.Execute("SELEC 1"))
		c.Rollback()
		errs = append(errs, cur.Execute("SELECT 1/0"))
		c.Rollback()
		s.must(cur, "INSERT INTO kv VALUES ('b', 2)")
		_, err := cur.FetchOne()
		errs = append(errs, err)
		errs = append(errs, cur.Execute(""))
		c.Close()
	})
	simtest.Run(t, s.w)
	want := []struct{ class, base, msg, code string }{
		{"psycopg2.errors.UniqueViolation", "IntegrityError",
			"duplicate key value violates unique constraint \"kv_pkey\"\nDETAIL:  Key (k)=(a) already exists.\n", "23505"},
		{"psycopg2.errors.InFailedSqlTransaction", "InternalError",
			"current transaction is aborted, commands ignored until end of transaction block\n", "25P02"},
		{"psycopg2.errors.SyntaxError", "ProgrammingError",
			"syntax error at or near \"SELEC\"\nLINE 1: SELEC 1\n        ^\n", "42601"},
		{"psycopg2.errors.DivisionByZero", "DataError", "division by zero\n", "22012"},
		{"psycopg2.ProgrammingError", "ProgrammingError", "no results to fetch", ""},
		{"psycopg2.ProgrammingError", "ProgrammingError", "can't execute an empty query", ""},
	}
	if len(errs) != len(want) {
		t.Fatalf("%d errors", len(errs))
	}
	for i, w := range want {
		e, ok := errs[i].(*driver.Error)
		if !ok {
			t.Errorf("case %d: %v (%T)", i, errs[i], errs[i])
			continue
		}
		if e.Class != w.class || e.Base != w.base || e.Message != w.msg || e.PgCode != w.code {
			t.Errorf("case %d: got %+v, want %+v", i, *e, w)
		}
		if !errors.Is(e, &driver.Error{Base: w.base}) {
			t.Errorf("case %d: errors.Is does not match base %s", i, w.base)
		}
	}
}

// TestClosedConnection: a closed connection refuses with psycopg2's
// InterfaceError texts, and close sends Terminate once.
func TestClosedConnection(t *testing.T) {
	s := newSession(t, sim.Zeros(), psycopg.Options{})
	var errs []error
	s.w.Go("app", func() {
		c := s.open()
		cur := s.cursor(c)
		c.Close()
		c.Close()
		errs = append(errs, cur.Execute("SELECT 1"))
		_, err := c.Cursor()
		errs = append(errs, err)
		errs = append(errs, c.Commit(), c.Rollback(), c.Cancel())
		if !c.Closed() || c.ClosedCode() != 1 {
			t.Errorf("closed = %d", c.ClosedCode())
		}
	})
	simtest.Run(t, s.w)
	asError(t, "execute", errs[0], "psycopg2.InterfaceError", "cursor already closed")
	for i, e := range errs[1:] {
		asError(t, []string{"cursor", "commit", "rollback", "cancel"}[i], e, "psycopg2.InterfaceError", "connection already closed")
	}
	if got := s.wire.Types(); got != "X" {
		t.Errorf("messages %q, want one Terminate", got)
	}
}

// TestServerClosedConnection: when the backend dies the next statement
// raises OperationalError with libpq's text, the connection is marked
// broken (closed = 2) and refuses further use; close then sends nothing.
func TestServerClosedConnection(t *testing.T) {
	s := newSession(t, sim.Zeros(), psycopg.Options{})
	var errs []error
	var code int
	s.w.Go("app", func() {
		c := s.open()
		cur := s.cursor(c)
		s.must(cur, "SELECT 1")
		for _, p := range s.w.Processes() {
			if p.Path() == "db/backend#1" {
				p.Kill()
			}
		}
		errs = append(errs, cur.Execute("SELECT 2"))
		code = c.ClosedCode()
		errs = append(errs, cur.Execute("SELECT 3"), c.Rollback())
		c.Close()
	})
	simtest.Run(t, s.w)
	asError(t, "after the kill", errs[0], "psycopg2.OperationalError",
		"server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.\n")
	asError(t, "next execute", errs[1], "psycopg2.InterfaceError", "cursor already closed")
	asError(t, "rollback", errs[2], "psycopg2.InterfaceError", "connection already closed")
	if code != 2 {
		t.Errorf("closed = %d, want 2", code)
	}
	if got := s.wire.Queries(); !slices.Equal(got, []string{"BEGIN", "SELECT 1", "SELECT 2"}) {
		t.Errorf("queries %q", got)
	}
	if got := s.wire.Types(); got != "QQQ" {
		t.Errorf("messages %q: close after the loss must not send Terminate", got)
	}
}

// TestCancel: connection.cancel() from another thread sends a
// CancelRequest on a new socket and the running statement raises
// QueryCanceled.
func TestCancel(t *testing.T) {
	s := newSession(t, sim.Random(1), psycopg.Options{})
	var execErr, cancelErr error
	s.w.Go("app", func() {
		c := s.open()
		c.SetAutocommit(true)
		cur := s.cursor(c)
		s.w.Go("canceller", func() {
			s.w.Sleep(100_000_000) // 100ms of virtual time
			cancelErr = c.Cancel()
		})
		execErr = cur.Execute("SELECT pg_sleep(10)")
		c.Close()
	})
	o := simtest.Run(t, s.w)
	if cancelErr != nil {
		t.Errorf("cancel: %v", cancelErr)
	}
	asError(t, "execute", execErr, "psycopg2.errors.QueryCanceled", "canceling statement due to user request\n")
	if e, ok := execErr.(*driver.Error); ok && e.Base != "OperationalError" {
		t.Errorf("QueryCanceled derives from %s", e.Base)
	}
	if o.Time > 1_000_000_000 {
		t.Errorf("the sleep was not canceled: the run took %v", o.Time)
	}
	truth := s.srv.Truth()
	if len(truth.Sessions) != 2 || truth.Sessions[1].Startup[0].Code != 80877102 {
		t.Errorf("no CancelRequest session in %d sessions", len(truth.Sessions))
	}
}
