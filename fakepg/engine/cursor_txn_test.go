package engine

import (
	"testing"

	"github.com/poolsim/poolsim/sim"
)

// TestCursorSnapshotsAreReleased: a cursor holds a snapshot of its own
// from DECLARE until it ends, however it ends (CLOSE, CLOSE ALL, a
// protocol-level Close, the end of its transaction or savepoint, the
// persisting of a WITH HOLD cursor, the end of the session), so that the
// old row versions it sees are kept exactly as long as it needs them.
func TestCursorSnapshotsAreReleased(t *testing.T) {
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		w.Go("t", func() {
			s, o := db.NewSession(1, "postgres", ""), db.NewSession(2, "postgres", "")
			held := func(what string, n int) {
				t.Helper()
				if len(db.snapshots) != n {
					t.Errorf("%s: %d snapshots held, want %d", what, len(db.snapshots), n)
				}
			}
			exec(s, "INSERT INTO kv VALUES ('a', 1)")
			exec(s, "BEGIN")
			exec(s, "DECLARE a CURSOR FOR SELECT k, v FROM kv")
			exec(s, "DECLARE b CURSOR FOR SELECT k, v FROM kv")
			held("two cursors", 2)
			exec(o, "UPDATE kv SET v = 2")
			if v := kvTable(db).slot("a", false).committed; v.older == nil {
				t.Error("the version the cursors see was dropped")
			}
			exec(s, "SAVEPOINT sp")
			exec(s, "DECLARE c CURSOR FOR SELECT k FROM kv")
			held("three cursors", 3)
			exec(s, "ROLLBACK TO sp")
			held("after ROLLBACK TO", 2)
			want(t, exec(s, "CLOSE a; FETCH ALL b"), "CLOSE CURSOR; a|1; FETCH 1")
			held("after CLOSE", 1)
			exec(s, "CLOSE ALL")
			held("after CLOSE ALL", 0)
			exec(s, "DECLARE d CURSOR FOR SELECT k FROM kv")
			if !s.CloseCursor("d") {
				t.Error("the protocol-level Close found no cursor")
			}
			held("after Close", 0)
			exec(s, "DECLARE e CURSOR FOR SELECT k FROM kv")
			exec(s, "SAVEPOINT sp2")
			exec(s, "DECLARE f CURSOR FOR SELECT k FROM kv")
			exec(s, "SELECT 1/0")
			held("after an error in the savepoint", 1)
			exec(s, "ROLLBACK")
			held("after ROLLBACK", 0)

			exec(s, "BEGIN ISOLATION LEVEL REPEATABLE READ")
			exec(s, "DECLARE h CURSOR WITH HOLD FOR SELECT k, v FROM kv")
			exec(s, "DECLARE t CURSOR FOR SELECT k, v FROM kv")
			held("the transaction's and two cursors'", 3)
			exec(s, "COMMIT")
			held("after COMMIT", 0)
			want(t, exec(s, "FETCH ALL h"), "a|2; FETCH 1")
			exec(s, "BEGIN")
			exec(s, "DECLARE i CURSOR FOR SELECT k FROM kv")
			s.Close()
			held("after the session's end", 0)
		})
	})
}

// TestWaitsForFollowsOnlyCurrentWaits: the deadlock detector's graph has
// no edge for a wait whose holder has let go (its transaction ended, or
// the lock it held was released) though the waiter has not yet woken up,
// nor for a granted advisory lock request.
func TestWaitsForFollowsOnlyCurrentWaits(t *testing.T) {
	sa, sb := &Session{PID: 10}, &Session{PID: 20}
	a, b := &Txn{sess: sa, xid: 731}, &Txn{sess: sb, xid: 732}
	sa.tx, sb.tx = a, b
	blocked := true
	a.waitingFor, sa.waitBlocked = b, func() bool { return blocked }
	if len(sa.waitsFor()) != 1 {
		t.Fatal("a row lock wait is no edge")
	}
	blocked = false
	if len(sa.waitsFor()) != 0 {
		t.Error("a wait for a lock its holder no longer holds is an edge")
	}
	blocked, b.done = true, true
	if len(sa.waitsFor()) != 0 {
		t.Error("a wait for a finished transaction is an edge")
	}
	lk := &advisoryLock{key: advisoryKey{lo: 1, space: 1}}
	lk.grant(sb, exclusiveMode, sessionHold)
	w := &advisoryWaiter{lock: lk, sess: sa, mode: exclusiveMode}
	sa.tx.waitingFor, sa.advisoryWait = nil, w
	if e := sa.waitsFor(); len(e) != 1 || e[0].holder != sb {
		t.Fatalf("an advisory wait: %v", e)
	}
	w.granted = true
	if len(sa.waitsFor()) != 0 {
		t.Error("a granted advisory request is an edge")
	}
}
