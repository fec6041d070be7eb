package engine

import (
	"fmt"
	"time"
)

// Advisory locks (pg_advisory_lock and its kin) as PostgreSQL's lock
// manager keeps them: per key, the sessions holding it in share or
// exclusive mode with a count per mode for the session-level and the
// transaction-level holds, and a queue of waiters. A session never
// conflicts with itself. A request that conflicts with a holder or with a
// queued waiter waits (or fails, for the pg_try_ functions); a session
// that already holds the lock in some mode may go ahead of waiters that
// wait for it, as ProcSleep lets it. A release grants the lock to the
// waiters it can, in queue order (ProcLockWakeup), and broadcasts the
// database's condition: the waits are the scheduler's to see, like row
// lock waits, and take part in deadlock detection.
//
// Session-level holds last until released or the session ends, whatever
// becomes of the transaction that took them; transaction-level holds end
// with their transaction, and those taken since a savepoint with a
// ROLLBACK TO it (they belong to the subtransaction's resource owner).
//
// Not modelled: PostgreSQL's deadlock detector also reorders wait queues
// to resolve cycles through "soft" edges (a waiter queued behind another
// waiter whose request conflicts with its own); here only waits for
// holders count, so such a cycle is not resolved.

// advisoryKey is an advisory lock's tag, LOCKTAG_ADVISORY's fields 2 to 4
// (field 1 is the database): a bigint key k is (k>>32, k&0xffffffff, 1),
// a pair of integer keys (a, b) is (a, b, 2).
type advisoryKey struct {
	hi, lo uint32
	space  uint32
}

// lockMask is a set of lock modes, as PostgreSQL's LOCKMASK.
type lockMask uint8

// The lock modes advisory locks use.
const (
	shareMode     lockMask = 1 << iota // ShareLock
	exclusiveMode                      // ExclusiveLock
)

// conflictsWith returns the modes that conflict with m (the lock method's
// conflict table for these two modes).
func conflictsWith(m lockMask) lockMask {
	if m == shareMode {
		return exclusiveMode
	}
	return shareMode | exclusiveMode
}

// modeName is the mode's name in messages.
func modeName(m lockMask) string {
	if m == shareMode {
		return "ShareLock"
	}
	return "ExclusiveLock"
}

// modeIndex indexes per-mode counts.
func modeIndex(m lockMask) int {
	if m == shareMode {
		return 0
	}
	return 1
}

// The owners of a hold.
const (
	sessionHold = 0 // pg_advisory_lock and its kin
	xactHold    = 1 // pg_advisory_xact_lock and its kin
)

// advisoryLock is one advisory lock's state; it exists while someone holds
// or waits for it.
type advisoryLock struct {
	key     advisoryKey
	holders []*advisoryHolder // in the order they were first granted
	queue   []*advisoryWaiter
}

// advisoryHolder is one session's holds on a lock.
type advisoryHolder struct {
	sess   *Session
	counts [2][2]int // by owner, then mode index
}

// advisoryWaiter is a session waiting for a lock.
type advisoryWaiter struct {
	lock    *advisoryLock
	sess    *Session
	mode    lockMask
	owner   int
	granted bool
}

// held returns the modes h holds, whichever owner holds them.
func (h *advisoryHolder) held() lockMask {
	var m lockMask
	for _, mode := range []lockMask{shareMode, exclusiveMode} {
		if h.counts[sessionHold][modeIndex(mode)]+h.counts[xactHold][modeIndex(mode)] > 0 {
			m |= mode
		}
	}
	return m
}

// advisoryTable is the database's advisory locks.
type advisoryTable struct {
	locks map[advisoryKey]*advisoryLock // lookup only
}

// lock returns the lock for key, creating it.
func (t *advisoryTable) lock(key advisoryKey) *advisoryLock {
	if t.locks == nil {
		t.locks = map[advisoryKey]*advisoryLock{}
	}
	lk := t.locks[key]
	if lk == nil {
		lk = &advisoryLock{key: key}
		t.locks[key] = lk
	}
	return lk
}

// forget drops lk if nobody holds or waits for it.
func (t *advisoryTable) forget(lk *advisoryLock) {
	if len(lk.holders) == 0 && len(lk.queue) == 0 {
		delete(t.locks, lk.key)
	}
}

