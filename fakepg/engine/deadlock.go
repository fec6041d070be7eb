package engine

import (
	"fmt"
	"strings"
)

// waitEdge is an edge of the wait-for graph PostgreSQL's deadlock detector
// walks: waiter waits for a lock holder holds. lock says which, as the
// deadlock report names it: "ShareLock on transaction 731" for a row lock
// (a wait for the transaction holding the row), "AccessExclusiveLock on
// relation 16384 of database 5" for a relation lock, "ExclusiveLock on
// advisory lock [5,0,1,1]" for an advisory lock.
type waitEdge struct {
	waiter, holder *Session
	lock           string
}

// waitsFor returns the edges from s: one per session s waits for. A row
// lock wait (of any strength: a share lock's holders wait for an updater
// as an updater waits for them) waits for the transaction holding the
// lock; an advisory lock wait for each session whose hold conflicts with
// the request. A wait whose holder has let go is no edge, even before the
// waiter has woken up to see it.
func (s *Session) waitsFor() []waitEdge {
	if tx := s.tx; tx != nil && tx.waitingFor != nil {
		h := tx.waitingFor
		if h.done || s.waitBlocked != nil && !s.waitBlocked() {
			return nil
		}
		lock := tx.waitLock // a relation lock
		if lock == "" {
			lock = fmt.Sprintf("ShareLock on transaction %d", h.xid)
		}
		return []waitEdge{{s, h.sess, lock}}
	}
	if w := s.advisoryWait; w != nil && !w.granted {
		return w.lock.blockers(w)
	}
	return nil
}

// deadlockCycle returns the edges of a wait cycle through s, starting with
// an edge from s, or nil when no path of waits leads from s back to s.
// Sessions are visited in the order their locks were granted, so the cycle
// found does not depend on anything but the run.
func deadlockCycle(s *Session) []waitEdge {
	var visited []*Session
	var walk func(from *Session, path []waitEdge) []waitEdge
	walk = func(from *Session, path []waitEdge) []waitEdge {
		for _, e := range from.waitsFor() {
			if e.holder == s {
				return append(path, e)
			}
			seen := false
			for _, v := range visited {
				seen = seen || v == e.holder
			}
			if seen {
				continue
			}
			visited = append(visited, e.holder)
			if cycle := walk(e.holder, append(path, e)); cycle != nil {
				return cycle
			}
		}
		return nil
	}
	visited = append(visited, s)
	return walk(s, nil)
}

// deadlockReport builds PostgreSQL's deadlock error (DeadLockReport) for a
// cycle; context is the CONTEXT of the wait, if any.
func deadlockReport(cycle []waitEdge, context string) *Error {
	lines := make([]string, len(cycle))
	for i, e := range cycle {
		lines[i] = fmt.Sprintf("Process %d waits for %s; blocked by process %d.", e.waiter.PID, e.lock, e.holder.PID)
	}
	e := newError(DeadlockDetected, "deadlock detected")
	e.Detail = strings.Join(lines, "\n")
	e.Hint = "See server log for query details."
	e.Where = context
	e.Routine = "DeadLockReport"
	return e
}
