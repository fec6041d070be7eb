package fakepg

import (
	"testing"

	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/fakepg/pgtest"
)

// Differential scripts for session objects inside transactions: cursors
// and prepared statements under REPEATABLE READ, READ ONLY and
// savepoints, cursors with every row lock strength and wait policy, and
// deadlocks through both row locks and advisory locks.

// TestDifferentialCursorRepeatableRead: a cursor reads with its DECLARE's
// snapshot, under REPEATABLE READ the transaction's: commits after it do
// not show, a locking cursor fails with 40001 on a row changed since, and
// FETCH (unlike CLOSE) takes no snapshot of its own.
func TestDifferentialCursorRepeatableRead(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s1", nil),
		pgtest.Connect("s2", nil),
		pgtest.Query("s1", "INSERT INTO kv VALUES ('a', 1), ('b', 2), ('c', 3)"),
		pgtest.Query("s1", "BEGIN ISOLATION LEVEL REPEATABLE READ"),
		pgtest.Query("s1", "SELECT count(*) FROM kv"),
		pgtest.Query("s2", "INSERT INTO kv VALUES ('d', 4)"),
		pgtest.Query("s2", "UPDATE kv SET v = 10 WHERE k = 'a'"),
		pgtest.Query("s1", "DECLARE c CURSOR FOR SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s1", "DECLARE u CURSOR FOR SELECT k, v FROM kv"),
		pgtest.Query("s2", "UPDATE kv SET v = 20 WHERE k = 'b'"),
		pgtest.Query("s1", "FETCH 2 c"),
		pgtest.Query("s2", "DELETE FROM kv WHERE k = 'c'"),
		pgtest.Query("s1", "FETCH ALL c"),
		pgtest.Query("s1", "FETCH ALL u"),
		pgtest.Query("s1", "COMMIT"),
		// under READ COMMITTED the cursor keeps DECLARE's snapshot while
		// each statement takes a new one
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s1", "DECLARE c CURSOR FOR SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s2", "UPDATE kv SET v = 11 WHERE k = 'a'"),
		pgtest.Query("s1", "SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s1", "FETCH ALL c"),
		pgtest.Query("s1", "COMMIT"),
		// a locking cursor meets a row updated after the snapshot
		pgtest.Query("s1", "BEGIN ISOLATION LEVEL REPEATABLE READ"),
		pgtest.Query("s1", "DECLARE l CURSOR FOR SELECT k, v FROM kv ORDER BY k FOR UPDATE"),
		pgtest.Query("s2", "UPDATE kv SET v = 21 WHERE k = 'b'"),
		pgtest.Query("s1", "FETCH 1 l"),
		pgtest.Query("s1", "FETCH 1 l"),
		pgtest.Query("s1", "ROLLBACK"),
		pgtest.Query("s1", "BEGIN ISOLATION LEVEL REPEATABLE READ"),
		pgtest.Query("s1", "DECLARE l CURSOR FOR SELECT k, v FROM kv ORDER BY k FOR SHARE"),
		pgtest.Query("s2", "DELETE FROM kv WHERE k = 'd'"),
		pgtest.Query("s1", "FETCH ALL l"),
		pgtest.Query("s1", "ROLLBACK"),
		// a WITH HOLD cursor keeps the snapshot of its transaction
		pgtest.Query("s1", "BEGIN ISOLATION LEVEL REPEATABLE READ"),
		pgtest.Query("s1", "SELECT 1"),
		pgtest.Query("s2", "UPDATE kv SET v = 12 WHERE k = 'a'"),
		pgtest.Query("s1", "DECLARE h NO SCROLL CURSOR WITH HOLD FOR SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s1", "FETCH h"),
		pgtest.Query("s1", "COMMIT"),
		pgtest.Query("s2", "UPDATE kv SET v = 22 WHERE k = 'b'"),
		pgtest.Query("s1", "FETCH ALL h"),
		// FETCH and MOVE do not fix the isolation level; CLOSE does
		pgtest.Query("s1", "DECLARE g CURSOR WITH HOLD FOR SELECT k FROM kv ORDER BY k"),
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s1", "FETCH g"),
		pgtest.Query("s1", "MOVE g"),
		pgtest.Query("s1", "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"),
		pgtest.Query("s1", "SHOW transaction_isolation"),
		pgtest.Query("s1", "SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s2", "UPDATE kv SET v = 13 WHERE k = 'a'"),
		pgtest.Query("s1", "SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s1", "COMMIT"),
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s1", "CLOSE g"),
		pgtest.Query("s1", "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"),
		pgtest.Query("s1", "ROLLBACK"),
		// the extended protocol's Parse of DECLARE takes a snapshot
		pgtest.Query("s1", "BEGIN"),
		pgtest.Parse("s1", "", "DECLARE x CURSOR FOR SELECT k FROM kv").NoWait(),
		pgtest.Sync("s1"),
		pgtest.Query("s1", "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"),
		pgtest.Query("s1", "ROLLBACK"),
		pgtest.Terminate("s1"),
		pgtest.Terminate("s2"),
	})
}