func (lk *advisoryLock) holder(s *Session) *advisoryHolder {
	for _, h := range lk.holders {
		if h.sess == s {
			return h
		}
	}
	return nil
}

// heldBy returns the modes s holds on lk.
func (lk *advisoryLock) heldBy(s *Session) lockMask {
	if h := lk.holder(s); h != nil {
		return h.held()
	}
	return 0
}

// conflictsWithHolders reports whether mode conflicts with a mode another
// session holds (LockCheckConflicts).
func (lk *advisoryLock) conflictsWithHolders(s *Session, mode lockMask) bool {
	for _, h := range lk.holders {
		if h.sess != s && h.held()&conflictsWith(mode) != 0 {
			return true
		}
	}
	return false
}

// waitMask returns the modes the queued waiters request.
func (lk *advisoryLock) waitMask() lockMask {
	var m lockMask
	for _, w := range lk.queue {
		m |= w.mode
	}
	return m
}

// grant adds a hold of mode for owner to s's holds.
func (lk *advisoryLock) grant(s *Session, mode lockMask, owner int) {
	h := lk.holder(s)
	if h == nil {
		h = &advisoryHolder{sess: s}
		lk.holders = append(lk.holders, h)
		s.advisoryHeld = append(s.advisoryHeld, lk)
	}
	h.counts[owner][modeIndex(mode)]++
}

// drop removes s's holder entry if it holds nothing any more.
func (lk *advisoryLock) drop(h *advisoryHolder) {
	if h.held() != 0 {
		return
	}
	for i, x := range lk.holders {
		if x == h {
			lk.holders = append(lk.holders[:i], lk.holders[i+1:]...)
			break
		}
	}
	s := h.sess
	for i, x := range s.advisoryHeld {
		if x == lk {
			s.advisoryHeld = append(s.advisoryHeld[:i], s.advisoryHeld[i+1:]...)
			break
		}
	}
}

// wakeup grants the lock to the queued waiters that can have it, in queue
// order, each also yielding to the requests of the waiters before it
// (ProcLockWakeup), and wakes them.
func (db *DB) wakeup(lk *advisoryLock) {
	var ahead lockMask
	kept := lk.queue[:0]
	woke := false
	for _, w := range lk.queue {
		if conflictsWith(w.mode)&ahead == 0 && !lk.conflictsWithHolders(w.sess, w.mode) {
			lk.grant(w.sess, w.mode, w.owner)
			w.granted, woke = true, true
			continue
		}
		ahead |= w.mode
		kept = append(kept, w)
	}
	clear(lk.queue[len(kept):])
	lk.queue = kept
	if woke {
		db.cond.Broadcast()
	}
}

// blockers returns the wait edges of a waiter: one per other session
// holding a mode that conflicts with the request.
func (lk *advisoryLock) blockers(w *advisoryWaiter) []waitEdge {
	var out []waitEdge
	for _, h := range lk.holders {
		if h.sess != w.sess && h.held()&conflictsWith(w.mode) != 0 {
			out = append(out, waitEdge{w.sess, h.sess, modeName(w.mode) + " on " + lk.describe()})
		}
	}
	return out
}

// databaseOID is the OID of the database the fake serves, PostgreSQL 15's
// OID of the postgres database.
const databaseOID = 5

// describe names the lock as PostgreSQL's DescribeLockTag does.
func (lk *advisoryLock) describe() string {
	return fmt.Sprintf("advisory lock [%d,%d,%d,%d]", databaseOID, lk.key.hi, lk.key.lo, lk.key.space)
}

