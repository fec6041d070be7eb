package engine

import (
	"fmt"

	"github.com/poolsim/poolsim/fakepg/sqlparse"
)

// lockMode is the strength of a row lock (PostgreSQL's LockTupleMode,
// without FOR KEY SHARE, which the engine does not support).
type lockMode uint8

// The row lock modes, weakest first.
const (
	lockNone        lockMode = iota
	lockShare                // SELECT ... FOR SHARE
	lockNoKeyUpdate          // SELECT ... FOR NO KEY UPDATE, and UPDATE (the key never changes)
	lockUpdate               // SELECT ... FOR UPDATE, DELETE, and INSERT of the key
)

// conflicts reports whether a lock in mode m held by one transaction
// keeps another from taking a lock in mode o. Without FOR KEY SHARE only
// two share locks go together.
func (m lockMode) conflicts(o lockMode) bool {
	return m != lockNone && o != lockNone && !(m == lockShare && o == lockShare)
}

// lockModeOf is the row lock a locking clause takes.
func lockModeOf(s sqlparse.LockStrength) lockMode {
	switch s {
	case sqlparse.LockForShare:
		return lockShare
	case sqlparse.LockForNoKeyUpdate:
		return lockNoKeyUpdate
	}
	return lockUpdate
}

// rowLock is one transaction's lock on a row.
type rowLock struct {
	tx   *Txn
	mode lockMode
}

// lockOf returns the lock tx holds on the row.
func (s *rowSlot) lockOf(tx *Txn) lockMode {
	for _, l := range s.locks {
		if l.tx == tx {
			return l.mode
		}
	}
	return lockNone
}

// setLock makes tx's lock on the row mode (lockNone: no lock).
func (s *rowSlot) setLock(tx *Txn, mode lockMode) {
	for i, l := range s.locks {
		if l.tx == tx {
			if mode == lockNone {
				s.locks = append(s.locks[:i], s.locks[i+1:]...)
			} else {
				s.locks[i].mode = mode
			}
			return
		}
	}
	if mode != lockNone {
		s.locks = append(s.locks, rowLock{tx, mode})
	}
}

// blocker returns the first other transaction whose lock on the row keeps
// tx from locking it in mode, or nil.
func (s *rowSlot) blocker(tx *Txn, mode lockMode) *Txn {
	for _, l := range s.locks {
		if l.tx != tx && l.mode.conflicts(mode) {
			return l.tx
		}
	}
	return nil
}

// blocks reports whether holder's lock on the row still keeps tx from
// locking it in mode.
func (s *rowSlot) blocks(holder *Txn, mode lockMode) bool {
	return s.lockOf(holder).conflicts(mode)
}

// errLockNotAvailable is NOWAIT's error.
func errLockNotAvailable(t *Table) *Error {
	return errorf(LockNotAvailable, "could not obtain lock on row in relation \"%s\"", t.Name)
}

// lockRow takes s's row lock in mode for tx. While another transaction's
// lock conflicts it waits (the holder's transaction ends, or its
// subtransaction rolls back), fails with 55P03 (NOWAIT) or gives up
// (SKIP LOCKED: it returns false). verb says what tx is doing to the
// tuple, for the deadlock report's context ("updating", "deleting",
// "locking").
func (db *DB) lockRow(tx *Txn, s *rowSlot, mode lockMode, wait sqlparse.LockWait, verb string) (bool, error) {
	for {
		h := s.blocker(tx, mode)
		if h == nil {
			break
		}
		switch wait {
		case sqlparse.LockNoWait:
			return false, errLockNotAvailable(s.table)
		case sqlparse.LockSkipLocked:
			return false, nil
		}
		ctx := ""
		if v := s.committed; v != nil {
			ctx = fmt.Sprintf("while %s tuple %s in relation \"%s\"", verb, v.ctid(), s.table.Name)
		} else {
			ctx = fmt.Sprintf("while inserting index tuple (0,%d) in relation \"%s\"", s.table.items+1, s.table.PKeyName)
		}
		if err := db.waitFor(tx, h, ctx, func() bool { return s.blocks(h, mode) }); err != nil {
			return false, err
		}
	}
	if held := s.lockOf(tx); held < mode {
		db.assignXid(tx)
		tx.remember(s)
		if held == lockNone {
			tx.sess.touched = append(tx.sess.touched, s)
		}
		s.setLock(tx, mode)
	}
	return true, nil
}

// write records tx's uncommitted change of the row: a new version
// (pending) or its deletion. tx holds the row's lock.
func (tx *Txn) write(s *rowSlot, pending *version, deleting bool) {
	tx.remember(s)
	s.writer, s.pending, s.deleting = tx, pending, deleting
}
