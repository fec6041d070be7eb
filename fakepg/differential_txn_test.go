package fakepg

import (
	"testing"
	"time"

	"github.com/poolsim/poolsim/fakepg/pgtest"
)

// Differential scripts for transactions: isolation levels and their
// settings, READ ONLY, row lock strengths and wait policies, savepoints.

// wait is how long a blocked session is watched to show it stays blocked.
const wait = 200 * time.Millisecond

func TestDifferentialTxnSettings(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "SHOW transaction_isolation"),
		pgtest.Query("s", "SHOW TRANSACTION ISOLATION LEVEL"),
		pgtest.Query("s", "SHOW default_transaction_isolation"),
		pgtest.Query("s", "SHOW transaction_read_only"),
		pgtest.Query("s", "SHOW default_transaction_read_only"),
		pgtest.Query("s", "SHOW transaction_deferrable"),
		pgtest.Query("s", "SHOW default_transaction_deferrable"),
		pgtest.Query("s", "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"),
		pgtest.Query("s", "SHOW transaction_isolation"),
		pgtest.Query("s", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY DEFERRABLE"),
		pgtest.Query("s", "SHOW transaction_isolation; SHOW transaction_read_only; SHOW transaction_deferrable"),
		pgtest.Query("s", "COMMIT"),
		pgtest.Query("s", "START TRANSACTION ISOLATION LEVEL READ UNCOMMITTED, READ WRITE, NOT DEFERRABLE"),
		pgtest.Query("s", "SHOW transaction_isolation"),
		pgtest.Query("s", "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"),
		pgtest.Query("s", "SHOW transaction_isolation"),
		pgtest.Query("s", "SELECT 1"),
		pgtest.Query("s", "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"),
		pgtest.Query("s", "SET TRANSACTION ISOLATION LEVEL READ COMMITTED"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Query("s", "BEGIN; SELECT 1; SET TRANSACTION READ ONLY; SET TRANSACTION READ WRITE"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Query("s", "BEGIN; SELECT 1; SET TRANSACTION DEFERRABLE"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Query("s", "BEGIN; SELECT 1; BEGIN ISOLATION LEVEL REPEATABLE READ"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Query("s", "BEGIN; SAVEPOINT a; SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"),
		pgtest.Query("s", "ROLLBACK TO a; SET TRANSACTION ISOLATION LEVEL READ COMMITTED; SET TRANSACTION DEFERRABLE"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Query("s", "SET default_transaction_isolation TO 'REPEATABLE READ'"),
		pgtest.Query("s", "SHOW default_transaction_isolation; SHOW transaction_isolation"),
		pgtest.Query("s", "SET default_transaction_isolation = 'repeatable'"),
		pgtest.Query("s", "SET default_transaction_isolation TO DEFAULT"),
		pgtest.Query("s", "SHOW transaction_isolation"),
		pgtest.Query("s", "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"),
		pgtest.Query("s", "SHOW default_transaction_isolation; SHOW default_transaction_read_only; SHOW transaction_read_only"),
		pgtest.Query("s", "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE ISOLATION LEVEL READ COMMITTED"),
		pgtest.Query("s", "SET default_transaction_read_only TO 'on'"),
		pgtest.Query("s", "SET default_transaction_read_only TO DEFAULT"),
		pgtest.Query("s", "SET default_transaction_deferrable TO 'on'"),
		pgtest.Query("s", "SHOW transaction_deferrable"),
		pgtest.Query("s", "RESET transaction_isolation"),
		pgtest.Query("s", "SET transaction_isolation TO DEFAULT"),
		pgtest.Query("s", "SET transaction_isolation = 'repeatable read'; SHOW transaction_isolation"),
		pgtest.Query("s", "SET transaction_read_only = on; SHOW transaction_read_only"),
		pgtest.Query("s", "BEGIN; SET default_transaction_isolation = 'repeatable read'; ROLLBACK; SHOW default_transaction_isolation"),
		pgtest.Query("s", "RESET ALL"),
		pgtest.Query("s", "SHOW default_transaction_deferrable"),
		pgtest.Terminate("s"),
	})
}

// TestDifferentialTxnSerializableRefused: PostgreSQL accepts SERIALIZABLE
// everywhere; the fake refuses it with 0A000, so this script only pins the
// errors PostgreSQL itself raises first and the levels it shows.
func TestDifferentialTxnSerializableErrorsFirst(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "BEGIN; SELECT 1"),
		pgtest.Query("s", "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Query("s", "BEGIN; SAVEPOINT a"),
		pgtest.Query("s", "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Query("s", "SET default_transaction_isolation = 'serialisable'"),
		pgtest.Terminate("s"),
	})
}

func TestDifferentialTxnReadOnly(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "INSERT INTO kv VALUES ('a', 1)"),
		pgtest.Query("s", "BEGIN READ ONLY"),
		pgtest.Query("s", "SELECT k, v FROM kv"),
		pgtest.Query("s", "INSERT INTO kv VALUES ('b', 1)"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Query("s", "SET default_transaction_read_only = on"),
		pgtest.Query("s", "INSERT INTO kv VALUES ('b', 1)"),
		pgtest.Query("s", "UPDATE kv SET v = 2"),
		pgtest.Query("s", "DELETE FROM kv"),
		pgtest.Query("s", "SELECT k FROM kv FOR UPDATE"),
		pgtest.Query("s", "SELECT k FROM kv FOR NO KEY UPDATE"),
		pgtest.Query("s", "SELECT k FROM kv FOR SHARE"),
		pgtest.Query("s", "SELECT 1 FOR UPDATE"),
		pgtest.Query("s", "INSERT INTO nope VALUES (1)"),
		pgtest.Query("s", "SELECT k, v FROM kv"),
		pgtest.Query("s", "BEGIN; SET TRANSACTION READ WRITE; INSERT INTO kv VALUES ('b', 1); COMMIT"),
		pgtest.Query("s", "BEGIN READ WRITE; SAVEPOINT s; SET TRANSACTION READ ONLY; INSERT INTO kv VALUES ('c', 1)"),
		pgtest.Query("s", "ROLLBACK TO s; INSERT INTO kv VALUES ('c', 1); SAVEPOINT t; SET TRANSACTION READ ONLY"),
		pgtest.Query("s", "SET TRANSACTION READ WRITE"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Query("s", "RESET default_transaction_read_only"),
		pgtest.Query("s", "SET TRANSACTION READ ONLY; INSERT INTO kv VALUES ('z', 1)"), // no warning in an implicit block
		pgtest.Query("s", "SET TRANSACTION READ ONLY"),
		pgtest.Query("s", "INSERT INTO kv VALUES ('z', 1)"),
		pgtest.Query("s", "SELECT k, v FROM kv ORDER BY k"),
		pgtest.Terminate("s"),
	})
}

func TestDifferentialTxnSavepoints(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "SAVEPOINT a"),
		pgtest.Query("s", "RELEASE a"),
		pgtest.Query("s", "ROLLBACK TO a"),
		pgtest.Query("s", "SELECT 1; SAVEPOINT a"),
		pgtest.Query("s", "SELECT 1; RELEASE SAVEPOINT a"),
		pgtest.Query("s", "SELECT 1; ROLLBACK TO SAVEPOINT a"),
		pgtest.Query("s", "BEGIN"),
		pgtest.Query("s", "RELEASE a"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Query("s", "BEGIN; ROLLBACK TO a"),
		pgtest.Query("s", "ROLLBACK TO a"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Query("s", "BEGIN"),
		pgtest.Query("s", "INSERT INTO kv VALUES ('a', 1)"),
		pgtest.Query("s", "SAVEPOINT sa_savepoint_1"),
		pgtest.Query("s", "INSERT INTO kv VALUES ('b', 1)"),
		pgtest.Query("s", "UPDATE kv SET v = 10 WHERE k = 'a'"),
		pgtest.Query("s", "SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s", "ROLLBACK TO SAVEPOINT sa_savepoint_1"),
		pgtest.Query("s", "SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s", "INSERT INTO kv VALUES ('a', 2)"),
		pgtest.Query("s", "SELECT 1"),
		pgtest.Query("s", "RELEASE SAVEPOINT sa_savepoint_1"),
		pgtest.Query("s", "ROLLBACK TO SAVEPOINT sa_savepoint_1"),
		pgtest.Query("s", "SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s", "INSERT INTO kv VALUES ('c', 3)"),
		pgtest.Query("s", "RELEASE SAVEPOINT sa_savepoint_1"),
		pgtest.Query("s", "SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s", "SAVEPOINT o; SAVEPOINT a; SAVEPOINT b; SAVEPOINT a; RELEASE a; RELEASE a; RELEASE b"),
		pgtest.Query("s", "RELEASE a"),
		pgtest.Query("s", "ROLLBACK TO b"),
		pgtest.Query("s", "ROLLBACK TO a"),
		pgtest.Query("s", "ROLLBACK TO o"),
		pgtest.Query("s", "SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s", "SAVEPOINT x; DELETE FROM kv WHERE k = 'c'; SAVEPOINT y; UPDATE kv SET v = 5; ROLLBACK TO x; SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s", "SAVEPOINT x; UPDATE kv SET v = 7 WHERE k = 'a'; RELEASE x; SAVEPOINT x; SELECT 1/0"),
		pgtest.Query("s", "ROLLBACK TO x"),
		pgtest.Query("s", "SET application_name = 'outer'; SAVEPOINT g; SET application_name = 'inner'; SET LOCAL statement_timeout = 1000; ROLLBACK TO g"),
		pgtest.Query("s", "SHOW application_name; SHOW statement_timeout"),
		pgtest.Query("s", "SAVEPOINT x; SELECT 1/0"),
		pgtest.Query("s", "COMMIT"),
		pgtest.Query("s", "SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s", "SHOW application_name"),
		pgtest.Query("s", "BEGIN; INSERT INTO kv VALUES ('d', 4); SAVEPOINT a; UPDATE kv SET v = 40 WHERE k = 'd'; COMMIT"),
		pgtest.Query("s", "BEGIN; SAVEPOINT a; SAVEPOINT \"A\"; RELEASE \"A\"; RELEASE A; RELEASE savepoint"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Query("s", "BEGIN; SAVEPOINT a; BEGIN; COMMIT"),
		pgtest.Query("s", "SELECT k, v FROM kv ORDER BY k"),
		pgtest.Terminate("s"),
	})
}

func TestDifferentialTxnSavepointExtended(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s", nil),
		pgtest.Query("s", "BEGIN"),
		pgtest.Parse("s", "", "SAVEPOINT p").NoWait(),
		pgtest.Bind("s", "", "", nil).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Parse("s", "", "SELECT 1/0").NoWait(),
		pgtest.Bind("s", "", "", nil).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Parse("s", "", "ROLLBACK TO p").NoWait(),
		pgtest.Bind("s", "", "", nil).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Query("s", "SELECT 1"),
		pgtest.Query("s", "COMMIT"),
		pgtest.Query("s", "BEGIN"),
		pgtest.Parse("s", "q", "SELECT k FROM kv").NoWait(),
		pgtest.Sync("s"),
		pgtest.Query("s", "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Query("s", "BEGIN"),
		pgtest.Parse("s", "", "SELECT * FROM nope").NoWait(),
		pgtest.Sync("s"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Query("s", "BEGIN"),
		pgtest.Parse("s", "", "SHOW transaction_isolation").NoWait(),
		pgtest.Bind("s", "", "", nil).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Query("s", "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"),
		pgtest.Bind("s", "", "q", nil).NoWait(),
		pgtest.Sync("s"),
		pgtest.Query("s", "SET TRANSACTION ISOLATION LEVEL READ COMMITTED"),
		pgtest.Query("s", "ROLLBACK"),
		pgtest.Parse("s", "", "SET TRANSACTION READ ONLY").NoWait(),
		pgtest.Bind("s", "", "", nil).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Parse("s", "", "INSERT INTO kv VALUES ('a', 1)").NoWait(),
		pgtest.Bind("s", "", "", nil).NoWait(),
		pgtest.Execute("s", "", 0).NoWait(),
		pgtest.Sync("s"),
		pgtest.Terminate("s"),
	})
}

// TestDifferentialTxnRepeatableRead: a REPEATABLE READ snapshot is taken
// at the first statement, not at BEGIN; reads repeat; an update or delete
// of a row changed since fails with 40001, at once or after waiting for
// the concurrent writer; a writer that rolls back lets it proceed.
func TestDifferentialTxnRepeatableRead(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s1", nil),
		pgtest.Connect("s2", nil),
		pgtest.Query("s1", "INSERT INTO kv VALUES ('a', 1), ('b', 1), ('c', 1)"),
		pgtest.Query("s1", "BEGIN ISOLATION LEVEL REPEATABLE READ"),
		pgtest.Query("s2", "UPDATE kv SET v = 2 WHERE k = 'a'"),
		pgtest.Query("s1", "SELECT k, v FROM kv ORDER BY k"), // the snapshot: after s2's update
		pgtest.Query("s2", "UPDATE kv SET v = 3 WHERE k = 'a'"),
		pgtest.Query("s2", "INSERT INTO kv VALUES ('d', 1)"),
		pgtest.Query("s2", "DELETE FROM kv WHERE k = 'c'"),
		pgtest.Query("s1", "SELECT k, v FROM kv ORDER BY k"), // repeats
		pgtest.Query("s1", "SELECT count(*) FROM kv"),
		pgtest.Query("s1", "UPDATE kv SET v = 10 WHERE k = 'b' RETURNING v"), // unchanged since: fine
		pgtest.Query("s1", "SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s1", "UPDATE kv SET v = v + 1 WHERE k = 'a'"), // lost update prevented
		pgtest.Query("s1", "ROLLBACK"),
		pgtest.Query("s1", "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s2", "DELETE FROM kv WHERE k = 'd'"),
		pgtest.Query("s1", "DELETE FROM kv WHERE k = 'd'"),
		pgtest.Query("s1", "ROLLBACK"),
		pgtest.Query("s1", "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s2", "DELETE FROM kv WHERE k = 'b'"),
		pgtest.Query("s1", "UPDATE kv SET v = 0 WHERE k = 'b'"),
		pgtest.Query("s1", "ROLLBACK"),
		pgtest.Query("s1", "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s2", "UPDATE kv SET v = 4 WHERE k = 'a'"),
		pgtest.Query("s1", "SELECT k FROM kv WHERE k = 'a' FOR UPDATE"),
		pgtest.Query("s1", "ROLLBACK"),
		pgtest.Query("s1", "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s2", "DELETE FROM kv WHERE k = 'a'"),
		pgtest.Query("s1", "SELECT k FROM kv WHERE k = 'a' FOR SHARE"),
		pgtest.Query("s1", "ROLLBACK"),
		// waits for a concurrent updater, which commits: 40001
		pgtest.Query("s1", "INSERT INTO kv VALUES ('a', 1), ('b', 1)"),
		pgtest.Query("s1", "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s2", "BEGIN; UPDATE kv SET v = 5 WHERE k = 'a'"),
		pgtest.Query("s1", "UPDATE kv SET v = 6 WHERE k = 'a'").NoWait(),
		pgtest.Idle("s1", wait),
		pgtest.Query("s2", "COMMIT"),
		pgtest.Await("s1"),
		pgtest.Query("s1", "ROLLBACK"),
		// ... which rolls back: the update proceeds
		pgtest.Query("s1", "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s2", "BEGIN; UPDATE kv SET v = 7 WHERE k = 'a'"),
		pgtest.Query("s1", "UPDATE kv SET v = 8 WHERE k = 'a' RETURNING v").NoWait(),
		pgtest.Idle("s1", wait),
		pgtest.Query("s2", "ROLLBACK"),
		pgtest.Await("s1"),
		pgtest.Query("s1", "COMMIT"),
		// a row only locked by a transaction that committed since is fine
		pgtest.Query("s1", "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s2", "BEGIN; SELECT k FROM kv WHERE k = 'b' FOR UPDATE; COMMIT"),
		pgtest.Query("s1", "UPDATE kv SET v = 9 WHERE k = 'b' RETURNING v"),
		pgtest.Query("s1", "COMMIT"),
		// INSERT against a key committed after the snapshot
		pgtest.Query("s1", "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s2", "INSERT INTO kv VALUES ('e', 1)"),
		pgtest.Query("s1", "INSERT INTO kv VALUES ('e', 2)"),
		pgtest.Query("s1", "ROLLBACK"),
		pgtest.Query("s1", "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s2", "INSERT INTO kv VALUES ('f', 1)"),
		pgtest.Query("s1", "INSERT INTO kv VALUES ('f', 2) ON CONFLICT DO NOTHING"),
		pgtest.Query("s1", "ROLLBACK"),
		pgtest.Query("s1", "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s2", "INSERT INTO kv VALUES ('g', 1)"),
		pgtest.Query("s1", "INSERT INTO kv VALUES ('g', 2) ON CONFLICT (k) DO UPDATE SET v = excluded.v"),
		pgtest.Query("s1", "ROLLBACK"),
		pgtest.Query("s1", "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s1", "INSERT INTO kv VALUES ('a', 2) ON CONFLICT (k) DO UPDATE SET v = excluded.v RETURNING v"),
		pgtest.Query("s1", "COMMIT"),
		// the default level applies to single statements too
		pgtest.Query("s1", "SET default_transaction_isolation = 'repeatable read'"),
		pgtest.Query("s1", "SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s1", "SHOW transaction_isolation"),
		pgtest.Query("s1", "SELECT k, v FROM kv ORDER BY k"),
		pgtest.Terminate("s1"),
		pgtest.Terminate("s2"),
	})
}