// TestDifferentialCursorSavepoints: rolling back to a savepoint drops the
// cursors declared since (and releases the row locks they took), RELEASE
// hands them to the enclosing level, and a cursor whose FETCH failed can
// only be closed.
func TestDifferentialCursorSavepoints(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s1", nil),
		pgtest.Connect("s2", nil),
		pgtest.Query("s1", "INSERT INTO kv VALUES ('a', 1), ('b', 2), ('c', 3)"),
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s1", "SAVEPOINT sp"),
		pgtest.Query("s1", "DECLARE c CURSOR FOR SELECT k FROM kv ORDER BY k"),
		pgtest.Query("s1", "FETCH c"),
		pgtest.Query("s1", "ROLLBACK TO sp"),
		pgtest.Query("s1", "FETCH c"),
		pgtest.Query("s1", "ROLLBACK"),
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s1", "SAVEPOINT sp"),
		pgtest.Query("s1", "DECLARE c CURSOR FOR SELECT k FROM kv"),
		pgtest.Query("s1", "SELECT 1/0"),
		pgtest.Query("s1", "CLOSE c"),
		pgtest.Query("s1", "ROLLBACK TO sp"),
		pgtest.Query("s1", "CLOSE c"),
		pgtest.Query("s1", "ROLLBACK"),
		// RELEASE keeps them, for the enclosing savepoint to roll back
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s1", "SAVEPOINT x"),
		pgtest.Query("s1", "DECLARE f CURSOR FOR SELECT k FROM kv ORDER BY k"),
		pgtest.Query("s1", "RELEASE x"),
		pgtest.Query("s1", "SAVEPOINT y"),
		pgtest.Query("s1", "ROLLBACK TO y"),
		pgtest.Query("s1", "FETCH f"),
		pgtest.Query("s1", "SAVEPOINT a"),
		pgtest.Query("s1", "SAVEPOINT b"),
		pgtest.Query("s1", "DECLARE g CURSOR FOR SELECT k FROM kv ORDER BY k"),
		pgtest.Query("s1", "RELEASE b"),
		pgtest.Query("s1", "FETCH g"),
		pgtest.Query("s1", "ROLLBACK TO a"),
		pgtest.Query("s1", "FETCH g"),
		pgtest.Query("s1", "ROLLBACK TO a"),
		pgtest.Query("s1", "FETCH f"),
		pgtest.Query("s1", "COMMIT"),
		// a cursor declared before the savepoint keeps its position, and
		// fails for good once a FETCH in the savepoint failed
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s1", "DECLARE d CURSOR FOR SELECT k, 10 / (v - 2) FROM kv ORDER BY k"),
		pgtest.Query("s1", "SAVEPOINT s"),
		pgtest.Query("s1", "FETCH d"),
		pgtest.Query("s1", "ROLLBACK TO s"),
		pgtest.Query("s1", "FETCH d"),
		pgtest.Query("s1", "ROLLBACK TO s"),
		pgtest.Query("s1", "FETCH d"),
		pgtest.Query("s1", "ROLLBACK TO s"),
		pgtest.Query("s1", "MOVE d"),
		pgtest.Query("s1", "ROLLBACK TO s"),
		pgtest.Query("s1", "CLOSE d"),
		pgtest.Query("s1", "FETCH d"),
		pgtest.Query("s1", "COMMIT"),
		// so does a held cursor, across transactions
		pgtest.Query("s1", "DECLARE h NO SCROLL CURSOR WITH HOLD FOR SELECT k FROM kv ORDER BY k"),
		pgtest.Query("s1", "FETCH h"),
		pgtest.Query("s1", "FETCH BACKWARD 1 h"),
		pgtest.Query("s1", "FETCH h"),
		pgtest.Execute("s1", "h", 0).NoWait(),
		pgtest.Sync("s1"),
		pgtest.Query("s1", "CLOSE h"),
		// a held cursor declared in a savepoint rolled back is gone
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s1", "SAVEPOINT s"),
		pgtest.Query("s1", "DECLARE w CURSOR WITH HOLD FOR SELECT k FROM kv"),
		pgtest.Query("s1", "ROLLBACK TO s"),
		pgtest.Query("s1", "COMMIT"),
		pgtest.Query("s1", "FETCH w"),
		// the row locks of a locking cursor declared after a savepoint go
		// with it, and a waiter proceeds
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s1", "SAVEPOINT s"),
		pgtest.Query("s1", "DECLARE l CURSOR FOR SELECT k, v FROM kv ORDER BY k FOR UPDATE"),
		pgtest.Query("s1", "FETCH 2 l"),
		pgtest.Query("s2", "UPDATE kv SET v = v + 10 WHERE k = 'b' RETURNING k, v").NoWait(),
		pgtest.Idle("s2", wait),
		pgtest.Query("s1", "ROLLBACK TO s"),
		pgtest.Await("s2"),
		pgtest.Query("s1", "FETCH l"),
		pgtest.Query("s1", "ROLLBACK"),
		// the protocol's Execute of a cursor in a failed savepoint
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s1", "DECLARE p CURSOR FOR SELECT k FROM kv ORDER BY k"),
		pgtest.Query("s1", "SAVEPOINT s"),
		pgtest.Query("s1", "SELECT 1/0"),
		pgtest.Execute("s1", "p", 1).NoWait(),
		pgtest.Sync("s1"),
		pgtest.Query("s1", "ROLLBACK TO s"),
		pgtest.Execute("s1", "p", 1).NoWait(),
		pgtest.Sync("s1"),
		pgtest.Query("s1", "COMMIT"),
		pgtest.Terminate("s1"),
		pgtest.Terminate("s2"),
	})
}

