package engine

import "fmt"

// Relation locks: every statement locks the tables it reads or writes, in
// the mode PostgreSQL takes, until its transaction ends. Of the modes the
// engine's statements take only ACCESS EXCLUSIVE (DROP TABLE, and a table
// its creator has not committed) conflicts with the others, and with
// itself, so that a DROP waits for the transactions using the table and
// they wait for it. As in PostgreSQL's lock manager, a request also waits
// behind an earlier conflicting request still waiting, unless the
// requester already holds a lock on the table (then only granted locks
// block it): a SELECT arriving after a DROP that waits for a long
// transaction waits too.

// lockMode is a relation lock mode.
type lockMode int

// The relation lock modes, weakest first.
const (
	accessShareLock     lockMode = iota + 1 // SELECT
	rowShareLock                            // SELECT ... FOR UPDATE
	rowExclusiveLock                        // INSERT, UPDATE, DELETE
	accessExclusiveLock                     // DROP TABLE, CREATE TABLE's new table
)

// String returns the mode's name as deadlock reports print it.
func (m lockMode) String() string {
	switch m {
	case accessShareLock:
		return "AccessShareLock"
	case rowShareLock:
		return "RowShareLock"
	case rowExclusiveLock:
		return "RowExclusiveLock"
	}
	return "AccessExclusiveLock"
}

// conflicts reports whether a lock in mode m and one in mode o cannot be
// held by two transactions at once.
func (m lockMode) conflicts(o lockMode) bool {
	return m == accessExclusiveLock || o == accessExclusiveLock
}

// relLock is a relation lock granted to, or requested by, a transaction.
// A transaction has at most one entry per table: its strongest mode.
type relLock struct {
	tx   *Txn
	mode lockMode
}

// databaseOID is the OID of the database every session is connected to
// (PostgreSQL's "postgres" database), for deadlock reports.
const databaseOID = 5

// heldMode returns the mode tx holds on t, or 0.
func (t *Table) heldMode(tx *Txn) lockMode {
	for _, l := range t.locks {
		if l.tx == tx {
			return l.mode
		}
	}
	return 0
}

// blocker returns a transaction whose lock on t, granted or requested
// ahead of tx's request, keeps tx from taking mode; nil if none.
func (t *Table) blocker(tx *Txn, mode lockMode, holds bool) *Txn {
	for _, l := range t.locks {
		if l.tx != tx && l.mode.conflicts(mode) {
			return l.tx
		}
	}
	if holds {
		return nil
	}
	for _, w := range t.waiters {
		if w.tx == tx {
			return nil // only requests ahead of tx's own count
		}
		if w.mode.conflicts(mode) {
			return w.tx
		}
	}
	return nil
}

// removeWaiter drops tx's request from t's queue.
func (t *Table) removeWaiter(tx *Txn) {
	for i, w := range t.waiters {
		if w.tx == tx {
			t.waiters = append(t.waiters[:i], t.waiters[i+1:]...)
			return
		}
	}
}

// lockRelation takes a relation lock on t for tx in mode, waiting (with
// deadlock detection, lock_timeout and cancels, as for row locks) while
// another transaction's granted or earlier requested lock conflicts.
// System catalogs are never locked: nothing the engine does conflicts
// with reading them.
func (db *DB) lockRelation(tx *Txn, t *Table, mode lockMode) *Error {
	if t.system != nil || tx == nil {
		return nil
	}
	held := t.heldMode(tx)
	if held >= mode || held != 0 && mode != accessExclusiveLock {
		return nil // what tx holds already excludes what mode would
	}
	queued := false
	for {
		b := t.blocker(tx, mode, held != 0)
		if b == nil {
			break
		}
		if !queued {
			t.waiters = append(t.waiters, relLock{tx, mode})
			queued = true
		}
		tx.waitLock = fmt.Sprintf("%s on relation %d of database %d", mode, t.OID, databaseOID)
		err := db.waitFor(tx, b, "")
		tx.waitLock = ""
		if err != nil {
			t.removeWaiter(tx)
			db.cond.Broadcast() // requests queued behind this one may proceed
			return asError(err)
		}
	}
	if queued {
		t.removeWaiter(tx)
	}
	if held != 0 {
		for i := range t.locks {
			if t.locks[i].tx == tx {
				t.locks[i].mode = mode
			}
		}
		return nil
	}
	t.locks = append(t.locks, relLock{tx, mode})
	if tx.relLocks == nil {
		tx.relLocks = tx.relLockBuf[:0]
	}
	tx.relLocks = append(tx.relLocks, t)
	return nil
}

// releaseRelationLocks drops every relation lock tx holds.
func (db *DB) releaseRelationLocks(tx *Txn) {
	for _, t := range tx.relLocks {
		for i, l := range t.locks {
			if l.tx == tx {
				t.locks = append(t.locks[:i], t.locks[i+1:]...)
				break
			}
		}
	}
	tx.relLocks = nil
}