// TestDifferentialTxnReadCommittedSnapshots: under READ COMMITTED each
// statement sees the commits before it.
func TestDifferentialTxnReadCommittedSnapshots(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s1", nil),
		pgtest.Connect("s2", nil),
		pgtest.Query("s1", "INSERT INTO kv VALUES ('a', 1)"),
		pgtest.Query("s1", "BEGIN; SELECT k, v FROM kv"),
		pgtest.Query("s2", "UPDATE kv SET v = 2 WHERE k = 'a'"),
		pgtest.Query("s1", "SELECT k, v FROM kv"),
		pgtest.Query("s2", "BEGIN; UPDATE kv SET v = 3 WHERE k = 'a'; INSERT INTO kv VALUES ('b', 1)"),
		pgtest.Query("s1", "SELECT k, v FROM kv"),
		pgtest.Query("s2", "COMMIT"),
		pgtest.Query("s1", "SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s1", "UPDATE kv SET v = v + 1 RETURNING k, v"),
		pgtest.Query("s1", "COMMIT"),
		// a row deleted and inserted again while an UPDATE waits is a new
		// row: the UPDATE skips the deleted one
		pgtest.Query("s2", "BEGIN; DELETE FROM kv WHERE k = 'a'; INSERT INTO kv VALUES ('a', 100)"),
		pgtest.Query("s1", "UPDATE kv SET v = v + 1 WHERE k = 'a' RETURNING v").NoWait(),
		pgtest.Idle("s1", wait),
		pgtest.Query("s2", "COMMIT"),
		pgtest.Await("s1"),
		pgtest.Query("s1", "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s2", "DELETE FROM kv WHERE k = 'b'; INSERT INTO kv VALUES ('b', 200)"),
		pgtest.Query("s1", "UPDATE kv SET v = 0 WHERE k = 'b'"),
		pgtest.Query("s1", "ROLLBACK"),
		pgtest.Query("s1", "SELECT k, v FROM kv ORDER BY k"),
		pgtest.Terminate("s1"),
		pgtest.Terminate("s2"),
	})
}

