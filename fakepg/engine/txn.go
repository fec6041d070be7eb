package engine

import "time"

// Txn is one transaction: its modes and snapshot, and the transaction it
// waits for, if any. The rows it locked and the undo records of its
// savepoints are its session's (Session.touched, Session.undo), kept from
// one transaction to the next to spare allocations.
type Txn struct {
	sess *Session
	xid  uint32 // assigned at the first row lock, as PostgreSQL assigns at the first write
	done bool
	// snapshotSet says a statement has read with a snapshot (PostgreSQL's
	// FirstSnapshotSet): the isolation level is fixed from then on.
	snapshotSet bool
	// repeatableRead says the transaction runs under REPEATABLE READ and
	// reads with snapshot, taken by its first statement.
	repeatableRead bool
	snapshot       *Snapshot
	// waitingFor is the transaction whose lock tx waits for, while its
	// session's waitBlocked reports that it still keeps tx waiting (see
	// waitFor).
	waitingFor *Txn

	relLocks   []*Table  // tables it holds relation locks on
	relLockBuf [1]*Table // room for relLocks, which is most often short
	// waitLock describes the relation lock tx waits for, for deadlock
	// reports; "" while it waits for a transaction (a row lock).
	waitLock string
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

// finish commits or aborts tx: its uncommitted changes, of rows and of the
// catalog, become committed, numbered by the next commit sequence number
// (or are dropped), its row and relation locks and its snapshot are
// released and lock waiters are woken.
func (db *DB) finish(tx *Txn, commit bool) {
	if tx.snapshot != nil && tx.snapshot.holds > 0 {
		db.releaseSnapshot(tx.snapshot)
	}
	sess := tx.sess
	var seq uint64
	for _, s := range sess.touched {
		if s.writer == tx {
			if commit {
				if seq == 0 {
					db.commitSeq++
					seq = db.commitSeq
				}
				db.commitChange(s, seq)
			}
			s.writer, s.pending, s.deleting = nil, nil, false
		}
		s.setLock(tx, lockNone)
	}
	db.endCatalogWork(tx, commit, &seq)
	clear(sess.touched)
	clear(sess.undo)
	clear(sess.catalogUndo)
	sess.touched, sess.undo, sess.catalogUndo = sess.touched[:0], sess.undo[:0], sess.catalogUndo[:0]
	tx.done = true
	db.cond.Broadcast()
}

// waitFor blocks tx while blocked reports that holder keeps it from
// proceeding (holder's lock, which ends with holder's transaction or the
// subtransaction that took it). After DeadlockTimeout of waiting it checks
// once for a cycle of waiting transactions, as PostgreSQL's CheckDeadLock
// does, and fails with 40P01 when tx closes one.
func (db *DB) waitFor(tx, holder *Txn, context string, blocked func() bool) error {
	s := tx.sess
	tx.waitingFor, s.waitBlocked = holder, blocked
	defer func() { tx.waitingFor, s.waitBlocked = nil, nil }()
	start := db.rt.Now()
	check := start.Add(db.DeadlockTimeout) // zero once checked
	var lockDeadline time.Time
	if d := s.timeout("lock_timeout"); d > 0 {
		lockDeadline = start.Add(d)
	}
	for !holder.done && blocked() {
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
			if cycle := deadlockCycle(s); cycle != nil {
				return deadlockReport(cycle, context)
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