// TestDifferentialCursorLockStrengths: a cursor's locking clause, of any
// strength, takes each row's lock at the FETCH that reaches it, waiting,
// failing (NOWAIT) or skipping the row (SKIP LOCKED) as it says; the
// combinations PostgreSQL refuses, and READ ONLY.
func TestDifferentialCursorLockStrengths(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s1", nil),
		pgtest.Connect("s2", nil),
		pgtest.Query("s1", "INSERT INTO kv VALUES ('a', 1), ('b', 2), ('c', 3)"),
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s1", "DECLARE sh CURSOR FOR SELECT k FROM kv ORDER BY k FOR SHARE"),
		pgtest.Query("s1", "FETCH sh"),
		pgtest.Query("s2", "SELECT k FROM kv ORDER BY k FOR SHARE NOWAIT"),
		pgtest.Query("s2", "SELECT k FROM kv ORDER BY k FOR UPDATE SKIP LOCKED"),
		pgtest.Query("s2", "SELECT k FROM kv WHERE k = 'a' FOR NO KEY UPDATE NOWAIT"),
		pgtest.Query("s2", "BEGIN"),
		pgtest.Query("s2", "UPDATE kv SET v = 20 WHERE k = 'b'"),
		pgtest.Query("s1", "DECLARE sk CURSOR FOR SELECT k, v FROM kv ORDER BY k FOR UPDATE SKIP LOCKED"),
		pgtest.Query("s1", "FETCH ALL sk"),
		pgtest.Query("s1", "DECLARE nk CURSOR FOR SELECT k, v FROM kv ORDER BY k FOR NO KEY UPDATE"),
		pgtest.Query("s1", "FETCH nk"),
		pgtest.Query("s1", "FETCH nk").NoWait(),
		pgtest.Idle("s1", wait),
		pgtest.Query("s2", "COMMIT"),
		pgtest.Await("s1"),
		pgtest.Query("s1", "ROLLBACK"),
		pgtest.Query("s2", "BEGIN"),
		pgtest.Query("s2", "SELECT k FROM kv WHERE k = 'c' FOR UPDATE"),
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s1", "DECLARE nw CURSOR FOR SELECT k FROM kv WHERE k >= 'b' ORDER BY k FOR SHARE NOWAIT"),
		pgtest.Query("s1", "FETCH nw"),
		pgtest.Query("s1", "FETCH nw"),
		pgtest.Query("s1", "ROLLBACK"),
		pgtest.Query("s2", "ROLLBACK"),
		// combinations refused at DECLARE; a locking clause without a
		// table locks nothing
		pgtest.Query("s1", "DECLARE c CURSOR WITH HOLD FOR SELECT k FROM kv FOR SHARE"),
		pgtest.Query("s1", "DECLARE c SCROLL CURSOR FOR SELECT k FROM kv FOR NO KEY UPDATE"),
		pgtest.Query("s1", "DECLARE c INSENSITIVE CURSOR FOR SELECT k FROM kv FOR SHARE SKIP LOCKED"),
		pgtest.Query("s1", "DECLARE c CURSOR WITH HOLD FOR SELECT 1 FOR UPDATE"),
		pgtest.Query("s1", "FETCH ALL c"),
		pgtest.Query("s1", "CLOSE c"),
		// READ ONLY: a locking cursor is refused when it starts, after the
		// name is checked
		pgtest.Query("s1", "BEGIN READ ONLY"),
		pgtest.Query("s1", "DECLARE c CURSOR FOR SELECT 1 FOR SHARE"),
		pgtest.Query("s1", "FETCH c"),
		pgtest.Query("s1", "DECLARE c CURSOR FOR SELECT k FROM kv FOR UPDATE"),
		pgtest.Query("s1", "ROLLBACK"),
		pgtest.Query("s1", "BEGIN READ ONLY"),
		pgtest.Query("s1", "DECLARE c CURSOR FOR SELECT k FROM kv FOR SHARE"),
		pgtest.Query("s1", "ROLLBACK"),
		pgtest.Query("s1", "SET default_transaction_read_only = on"),
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s1", "DECLARE c CURSOR FOR SELECT k FROM kv ORDER BY k"),
		pgtest.Query("s1", "FETCH 2 c"),
		pgtest.Query("s1", "DECLARE u CURSOR FOR SELECT k FROM kv FOR NO KEY UPDATE NOWAIT"),
		pgtest.Query("s1", "ROLLBACK"),
		pgtest.Terminate("s1"),
		pgtest.Terminate("s2"),
	})
}

