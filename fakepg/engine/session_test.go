package engine

import (
	"strings"
	"testing"
	"time"

	"github.com/poolsim/poolsim/fakepg/sqlparse"
	"github.com/poolsim/poolsim/sim"
)

// The refusals of session objects: forms PostgreSQL accepts that the
// engine does not implement fail with 0A000 (the differential tests cover
// everything the engine implements).
func TestSessionObjectRefusals(t *testing.T) {
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		w.Go("t", func() {
			s := db.NewSession(1, "postgres", "")
			exec(s, "INSERT INTO kv VALUES ('a', 1), ('b', 2)")
			for _, tt := range []struct{ sql, want string }{
				{"DECLARE c SCROLL CURSOR FOR SELECT k FROM kv", "ERROR 0A000 poolsim does not support SCROLL cursors"},
				{"DECLARE c CURSOR FOR SELECT k FROM kv; FETCH c; FETCH PRIOR c", "FETCH 1; ERROR 0A000 poolsim does not support backward FETCH"},
				{"DECLARE c CURSOR FOR SELECT k FROM kv; MOVE -1 c", "ERROR 0A000 poolsim does not support backward FETCH"},
				{"DECLARE c CURSOR FOR SELECT k FROM kv; FETCH c; FETCH 0 c", "ERROR 0A000 poolsim does not support backward FETCH"},
				{"DECLARE c CURSOR FOR SELECT k FROM kv; FETCH ABSOLUTE 1 c", "ERROR 0A000 poolsim does not support FETCH and MOVE by position"},
				{"DECLARE c CURSOR FOR SELECT k FROM kv; FETCH FIRST c", "ERROR 0A000 poolsim does not support FETCH and MOVE by position"},
				{"DECLARE c CURSOR WITH HOLD FOR SELECT pg_sleep(0), k FROM kv", "ERROR 0A000 poolsim does not support volatile functions in a WITH HOLD cursor"},
				{"DECLARE c CURSOR WITH HOLD FOR SELECT k FROM kv WHERE pg_try_advisory_lock(1)", "ERROR 0A000 poolsim does not support volatile functions in a WITH HOLD cursor"},
			} {
				exec(s, "BEGIN")
				got := exec(s, tt.sql)
				exec(s, "ROLLBACK")
				if !strings.Contains(got, tt.want) {
					t.Errorf("%s:\ngot  %s\nwant %s...", tt.sql, got, tt.want)
				}
			}
			// PostgreSQL's own error where it has one: a NO SCROLL cursor
			exec(s, "BEGIN")
			want(t, exec(s, "DECLARE c NO SCROLL CURSOR FOR SELECT k FROM kv; FETCH PRIOR c"),
				"DECLARE CURSOR; ERROR 55000 cursor can only scan forward")
			exec(s, "ROLLBACK")
			// a NO SCROLL WITH HOLD cursor may call them: only its remaining
			// rows are computed at the commit, as in PostgreSQL
			want(t, exec(s, "DECLARE c NO SCROLL CURSOR WITH HOLD FOR SELECT pg_try_advisory_lock(1), k FROM kv ORDER BY k"), "DECLARE CURSOR")
			want(t, exec(s, "FETCH ALL c"), "t|a; t|b; FETCH 2")
		})
	})
}

// portalsStub is a backend's portal namespace with fixed portals.
type portalsStub struct {
	names   []string
	dropped []string
}

func (p *portalsStub) HasPortal(name string) bool {
	for _, n := range p.names {
		if n == name {
			return true
		}
	}
	return false
}

func (p *portalsStub) DropPortal(name string) { p.dropped = append(p.dropped, name) }
func (p *portalsStub) DropPortals()           { p.dropped = append(p.dropped, "*") }

// TestCursorsSharePortalNames: DECLARE, FETCH and CLOSE see the
// protocol-level portals; FETCH from one is refused.
func TestCursorsSharePortalNames(t *testing.T) {
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		w.Go("t", func() {
			s := db.NewSession(1, "postgres", "")
			portals := &portalsStub{names: []string{"p"}}
			s.Portals = portals
			exec(s, "BEGIN")
			want(t, exec(s, "DECLARE p CURSOR FOR SELECT 1"), `ERROR 42P03 cursor "p" already exists`)
			exec(s, "ROLLBACK")
			exec(s, "BEGIN")
			want(t, exec(s, "FETCH p"), "ERROR 0A000 poolsim does not support FETCH or MOVE on a protocol-level portal")
			exec(s, "ROLLBACK")
			want(t, exec(s, "CLOSE p; CLOSE ALL"), "CLOSE CURSOR; CLOSE CURSOR ALL")
			if strings.Join(portals.dropped, ",") != "p,*" {
				t.Errorf("portals dropped: %v, want p and then all", portals.dropped)
			}
		})
	})
}

