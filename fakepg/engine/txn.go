package engine

import (
	"fmt"
	"strings"
	"time"
)

// Txn is one transaction: the rows it locked and wrote, and the
// transaction it waits for, if any.
type Txn struct {
	sess       *Session
	writes     []*rowSlot // rows whose lock it holds, in locking order
	waitingFor *Txn

	relLocks   []*Table  // tables it holds relation locks on
	relLockBuf [1]*Table // room for relLocks, which is most often short
	// waitLock describes the relation lock tx waits for, for deadlock
	// reports; "" while it waits for a transaction (a row lock).
	waitLock string

	xid  uint32 // assigned at the first row lock, as PostgreSQL assigns at the first write
	done bool
	// ddl is set once tx created or dropped a table: its end changes the
	// catalog.
	ddl bool
}

// assignXid gives tx a transaction ID if it has none.
func (db *DB) assignXid(tx *Txn) {
	if tx.xid == 0 {
		tx.xid = db.nextXid
		db.nextXid++
	}
}

// finish commits or aborts tx: its pending versions become committed (or
// are dropped), its row locks are released and lock waiters are woken.
func (db *DB) finish(tx *Txn, commit bool) {
	for _, s := range tx.writes {
		if commit {
			switch {
			case s.deleting:
				s.committed = nil
			case s.pending != nil:
				s.committed = s.pending
			}
		}
		s.pending, s.deleting, s.holder = nil, false, nil
	}
	tx.writes = nil
	db.endCatalogWork(tx, commit)
	tx.done = true
	db.cond.Broadcast()
}

// lockRow takes s's row lock for tx, waiting while another transaction
// holds it. verb says what tx is doing to the tuple, for the deadlock
// report's context ("updating", "deleting", "locking").
func (db *DB) lockRow(tx *Txn, s *rowSlot, verb string) error {
	for s.holder != nil && s.holder != tx {
		ctx := ""
		if v := s.committed; v != nil {
			ctx = fmt.Sprintf("while %s tuple %s in relation \"%s\"", verb, v.ctid(), s.table.Name)
		} else {
			ctx = fmt.Sprintf("while inserting index tuple (0,%d) in relation \"%s\"", s.table.items+1, s.table.PKeyName)
		}
		if err := db.waitFor(tx, s.holder, ctx); err != nil {
			return err
		}
	}
	if s.holder == nil {
		db.assignXid(tx)
		s.holder = tx
		tx.writes = append(tx.writes, s)
	}
	return nil
}

// waitFor blocks tx until holder ends. After DeadlockTimeout of waiting it
// checks once for a cycle of waiting transactions, as PostgreSQL's
// CheckDeadLock does, and fails with 40P01 when tx closes one.
func (db *DB) waitFor(tx, holder *Txn, context string) error {
	tx.waitingFor = holder
	defer func() { tx.waitingFor = nil }()
	s := tx.sess
	start := db.rt.Now()
	check := start.Add(db.DeadlockTimeout) // zero once checked
	var lockDeadline time.Time
	if d := s.timeout("lock_timeout"); d > 0 {
		lockDeadline = start.Add(d)
	}
	for !holder.done {
		if err := s.interrupted(); err != nil {
			err.Where = context
			return err
		}
		now := db.rt.Now()
		if !lockDeadline.IsZero() && !now.Before(lockDeadline) {
			e := newError("55P03", "canceling statement due to lock timeout")
			e.Where = context
			return e
		}
		if !check.IsZero() && !now.Before(check) {
			check = time.Time{}
			if cycle := waitCycle(tx); cycle != nil {
				return deadlockError(cycle, context)
			}
			continue
		}
		if wait := earliest(now, check, lockDeadline, s.deadline); wait > 0 {
			db.cond.WaitTimeout(wait)
		} else {
			db.cond.Wait()
		}
	}
	return nil
}

// waitCycle returns the transactions of a wait cycle through tx, starting
// with tx, or nil when following waitingFor from tx does not come back.
func waitCycle(tx *Txn) []*Txn {
	cycle := []*Txn{tx}
	for t := tx.waitingFor; t != nil; t = t.waitingFor {
		if t == tx {
			return cycle
		}
		for _, seen := range cycle {
			if seen == t {
				return nil // a cycle that does not include tx
			}
		}
		cycle = append(cycle, t)
	}
	return nil
}

// deadlockError builds PostgreSQL's deadlock report for a cycle.
func deadlockError(cycle []*Txn, context string) *Error {
	var lines []string
	for i, t := range cycle {
		next := cycle[(i+1)%len(cycle)]
		what := fmt.Sprintf("ShareLock on transaction %d", t.waitingFor.xid)
		if t.waitLock != "" {
			what = t.waitLock
		}
		lines = append(lines, fmt.Sprintf("Process %d waits for %s; blocked by process %d.",
			t.sess.PID, what, next.sess.PID))
	}
	e := newError(DeadlockDetected, "deadlock detected")
	e.Detail = strings.Join(lines, "\n")
	e.Hint = "See server log for query details."
	e.Where = context
	e.Routine = "DeadLockReport"
	return e
}