// TestDifferentialPreparedReadOnly: EXECUTE of a prepared statement that
// writes or locks rows fails in a read-only transaction, after its
// parameters are evaluated; EXECUTE reads with the transaction's snapshot
// under REPEATABLE READ and fixes the isolation level.
func TestDifferentialPreparedReadOnly(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s1", nil),
		pgtest.Connect("s2", nil),
		pgtest.Query("s1", "INSERT INTO kv VALUES ('a', 1)"),
		pgtest.Query("s1", "PREPARE i (text, bigint) AS INSERT INTO kv VALUES ($1, $2)"),
		pgtest.Query("s1", "PREPARE u AS UPDATE kv SET v = v + 1"),
		pgtest.Query("s1", "PREPARE d AS DELETE FROM kv"),
		pgtest.Query("s1", "PREPARE f AS SELECT k FROM kv FOR UPDATE"),
		pgtest.Query("s1", "PREPARE sh AS SELECT k FROM kv FOR SHARE SKIP LOCKED"),
		pgtest.Query("s1", "PREPARE sel AS SELECT k, v FROM kv ORDER BY k"),
		pgtest.Query("s1", "BEGIN READ ONLY"),
		pgtest.Query("s1", "EXECUTE i ('x', 1)"),
		pgtest.Query("s1", "ROLLBACK"),
		pgtest.Query("s1", "BEGIN TRANSACTION READ ONLY"),
		pgtest.Query("s1", "PREPARE j AS INSERT INTO kv VALUES ('y', 2)"),
		pgtest.Query("s1", "EXECUTE j"),
		pgtest.Query("s1", "ROLLBACK"),
		pgtest.Query("s1", "SET default_transaction_read_only = on"),
		pgtest.Query("s1", "EXECUTE sel"),
		pgtest.Query("s1", "EXECUTE i ('x', 1)"),
		pgtest.Query("s1", "EXECUTE i ('x', 1 / 0)"),
		pgtest.Query("s1", "EXECUTE i ('x')"),
		pgtest.Query("s1", "EXECUTE u"),
		pgtest.Query("s1", "EXECUTE d"),
		pgtest.Query("s1", "EXECUTE f"),
		pgtest.Query("s1", "EXECUTE sh"),
		pgtest.Send("s1", &pgproto3.Parse{Query: "EXECUTE i ('z', 3)"}, &pgproto3.Bind{}, &pgproto3.Describe{ObjectType: 'P'},
			&pgproto3.Execute{}, &pgproto3.Sync{}),
		pgtest.Send("s1", &pgproto3.Parse{Query: "EXECUTE f"}, &pgproto3.Bind{}, &pgproto3.Describe{ObjectType: 'P'},
			&pgproto3.Execute{}, &pgproto3.Sync{}),
		pgtest.Query("s1", "RESET default_transaction_read_only"),
		pgtest.Query("s1", "EXECUTE i ('x', 1)"),
		pgtest.Query("s1", "DEALLOCATE j"),
		// EXECUTE under REPEATABLE READ
		pgtest.Query("s1", "BEGIN ISOLATION LEVEL REPEATABLE READ"),
		pgtest.Query("s1", "EXECUTE sel"),
		pgtest.Query("s2", "INSERT INTO kv VALUES ('b', 2)"),
		pgtest.Query("s2", "UPDATE kv SET v = 10 WHERE k = 'a'"),
		pgtest.Query("s1", "EXECUTE sel"),
		pgtest.Query("s1", "EXECUTE u"),
		pgtest.Query("s1", "ROLLBACK"),
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s1", "EXECUTE sel"),
		pgtest.Query("s1", "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"),
		pgtest.Query("s1", "ROLLBACK"),
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s1", "DEALLOCATE sel"),
		pgtest.Query("s1", "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"),
		pgtest.Query("s1", "ROLLBACK"),
		pgtest.Terminate("s1"),
		pgtest.Terminate("s2"),
	})
}