// TestDifferentialTxnWriteSkew: two REPEATABLE READ transactions each
// read both rows and update a different one; PostgreSQL lets both commit
// (write skew is what REPEATABLE READ allows).
func TestDifferentialTxnWriteSkew(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s1", nil),
		pgtest.Connect("s2", nil),
		pgtest.Query("s1", "INSERT INTO kv VALUES ('alice', 1), ('bob', 1)"),
		pgtest.Query("s1", "BEGIN ISOLATION LEVEL REPEATABLE READ"),
		pgtest.Query("s2", "BEGIN ISOLATION LEVEL REPEATABLE READ"),
		pgtest.Query("s1", "SELECT count(*) FROM kv WHERE v = 1"),
		pgtest.Query("s2", "SELECT count(*) FROM kv WHERE v = 1"),
		pgtest.Query("s1", "UPDATE kv SET v = 0 WHERE k = 'alice'"),
		pgtest.Query("s2", "UPDATE kv SET v = 0 WHERE k = 'bob'"),
		pgtest.Query("s1", "COMMIT"),
		pgtest.Query("s2", "COMMIT"),
		pgtest.Query("s1", "SELECT k, v FROM kv ORDER BY k"),
		pgtest.Terminate("s1"),
		pgtest.Terminate("s2"),
	})
}