// lockAdvisory takes an advisory lock for s (LockAcquire). With wait
// unset it reports false instead of waiting; a wait can end in a
// deadlock, a lock or statement timeout or a cancel.
func (db *DB) lockAdvisory(s *Session, key advisoryKey, mode lockMask, owner int, wait bool) (bool, error) {
	lk := db.advisory.lock(key)
	if h := lk.holder(s); h != nil && h.held()&mode != 0 {
		h.counts[owner][modeIndex(mode)]++ // already held in this mode
		return true, nil
	}
	if lk.waitMask()&conflictsWith(mode) == 0 && !lk.conflictsWithHolders(s, mode) {
		lk.grant(s, mode, owner)
		return true, nil
	}
	if !wait {
		db.advisory.forget(lk)
		return false, nil
	}
	w := &advisoryWaiter{lock: lk, sess: s, mode: mode, owner: owner}
	at := len(lk.queue)
	if mine := lk.heldBy(s); mine != 0 {
		// ProcSleep: go ahead of the first waiter that waits for a mode
		// s holds, unless that is a deadlock, or take the lock at once
		// when nothing before that waiter stands in the way.
		var ahead lockMask
		for i, o := range lk.queue {
			if conflictsWith(o.mode)&mine != 0 {
				if conflictsWith(mode)&lk.heldBy(o.sess) != 0 {
					return false, deadlockReport([]waitEdge{
						{s, o.sess, modeName(mode) + " on " + lk.describe()},
						{o.sess, s, modeName(o.mode) + " on " + lk.describe()},
					}, "")
				}
				if conflictsWith(mode)&ahead == 0 && !lk.conflictsWithHolders(s, mode) {
					lk.grant(s, mode, owner)
					return true, nil
				}
				at = i
				break
			}
			ahead |= o.mode
		}
	}
	lk.queue = append(lk.queue, nil)
	copy(lk.queue[at+1:], lk.queue[at:])
	lk.queue[at] = w
	s.advisoryWait = w
	err := db.awaitGrant(w)
	s.advisoryWait = nil
	if err != nil {
		for i, x := range lk.queue {
			if x == w {
				lk.queue = append(lk.queue[:i], lk.queue[i+1:]...)
				break
			}
		}
		db.wakeup(lk) // those queued behind it may go now
		db.advisory.forget(lk)
		return false, err
	}
	return true, nil
}

// awaitGrant blocks until w is granted. After DeadlockTimeout of waiting
// it checks once for a wait cycle through w's session, as CheckDeadLock
// does; lock_timeout, statement_timeout and a cancel end the wait too.
func (db *DB) awaitGrant(w *advisoryWaiter) error {
	s := w.sess
	start := db.rt.Now()
	check := start.Add(db.DeadlockTimeout) // zero once checked
	var lockDeadline time.Time
	if d := s.timeout("lock_timeout"); d > 0 {
		lockDeadline = start.Add(d)
	}
	for !w.granted {
		if err := s.interrupted(); err != nil {
			return err
		}
		now := db.rt.Now()
		if !lockDeadline.IsZero() && !now.Before(lockDeadline) {
			return newError(LockNotAvailable, "canceling statement due to lock timeout")
		}
		if !check.IsZero() && !now.Before(check) {
			check = time.Time{}
			if cycle := deadlockCycle(s); cycle != nil {
				return deadlockReport(cycle, "")
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

// unlockAdvisory releases one session-level hold of mode (LockRelease);
// it reports false, with PostgreSQL's warning, when s holds none.
func (db *DB) unlockAdvisory(s *Session, key advisoryKey, mode lockMask) (bool, *Error) {
	if !db.unholdAdvisory(s, key, mode, sessionHold) {
		return false, warning(codeWarning, "you don't own a lock of type "+modeName(mode))
	}
	return true, nil
}

// unholdAdvisory releases one hold of mode by owner, waking the waiters
// that can go once s holds the mode no more; it reports false when s
// holds none.
func (db *DB) unholdAdvisory(s *Session, key advisoryKey, mode lockMask, owner int) bool {
	lk := db.advisory.locks[key]
	var h *advisoryHolder
	if lk != nil {
		h = lk.holder(s)
	}
	if h == nil || h.counts[owner][modeIndex(mode)] == 0 {
		return false
	}
	h.counts[owner][modeIndex(mode)]--
	if h.held()&mode == 0 {
		lk.drop(h)
		db.wakeup(lk)
		db.advisory.forget(lk)
	}
	return true
}

// releaseAdvisory releases every hold of s by the given owners: the
// transaction's at its end, the session's at pg_advisory_unlock_all, all
// at the session's end.
func (db *DB) releaseAdvisory(s *Session, owners ...int) {
	held := append([]*advisoryLock(nil), s.advisoryHeld...)
	for _, lk := range held {
		h := lk.holder(s)
		before := h.held()
		for _, o := range owners {
			h.counts[o] = [2]int{}
		}
		if h.held() != before {
			lk.drop(h)
			db.wakeup(lk)
			db.advisory.forget(lk)
		}
	}
}