// TestDifferentialAdvisorySavepoints: a transaction-level advisory lock
// taken since a savepoint is released by ROLLBACK TO it, or kept by
// RELEASE; a session-level one survives both.
func TestDifferentialAdvisorySavepoints(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s1", nil),
		pgtest.Connect("s2", nil),
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s1", "SELECT pg_advisory_xact_lock(1)"),
		pgtest.Query("s1", "SAVEPOINT a"),
		pgtest.Query("s1", "SELECT pg_advisory_xact_lock(1), pg_advisory_xact_lock(2), pg_advisory_xact_lock_shared(3)"),
		pgtest.Query("s1", "SELECT pg_advisory_lock(4)"),
		pgtest.Query("s2", "SELECT pg_advisory_xact_lock(2)").NoWait(),
		pgtest.Idle("s2", wait),
		pgtest.Query("s1", "ROLLBACK TO a"),
		pgtest.Await("s2"),
		pgtest.Query("s2", "SELECT pg_try_advisory_lock(1), pg_try_advisory_lock(3), pg_try_advisory_lock(4)"),
		pgtest.Query("s1", "SAVEPOINT b"),
		pgtest.Query("s1", "SELECT pg_advisory_xact_lock(5)"),
		pgtest.Query("s1", "SAVEPOINT c"),
		pgtest.Query("s1", "SELECT pg_advisory_xact_lock(6)"),
		pgtest.Query("s1", "RELEASE c"),
		pgtest.Query("s1", "SAVEPOINT d"),
		pgtest.Query("s1", "SELECT pg_advisory_xact_lock(7)"),
		pgtest.Query("s1", "SELECT 1/0"),
		pgtest.Query("s1", "ROLLBACK TO d"),
		pgtest.Query("s2", "SELECT pg_try_advisory_lock(5), pg_try_advisory_lock(6), pg_try_advisory_lock(7)"),
		pgtest.Query("s1", "ROLLBACK TO b"),
		pgtest.Query("s2", "SELECT pg_try_advisory_lock(5), pg_try_advisory_lock(6)"),
		pgtest.Query("s1", "SAVEPOINT e"),
		pgtest.Query("s1", "SELECT pg_advisory_xact_lock(8)"),
		pgtest.Query("s1", "RELEASE e"),
		pgtest.Query("s1", "SAVEPOINT f"),
		pgtest.Query("s1", "ROLLBACK TO f"),
		pgtest.Query("s2", "SELECT pg_try_advisory_lock(8)"),
		pgtest.Query("s1", "COMMIT"),
		pgtest.Query("s2", "SELECT pg_try_advisory_lock(8)"),
		pgtest.Query("s1", "SELECT pg_advisory_unlock(4)"),
		pgtest.Terminate("s1"),
		pgtest.Terminate("s2"),
	})
}

