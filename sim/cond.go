package sim

import (
	"fmt"
	"time"
)

// Cond is a condition variable the scheduler can see: tasks wait on it with
// its mutex held and are woken in FIFO order by Signal or Broadcast, or by a
// timeout. Like a Mutex it lives in one process's memory (and Fork copies
// it, without waiters: the waiting threads do not exist in the child) or in
// shared memory.
type Cond struct {
	L    *Mutex
	obj  object
	w    *World
	proc *Process // owner; nil for shared memory
	q    waitq
}

// NewCond returns a condition variable named name associated with l, in the
// memory of the current task's process (the main process outside tasks).
func (w *World) NewCond(name string, l *Mutex) *Cond { return w.callerProcess().NewCond(name, l) }

// NewCond returns a condition variable named name associated with l, in p's
// memory; l must be a mutex of p.
func (p *Process) NewCond(name string, l *Mutex) *Cond {
	if l.proc != p {
		panic(fmt.Sprintf("sim: condition %s of process %s on mutex %s of %v", name, p, l.obj.name, l.proc))
	}
	c := &Cond{L: l, w: p.w, proc: p}
	p.w.newObject(&c.obj, objCond, name)
	p.conds = append(p.conds, c)
	return c
}

// NewSharedCond returns a condition variable named name associated with l
// in memory shared by every process; l must be a shared mutex.
func (w *World) NewSharedCond(name string, l *Mutex) *Cond {
	if l.proc != nil {
		panic(fmt.Sprintf("sim: shared condition %s on mutex %s of process %s", name, l.obj.name, l.proc))
	}
	c := &Cond{L: l, w: w}
	w.newObject(&c.obj, objCond, name)
	return c
}

// ID returns the condition's identity.
func (c *Cond) ID() ObjectID { return c.obj.id }

// In returns the copy of c in a forked child of c's process.
func (c *Cond) In(child *Process) *Cond {
	if child == c.proc {
		return c
	}
	if cc, ok := copyIn(child, c).(*Cond); ok {
		return cc
	}
	panic(fmt.Sprintf("sim: process %s has no copy of condition %s of %v", child, c.obj.name, c.proc))
}

// Wait atomically unlocks c.L and blocks until signalled, then locks c.L
// again before returning. It is a decision point.
func (c *Cond) Wait() {
	w := c.w
	w.point(pendingOp{acc: AccWait, obj: &c.obj, obj2: &c.L.obj})
	c.L.release()
	w.block(&c.q, pendingOp{acc: AccWait, obj: &c.obj}, pendingOp{acc: AccAcquire, obj: &c.L.obj}, 0)
	c.L.acquire()
}

// WaitTimeout is Wait with a limit of d virtual time. It reports whether
// the task was signalled (true) or timed out (false). Either way c.L is
// held again on return.
func (c *Cond) WaitTimeout(d time.Duration) bool {
	w := c.w
	w.point(pendingOp{acc: AccWait, obj: &c.obj, obj2: &c.L.obj})
	t := w.running
	c.L.release()
	timedOut := false
	t.timer = w.after(d, func() {
		timedOut = true
		w.wake(t)
	})
	w.block(&c.q, pendingOp{acc: AccWait, obj: &c.obj}, pendingOp{acc: AccAcquire, obj: &c.L.obj}, int64(w.clock+d))
	c.L.acquire()
	return !timedOut
}

// Signal wakes the longest-waiting task, if any. It is a decision point,
// except when nobody waits and the caller holds c.L: then it changes
// nothing that another task could observe, and is neither a step nor an
// event.
func (c *Cond) Signal() {
	if c.idle() {
		return
	}
	c.w.point(pendingOp{acc: AccSignal, obj: &c.obj})
	if t := c.q.wakeOne(c.w); t != nil {
		c.w.emitObj(EvSignal, &c.obj, int64(t.id), 1, 0)
	}
}

// Broadcast wakes every waiting task. Like Signal, it is a decision point
// unless nobody waits and the caller holds c.L.
func (c *Cond) Broadcast() {
	if c.idle() {
		return
	}
	c.w.point(pendingOp{acc: AccSignal, obj: &c.obj})
	n := len(c.q.waiters)
	c.q.wakeAll(c.w)
	c.w.emitObj(EvSignal, &c.obj, 0, int64(n), 0)
}

// idle reports whether a signal would be unobservable: no task waits, and
// the caller holds c.L, so no task can start waiting before the signal
// (waiting needs c.L).
func (c *Cond) idle() bool {
	t := c.w.running
	if t != nil && c.proc != nil && t.proc != c.proc {
		panic(fmt.Sprintf("sim: condition %s of process %s used by task %s of process %s", c.obj.name, c.proc, t, t.proc))
	}
	return len(c.q.waiters) == 0 && t != nil && !t.killed && c.L.holder == t
}
