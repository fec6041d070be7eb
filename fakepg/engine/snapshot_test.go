package engine

import (
	"testing"

	"github.com/poolsim/poolsim/sim"
)

// kvTable returns the built-in table kv.
func kvTable(db *DB) *Table {
	kv, _ := db.findRelation(nil, publicNamespace, "kv")
	return kv.table
}

// chainLength counts the committed versions kept for key in kv.
func chainLength(db *DB, key string) int {
	n := 0
	for v := kvTable(db).slot(key, false).committed; v != nil; v = v.older {
		n++
	}
	return n
}

// TestVersionsKeptWhileASnapshotNeedsThem: a REPEATABLE READ snapshot
// keeps the versions it sees while other sessions update the row; once
// it ends, the next commit drops every version no snapshot can see.
func TestVersionsKeptWhileASnapshotNeedsThem(t *testing.T) {
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		w.Go("client", func() {
			a, b := db.NewSession(1, "postgres", ""), db.NewSession(2, "postgres", "")
			exec(a, "INSERT INTO kv VALUES ('a', 0)")
			for range 3 {
				exec(a, "UPDATE kv SET v = v + 1")
			}
			if n := chainLength(db, "a"); n != 1 {
				t.Errorf("without snapshots %d versions are kept, want 1", n)
			}
			exec(b, "BEGIN ISOLATION LEVEL REPEATABLE READ")
			want(t, exec(b, "SELECT v FROM kv"), "3; SELECT 1")
			for range 3 {
				exec(a, "UPDATE kv SET v = v + 1")
			}
			want(t, exec(b, "SELECT v FROM kv"), "3; SELECT 1")
			if n := chainLength(db, "a"); n != 2 {
				t.Errorf("with the snapshot %d versions are kept, want the latest and the one it sees", n)
			}
			exec(b, "COMMIT")
			exec(a, "UPDATE kv SET v = v + 1")
			if n := chainLength(db, "a"); n != 1 || len(db.snapshots) != 0 {
				t.Errorf("after the snapshot ended %d versions and %d snapshots are kept, want 1 and 0", n, len(db.snapshots))
			}
			want(t, exec(b, "SELECT v FROM kv"), "7; SELECT 1")
		})
	})
}

// TestDeletedRowVisibleToOlderSnapshot: a row deleted after a snapshot
// stays visible to it, and inserting the key again does not show the new
// row to it.
func TestDeletedRowVisibleToOlderSnapshot(t *testing.T) {
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		w.Go("client", func() {
			a, b := db.NewSession(1, "postgres", ""), db.NewSession(2, "postgres", "")
			exec(a, "INSERT INTO kv VALUES ('a', 1)")
			exec(b, "BEGIN ISOLATION LEVEL REPEATABLE READ")
			want(t, exec(b, "SELECT k, v FROM kv"), "a|1; SELECT 1")
			exec(a, "DELETE FROM kv")
			exec(a, "INSERT INTO kv VALUES ('a', 2), ('b', 2)")
			want(t, exec(b, "SELECT k, v FROM kv"), "a|1; SELECT 1")
			want(t, exec(a, "SELECT k, v FROM kv ORDER BY k"), "a|2; b|2; SELECT 2")
			want(t, exec(b, "UPDATE kv SET v = 5"), "ERROR 40001 could not serialize access due to concurrent delete")
			exec(b, "ROLLBACK")
			want(t, exec(b, "SELECT k, v FROM kv ORDER BY k"), "a|2; b|2; SELECT 2")
		})
	})
}

// TestSavepointUndoRestoresOwnChanges: ROLLBACK TO restores the
// transaction's own earlier change of a row, not the committed one, and
// RELEASE keeps the inner changes.
func TestSavepointUndoRestoresOwnChanges(t *testing.T) {
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		w.Go("client", func() {
			a := db.NewSession(1, "postgres", "")
			exec(a, "INSERT INTO kv VALUES ('a', 1)")
			exec(a, "BEGIN")
			exec(a, "UPDATE kv SET v = 2")
			exec(a, "SAVEPOINT s")
			exec(a, "UPDATE kv SET v = 3")
			exec(a, "DELETE FROM kv")
			want(t, exec(a, "SELECT v FROM kv"), "SELECT 0")
			want(t, exec(a, "ROLLBACK TO s"), "ROLLBACK")
			want(t, exec(a, "SELECT v FROM kv"), "2; SELECT 1")
			exec(a, "SAVEPOINT t")
			exec(a, "UPDATE kv SET v = 4")
			exec(a, "RELEASE s")
			want(t, exec(a, "ROLLBACK TO t"), "ERROR 3B001 savepoint \"t\" does not exist")
			exec(a, "ROLLBACK")
			want(t, exec(a, "SELECT v FROM kv"), "1; SELECT 1")
			exec(a, "BEGIN; UPDATE kv SET v = 2; SAVEPOINT s; UPDATE kv SET v = 3; RELEASE s; COMMIT")
			want(t, exec(a, "SELECT v FROM kv"), "3; SELECT 1")
			if s := kvTable(db).slot("a", false); s.writer != nil || len(s.locks) != 0 {
				t.Errorf("after COMMIT the row still has writer %v and locks %v", s.writer, s.locks)
			}
		})
	})
}