// TestExecuteOfOtherStatements: EXECUTE runs what PREPARE can prepare; a
// protocol-level statement of another kind is refused.
func TestExecuteOfOtherStatements(t *testing.T) {
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		w.Go("t", func() {
			s := db.NewSession(1, "postgres", "")
			stmts, _ := sqlparse.Parse("SHOW work_mem")
			plan, err := s.Prepare(stmts[0], nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.AddStatement("show", plan); err != nil {
				t.Fatal(err)
			}
			if _, err := s.AddStatement("show", plan); err == nil || err.Code != DuplicatePreparedStatement {
				t.Errorf("a second statement of one name: %v", err)
			}
			want(t, exec(s, "EXECUTE show"), "ERROR 0A000 poolsim does not support EXECUTE of a prepared statement other than SELECT, INSERT, UPDATE or DELETE")
			want(t, exec(s, "DEALLOCATE show; EXECUTE show"), `DEALLOCATE; ERROR 26000 prepared statement "show" does not exist`)
		})
	})
}

// TestHeldCursorPersistsAtCommit: the remaining rows of a NO SCROLL WITH
// HOLD cursor are computed by the commit, which takes the time their
// expressions take (here pg_sleep's) and is not subject to the statement
// timeout, which ends before the commit.
func TestHeldCursorPersistsAtCommit(t *testing.T) {
	var took time.Duration
	var fetched string
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		w.Go("t", func() {
			s := db.NewSession(1, "postgres", "")
			exec(s, "INSERT INTO kv VALUES ('a', 1), ('b', 2), ('c', 3)")
			exec(s, "SET statement_timeout = 1500")
			exec(s, "BEGIN")
			exec(s, "DECLARE h NO SCROLL CURSOR WITH HOLD FOR SELECT k, pg_sleep(1) FROM kv ORDER BY k")
			exec(s, "FETCH h")
			start := w.Elapsed()
			want(t, exec(s, "COMMIT"), "COMMIT")
			took = w.Elapsed() - start
			start = w.Elapsed()
			fetched = exec(s, "FETCH ALL h")
			if d := w.Elapsed() - start; d != 0 {
				t.Errorf("a FETCH from a held cursor took %v", d)
			}
		})
	})
	if took != 2*time.Second {
		t.Errorf("the commit took %v, want 2s (two rows left)", took)
	}
	want(t, fetched, "b|; c|; FETCH 2")
}

// TestAdvisoryWaitCancel: a cancel ends an advisory lock wait with 57014
// and leaves the lock to the next waiter.
func TestAdvisoryWaitCancel(t *testing.T) {
	var b2, c2 string
	inWorld(t, sim.Random(3), func(w *sim.World, db *DB) {
		a, b, c := db.NewSession(1, "postgres", ""), db.NewSession(2, "postgres", ""), db.NewSession(3, "postgres", "")
		w.Go("a", func() {
			exec(a, "SELECT pg_advisory_lock(1)")
			w.Go("b", func() { b2 = exec(b, "SELECT pg_advisory_lock(1)") })
			w.Sleep(100 * time.Millisecond)
			w.Go("c", func() { c2 = exec(c, "SELECT pg_advisory_lock(1)") })
			w.Sleep(100 * time.Millisecond)
			b.Cancel()
			w.Sleep(100 * time.Millisecond)
			exec(a, "SELECT pg_advisory_unlock(1)")
		})
	})
	want(t, b2, "ERROR 57014 canceling statement due to user request")
	want(t, c2, "; SELECT 1")
}

// TestAdvisoryLockKeys: a bigint key and a pair of integer keys are
// different locks, and negative keys name the lock PostgreSQL names.
func TestAdvisoryLockKeys(t *testing.T) {
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		w.Go("t", func() {
			a, b := db.NewSession(1, "postgres", ""), db.NewSession(2, "postgres", "")
			exec(a, "SELECT pg_advisory_lock(-1), pg_advisory_lock(-1, 7)")
			want(t, exec(b, "SELECT pg_try_advisory_lock(-1), pg_try_advisory_lock(-1, 7), pg_try_advisory_lock(4294967295), pg_try_advisory_lock(-1, 8)"),
				"f|f|t|t; SELECT 1")
			var names []string
			for _, lk := range a.advisoryHeld {
				names = append(names, lk.describe())
			}
			want(t, strings.Join(names, " "), "advisory lock [5,4294967295,4294967295,1] advisory lock [5,4294967295,7,2]")
			a.Close()
			want(t, exec(b, "SELECT pg_try_advisory_lock(-1)"), "t; SELECT 1")
		})
	})
}
