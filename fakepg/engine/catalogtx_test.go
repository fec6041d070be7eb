package engine

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/poolsim/poolsim/sim"
)

// ROLLBACK TO undoes a DROP TABLE and releases its ACCESS EXCLUSIVE lock:
// a reader waiting for the lock under the simulator proceeds at that
// moment and finds the table; a CREATE TABLE rolled back to a savepoint
// is gone, its name free for a concurrent creator waiting for it.
func TestRollbackToUndoesDDLUnderSim(t *testing.T) {
	var order []string
	note := func(w *sim.World, who, got string) {
		order = append(order, fmt.Sprintf("%s %s at %v", who, got, w.Elapsed()))
	}
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		a, b, c := db.NewSession(1, "postgres", ""), db.NewSession(2, "postgres", ""), db.NewSession(3, "postgres", "")
		w.Go("a", func() {
			want(t, exec(a, "CREATE TABLE t (id int PRIMARY KEY)"), "CREATE TABLE")
			want(t, exec(a, "INSERT INTO t VALUES (1)"), "INSERT 0 1")
			want(t, exec(a, "BEGIN; SAVEPOINT s; DROP TABLE t"), "BEGIN; SAVEPOINT; DROP TABLE")
			w.Go("b", func() { note(w, "b", exec(b, "SELECT count(*) FROM t")) })
			w.Sleep(time.Second)
			want(t, exec(a, "ROLLBACK TO s"), "ROLLBACK")
			w.Sleep(time.Second)
			want(t, exec(a, "SAVEPOINT u; CREATE TABLE n (id serial, e text UNIQUE)"), "SAVEPOINT; CREATE TABLE")
			w.Go("c", func() { note(w, "c", exec(c, "CREATE TABLE n (x text)")) })
			w.Sleep(time.Second)
			want(t, exec(a, "INSERT INTO n (e) VALUES ('x')"), "INSERT 0 1")
			want(t, exec(a, "ROLLBACK TO u"), "ROLLBACK")
			w.Sleep(time.Second)
			want(t, exec(a, "SELECT relname FROM pg_class WHERE relname = 'n_id_seq' OR relname = 'n_e_key'"), "SELECT 0")
			want(t, exec(a, "SELECT * FROM n"), "SELECT 0")
			want(t, exec(a, "SELECT * FROM t"), "1; SELECT 1")
			want(t, exec(a, "COMMIT"), "COMMIT")
			if len(a.catalogUndo) != 0 || len(a.undo) != 0 {
				t.Errorf("after COMMIT the session keeps undo records: %v, %v", a.catalogUndo, a.undo)
			}
			for _, tb := range db.tables {
				if len(tb.locks) != 0 || len(tb.waiters) != 0 {
					t.Errorf("after every transaction ended %s has locks %v, waiters %v", tb.Name, tb.locks, tb.waiters)
				}
			}
		})
	})
	want(t, strings.Join(order, ", "), "b 1; SELECT 1 at 1s, c CREATE TABLE at 3s")
}

// An error inside a savepoint undoes the DDL done in it; RELEASE keeps
// it; a lock strengthened inside a savepoint (a SELECT's ACCESS SHARE,
// then DROP's ACCESS EXCLUSIVE) goes back to its old mode at ROLLBACK TO,
// so another transaction may read the table but not drop it.
func TestSavepointDDLAndLockModes(t *testing.T) {
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		w.Go("t", func() {
			a, b := db.NewSession(1, "postgres", ""), db.NewSession(2, "postgres", "")
			want(t, exec(a, "BEGIN; SAVEPOINT s; CREATE TABLE e (id int)"), "BEGIN; SAVEPOINT; CREATE TABLE")
			want(t, exec(a, "SELECT 1/0"), "ERROR 22012 division by zero")
			want(t, exec(a, "ROLLBACK TO s; SELECT * FROM e"), `ROLLBACK; ERROR 42P01 relation "e" does not exist`)
			want(t, exec(a, "ROLLBACK TO s; CREATE TABLE e (id int); RELEASE s; COMMIT"), "ROLLBACK; CREATE TABLE; RELEASE; COMMIT")
			want(t, exec(b, "SELECT * FROM e"), "SELECT 0")
			want(t, exec(a, "BEGIN; SELECT * FROM e; SAVEPOINT s; DROP TABLE e; ROLLBACK TO s"), "BEGIN; SELECT 0; SAVEPOINT; DROP TABLE; ROLLBACK")
			want(t, exec(b, "SELECT * FROM e"), "SELECT 0")
			want(t, exec(b, "SET lock_timeout = 100; DROP TABLE e"), "SET; ERROR 55P03 canceling statement due to lock timeout")
			want(t, exec(a, "COMMIT"), "COMMIT")
			want(t, exec(b, "DROP TABLE e"), "DROP TABLE")
		})
	})
}