// TestDifferentialAdvisoryShareLockDeadlock: cycles of one advisory lock
// wait and one row lock wait for a FOR SHARE lock, in both orders: the
// session that waited first detects the deadlock after deadlock_timeout,
// and the other proceeds once the victim rolls back.
func TestDifferentialAdvisoryShareLockDeadlock(t *testing.T) {
	differential(t, pgtest.Script{
		pgtest.Connect("s1", nil),
		pgtest.Connect("s2", nil),
		pgtest.Query("s1", "INSERT INTO kv VALUES ('a', 1)"),
		pgtest.Query("s1", "BEGIN; SELECT k FROM kv FOR SHARE"),
		pgtest.Query("s2", "BEGIN; SELECT pg_advisory_xact_lock(1)"),
		pgtest.Query("s1", "SELECT pg_advisory_xact_lock(1)").NoWait(),
		pgtest.Idle("s1", wait),
		pgtest.Query("s2", "UPDATE kv SET v = 2 WHERE k = 'a'").NoWait(),
		pgtest.Await("s1"),
		pgtest.Query("s1", "ROLLBACK"),
		pgtest.Await("s2"),
		pgtest.Query("s2", "COMMIT"),
		// the row lock wait first, through a share lock taken by a cursor
		pgtest.Query("s1", "BEGIN"),
		pgtest.Query("s1", "DECLARE c CURSOR FOR SELECT k FROM kv FOR SHARE"),
		pgtest.Query("s1", "FETCH c"),
		pgtest.Query("s2", "SELECT pg_advisory_lock(2)"),
		pgtest.Query("s2", "BEGIN; DELETE FROM kv WHERE k = 'a'").NoWait(),
		pgtest.Idle("s2", wait),
		pgtest.Query("s1", "SELECT pg_advisory_lock(2)").NoWait(),
		pgtest.Await("s2"),
		pgtest.Idle("s1", wait),
		pgtest.Query("s2", "ROLLBACK"),
		pgtest.Idle("s1", wait),
		pgtest.Query("s2", "SELECT pg_advisory_unlock(2)"),
		pgtest.Await("s1"),
		pgtest.Query("s1", "COMMIT"),
		pgtest.Query("s1", "SELECT k, v FROM kv"),
		pgtest.Terminate("s1"),
		pgtest.Terminate("s2"),
	})
}
