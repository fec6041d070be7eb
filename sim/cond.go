package sim

import (
	"fmt"
	"time"
)

// Cond is a condition variable the scheduler can see: tasks wait on it with
// its mutex held and are woken in FIFO order by Signal or Broadcast, or by a
// timeout.
type Cond struct {
	L    *Mutex
	w    *World
	name string
	q    waitq
}

// NewCond returns a condition variable named name associated with l.
func (w *World) NewCond(name string, l *Mutex) *Cond { return &Cond{L: l, w: w, name: name} }

// Wait atomically unlocks c.L and blocks until signalled, then locks c.L
// again before returning. It is a decision point.
func (c *Cond) Wait() {
	c.w.point()
	c.L.release()
	c.w.block(&c.q, "cond "+c.name)
	c.L.acquire()
}

// WaitTimeout is Wait with a limit of d virtual time. It reports whether
// the task was signalled (true) or timed out (false). Either way c.L is
// held again on return.
func (c *Cond) WaitTimeout(d time.Duration) bool {
	w := c.w
	w.point()
	t := w.current
	c.L.release()
	timedOut := false
	t.timer = w.after(d, func() {
		timedOut = true
		w.wake(t)
	})
	w.block(&c.q, fmt.Sprintf("cond %s (timeout at %v)", c.name, w.clock+d))
	c.L.acquire()
	return !timedOut
}

// Signal wakes the longest-waiting task, if any. It is a decision point.
func (c *Cond) Signal() {
	c.w.point()
	if t := c.q.wakeOne(c.w); t != nil {
		c.w.emit(EvSignal, fmt.Sprintf("%s -> %s", c.name, t))
	}
}

// Broadcast wakes every waiting task. It is a decision point.
func (c *Cond) Broadcast() {
	c.w.point()
	n := len(c.q.waiters)
	c.q.wakeAll(c.w)
	c.w.emit(EvSignal, fmt.Sprintf("%s -> all %d", c.name, n))
}