// Under REPEATABLE READ names resolve in the latest catalog while pg_class
// and pg_type follow the transaction's snapshot: a table dropped after
// the snapshot stays in its pg_class, retired, until no held snapshot
// can see it.
func TestRepeatableReadCatalogSnapshot(t *testing.T) {
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		w.Go("t", func() {
			a, b := db.NewSession(1, "postgres", ""), db.NewSession(2, "postgres", "")
			exec(b, "CREATE TABLE old (id int PRIMARY KEY)")
			want(t, exec(a, "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM kv"), "BEGIN; 0; SELECT 1")
			want(t, exec(b, "CREATE TABLE new (id int); INSERT INTO new VALUES (1); DROP TABLE old"), "CREATE TABLE; INSERT 0 1; DROP TABLE")
			want(t, exec(a, "SELECT relname FROM pg_class WHERE relname = 'old' OR relname = 'new' OR relname = 'old_pkey'"), "old; old_pkey; SELECT 2")
			want(t, exec(a, "SELECT typname FROM pg_type WHERE typname = 'old' OR typname = '_new'"), "old; SELECT 1")
			want(t, exec(a, "SELECT * FROM new"), "SELECT 0")
			want(t, exec(b, "SELECT relname FROM pg_class WHERE relname = 'old' OR relname = 'new'"), "new; SELECT 1")
			if db.retired != 1 {
				t.Errorf("%d tables retired while the snapshot that sees the dropped one is held, want 1", db.retired)
			}
			// the error ends the transaction's work, and its snapshot
			want(t, exec(a, "SELECT * FROM old"), `ERROR 42P01 relation "old" does not exist`)
			if db.retired != 0 {
				t.Errorf("%d tables retired after the snapshot ended, want 0", db.retired)
			}
			want(t, exec(a, "ROLLBACK"), "ROLLBACK")
			for _, tb := range db.tables {
				if tb.Name == "old" {
					t.Error("the dropped table is still in the catalog")
				}
			}
			want(t, exec(a, "SELECT relname FROM pg_class WHERE relname = 'old' OR relname = 'new'"), "new; SELECT 1")
		})
	})
}

// Forms PostgreSQL accepts that the engine refuses with 0A000: locking
// clauses on joins and system catalogs, and type modifiers of numeric and
// timestamptz columns; DDL in a READ ONLY transaction fails as in
// PostgreSQL.
func TestCatalogRefusals(t *testing.T) {
	execAll(t, [][2]string{
		{"SELECT a.k FROM kv a JOIN kv b ON true FOR UPDATE", "ERROR 0A000 poolsim does not support FOR UPDATE with joins"},
		{"SELECT a.k FROM kv a, activity b FOR SHARE SKIP LOCKED", "ERROR 0A000 poolsim does not support FOR SHARE with joins"},
		{"SELECT relname FROM pg_class FOR NO KEY UPDATE", "ERROR 0A000 poolsim does not support FOR NO KEY UPDATE on system catalogs"},
		{"CREATE TABLE m (n numeric(10, 2))", "ERROR 0A000 poolsim does not support type modifiers of numeric"},
		{"CREATE TABLE m (at timestamptz(3))", "ERROR 0A000 poolsim does not support type modifiers of timestamp with time zone"},
		{"BEGIN READ ONLY", "BEGIN"},
		{"CREATE TABLE m (id int)", "ERROR 25006 cannot execute CREATE TABLE in a read-only transaction"},
		{"ROLLBACK", "ROLLBACK"},
		{"BEGIN READ ONLY", "BEGIN"},
		{"DROP TABLE IF EXISTS nothing", "ERROR 25006 cannot execute DROP TABLE in a read-only transaction"},
		{"ROLLBACK", "ROLLBACK"},
		{"SELECT k FROM kv FOR SHARE", "SELECT 0"},
	})
}

// A cursor over a join evaluates the ON conditions as its FETCHes reach
// the rows (an error comes with the FETCH that meets it, not with
// DECLARE), reads every table through its DECLARE's snapshot, and keeps
// its tables from being dropped by its own session: with PostgreSQL's
// error for a table without an index, refused for one with an index
// (whose name PostgreSQL's error gives when its plan scans the index).
func TestCursorOverJoin(t *testing.T) {
	inWorld(t, sim.Zeros(), func(w *sim.World, db *DB) {
		w.Go("t", func() {
			a, b := db.NewSession(1, "postgres", ""), db.NewSession(2, "postgres", "")
			exec(a, "CREATE TABLE cu (id int)")
			exec(a, "CREATE TABLE cj (id int PRIMARY KEY, cu int, d int)")
			exec(a, "INSERT INTO cu VALUES (1), (2)")
			exec(a, "INSERT INTO cj VALUES (10, 1, 1), (11, 2, 0)")
			want(t, exec(a, "BEGIN; DECLARE z CURSOR FOR SELECT cu.id, cj.id FROM cu JOIN cj ON 10 / cj.d > 0 AND cj.cu = cu.id"), "BEGIN; DECLARE CURSOR")
			exec(b, "INSERT INTO cj VALUES (12, 1, 3)")
			want(t, exec(a, "FETCH 1 z"), "1|10; FETCH 1")
			want(t, exec(a, "FETCH ALL z"), "ERROR 22012 division by zero")
			exec(a, "ROLLBACK")
			want(t, exec(a, "BEGIN; DECLARE c CURSOR FOR SELECT * FROM cu, cj"), "BEGIN; DECLARE CURSOR")
			want(t, exec(a, "DROP TABLE cu"), `ERROR 55006 cannot DROP TABLE "cu" because it is being used by active queries in this session`)
			exec(a, "ROLLBACK")
			want(t, exec(a, "BEGIN; DECLARE c CURSOR FOR SELECT * FROM cu, cj"), "BEGIN; DECLARE CURSOR")
			want(t, exec(a, "DROP TABLE cj"), "ERROR 0A000 poolsim does not support dropping a table with an index that an open cursor of the session reads")
			want(t, exec(a, "ROLLBACK; BEGIN; DECLARE c CURSOR FOR SELECT * FROM cu, cj; CLOSE c; DROP TABLE cj; ROLLBACK"),
				"ROLLBACK; BEGIN; DECLARE CURSOR; CLOSE CURSOR; DROP TABLE; ROLLBACK")
		})
	})
}