// TestDifferentialTxnShareLocks: FOR SHARE locks go together and block
// FOR UPDATE and writes; a waiter proceeds when every holder is gone.
func TestDifferentialTxnShareLocks(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s1", nil),
		pgtest.Connect("s2", nil),
		pgtest.Connect("s3", nil),
		pgtest.Query("s1", "INSERT INTO kv VALUES ('a', 1), ('b', 1)"),
		pgtest.Query("s1", "BEGIN; SELECT k, v FROM kv WHERE k = 'a' FOR SHARE"),
		pgtest.Query("s2", "BEGIN; SELECT k, v FROM kv WHERE k = 'a' FOR SHARE"),
		pgtest.Query("s3", "SELECT k FROM kv WHERE k = 'a' FOR UPDATE NOWAIT"),
		pgtest.Query("s3", "SELECT k FROM kv WHERE k = 'a' FOR NO KEY UPDATE NOWAIT"),
		pgtest.Query("s3", "SELECT k FROM kv FOR UPDATE SKIP LOCKED"),
		pgtest.Query("s3", "SELECT k FROM kv FOR SHARE SKIP LOCKED"),
		pgtest.Query("s3", "SELECT k FROM kv ORDER BY k FOR SHARE NOWAIT"),
		pgtest.Query("s3", "UPDATE kv SET v = 2 WHERE k = 'a' RETURNING v").NoWait(),
		pgtest.Idle("s3", wait),
		pgtest.Query("s1", "COMMIT"),
		pgtest.Idle("s3", wait),
		pgtest.Query("s2", "COMMIT"),
		pgtest.Await("s3"),
		pgtest.Query("s1", "BEGIN; SELECT k FROM kv WHERE k = 'a' FOR UPDATE"),
		pgtest.Query("s2", "SELECT k, v FROM kv WHERE k = 'a' FOR SHARE").NoWait(),
		pgtest.Idle("s2", wait),
		pgtest.Query("s1", "UPDATE kv SET v = 3 WHERE k = 'a'; COMMIT"),
		pgtest.Await("s2"),
		pgtest.Query("s1", "BEGIN; UPDATE kv SET v = 4 WHERE k = 'b'"),
		pgtest.Query("s2", "SELECT k FROM kv WHERE k = 'b' FOR SHARE NOWAIT"),
		pgtest.Query("s2", "SELECT k, v FROM kv ORDER BY k FOR SHARE SKIP LOCKED"),
		pgtest.Query("s2", "SELECT k, v FROM kv WHERE v = 1 FOR SHARE").NoWait(),
		pgtest.Idle("s2", wait),
		pgtest.Query("s1", "COMMIT"),
		pgtest.Await("s2"),
		pgtest.Query("s1", "BEGIN; DELETE FROM kv WHERE k = 'b'"),
		pgtest.Query("s2", "SELECT k, v FROM kv WHERE k = 'b' FOR SHARE").NoWait(),
		pgtest.Query("s1", "COMMIT"),
		pgtest.Await("s2"),
		pgtest.Terminate("s1"),
		pgtest.Terminate("s2"),
		pgtest.Terminate("s3"),
	})
}

// TestDifferentialTxnSkipLockedQueue: the job-queue pattern: each worker
// takes the first job nobody holds.
func TestDifferentialTxnSkipLockedQueue(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("w1", nil),
		pgtest.Connect("w2", nil),
		pgtest.Query("w1", "INSERT INTO kv VALUES ('job1', 1), ('job2', 2), ('job3', 3)"),
		pgtest.Query("w1", "BEGIN; SELECT k FROM kv ORDER BY v LIMIT 1 FOR UPDATE SKIP LOCKED"),
		pgtest.Query("w2", "BEGIN; SELECT k FROM kv ORDER BY v LIMIT 1 FOR UPDATE SKIP LOCKED"),
		pgtest.Query("w2", "SELECT k FROM kv ORDER BY v FOR UPDATE NOWAIT"),
		pgtest.Query("w2", "ROLLBACK"),
		pgtest.Query("w1", "DELETE FROM kv WHERE k = 'job1'; COMMIT"),
		pgtest.Query("w2", "SELECT k FROM kv ORDER BY v LIMIT 1 FOR UPDATE SKIP LOCKED"),
		pgtest.Terminate("w1"),
		pgtest.Terminate("w2"),
	})
}

// TestDifferentialTxnSavepointLocks: ROLLBACK TO releases the row locks
// taken after the savepoint, and a waiter proceeds; locks taken before it
// stay.
func TestDifferentialTxnSavepointLocks(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s1", nil),
		pgtest.Connect("s2", nil),
		pgtest.Query("s1", "INSERT INTO kv VALUES ('a', 1), ('b', 1)"),
		pgtest.Query("s1", "BEGIN; SELECT k FROM kv WHERE k = 'a' FOR UPDATE; SAVEPOINT sp"),
		pgtest.Query("s1", "UPDATE kv SET v = 2 WHERE k = 'b'"),
		pgtest.Query("s2", "UPDATE kv SET v = v + 10 WHERE k = 'b' RETURNING v").NoWait(),
		pgtest.Idle("s2", wait),
		pgtest.Query("s1", "ROLLBACK TO SAVEPOINT sp"),
		pgtest.Await("s2"),
		pgtest.Query("s2", "SELECT k FROM kv WHERE k = 'a' FOR SHARE NOWAIT"),
		pgtest.Query("s1", "SAVEPOINT sp2; SELECT k FROM kv WHERE k = 'b' FOR SHARE"),
		pgtest.Query("s2", "BEGIN; SELECT k FROM kv WHERE k = 'b' FOR UPDATE").NoWait(),
		pgtest.Idle("s2", wait),
		pgtest.Query("s1", "RELEASE sp2"),
		pgtest.Idle("s2", wait),
		pgtest.Query("s1", "COMMIT"),
		pgtest.Await("s2"),
		pgtest.Query("s2", "COMMIT"),
		pgtest.Query("s1", "BEGIN; SAVEPOINT x; INSERT INTO kv VALUES ('c', 1)"),
		pgtest.Query("s2", "INSERT INTO kv VALUES ('c', 2)").NoWait(),
		pgtest.Idle("s2", wait),
		pgtest.Query("s1", "ROLLBACK TO x"),
		pgtest.Await("s2"),
		pgtest.Query("s1", "SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s1", "COMMIT"),
		pgtest.Terminate("s1"),
		pgtest.Terminate("s2"),
	})
}

// TestDifferentialTxnShareLockDeadlock: two share holders of one row
// both want to update it: the one that waited first detects the deadlock.
func TestDifferentialTxnShareLockDeadlock(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s1", nil),
		pgtest.Connect("s2", nil),
		pgtest.Query("s1", "INSERT INTO kv VALUES ('a', 1)"),
		pgtest.Query("s1", "BEGIN; SELECT k FROM kv FOR SHARE"),
		pgtest.Query("s2", "BEGIN; SELECT k FROM kv FOR SHARE"),
		pgtest.Query("s1", "UPDATE kv SET v = 2 WHERE k = 'a'").NoWait(),
		pgtest.Idle("s1", wait),
		pgtest.Query("s2", "UPDATE kv SET v = 3 WHERE k = 'a'").NoWait(),
		pgtest.Await("s1"),
		pgtest.Query("s1", "ROLLBACK"),
		pgtest.Await("s2"),
		pgtest.Query("s2", "COMMIT"),
		pgtest.Query("s1", "SELECT k, v FROM kv"),
		pgtest.Terminate("s1"),
		pgtest.Terminate("s2"),
	})
}
