package pool

import (
	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sim"
)

// ThreadLocal is Python's threading.local: one value per thread, the
// thread being the world's current task.
//
// Fork keeps it as fork(2) keeps CPython's thread states: the child has a
// single thread, the one that called fork, and only that thread's values
// survive; the other threads' values are copied (they are memory the
// child has) but no thread of the child reaches them. The thread that
// called fork continues, in the simulated child, as the first task started
// in the child process.
//
// Invariant: vals holds at most one entry per task, in the order the
// tasks first set a value (so copies are made in a stable order).
type ThreadLocal[T any] struct {
	vals []tlEntry[T]

	// survivor is the forking thread's value in a forked copy, until the
	// child's first task claims it.
	survivor    T
	hasSurvivor bool
	proc        *sim.Process // the child the survivor belongs to
	// orphans are the values of threads that do not exist in this
	// process: copied, unreachable.
	orphans []T
}

type tlEntry[T any] struct {
	task *sim.Task
	val  T
}

// Get returns the current task's value.
func (l *ThreadLocal[T]) Get(w *sim.World) (T, bool) {
	t := w.Current()
	for _, e := range l.vals {
		if e.task == t {
			return e.val, true
		}
	}
	if l.hasSurvivor && t != nil && t.Process() == l.proc && t == firstTask(w, l.proc) {
		v := l.survivor
		l.vals = append(l.vals, tlEntry[T]{task: t, val: v})
		l.hasSurvivor = false
		var zero T
		l.survivor = zero
		return v, true
	}
	var zero T
	return zero, false
}

// Set sets the current task's value.
func (l *ThreadLocal[T]) Set(w *sim.World, v T) {
	t := w.Current()
	l.claim(w, t)
	for i := range l.vals {
		if l.vals[i].task == t {
			l.vals[i].val = v
			return
		}
	}
	l.vals = append(l.vals, tlEntry[T]{task: t, val: v})
}

// Delete removes the current task's value.
func (l *ThreadLocal[T]) Delete(w *sim.World) {
	t := w.Current()
	l.claim(w, t)
	for i := range l.vals {
		if l.vals[i].task == t {
			l.vals = append(l.vals[:i], l.vals[i+1:]...)
			return
		}
	}
}

// claim hands the survivor to t if t is the forking thread's continuation.
func (l *ThreadLocal[T]) claim(w *sim.World, t *sim.Task) {
	if l.hasSurvivor && t != nil && t.Process() == l.proc && t == firstTask(w, l.proc) {
		l.Get(w)
	}
}

// Values returns every value the process's memory holds: the threads'
// values, the forking thread's value not yet claimed, and the values of
// threads that did not survive a fork.
func (l *ThreadLocal[T]) Values() []T {
	var out []T
	for _, e := range l.vals {
		out = append(out, e.val)
	}
	if l.hasSurvivor {
		out = append(out, l.survivor)
	}
	return append(out, l.orphans...)
}

// CopyInto returns the copy for the fork c makes, copying each value with
// copyVal. The value of the task that forks (the current task) becomes the
// child's first task's.
func (l *ThreadLocal[T]) CopyInto(c *procmem.Copier, w *sim.World, copyVal func(T) T) *ThreadLocal[T] {
	return procmem.Copy(c, l, func() *ThreadLocal[T] {
		n := &ThreadLocal[T]{proc: c.Child}
		forker := w.Current()
		for _, e := range l.vals {
			v := copyVal(e.val)
			if e.task == forker && forker != nil {
				n.survivor, n.hasSurvivor = v, true
			} else {
				n.orphans = append(n.orphans, v)
			}
		}
		if l.hasSurvivor {
			n.orphans = append(n.orphans, copyVal(l.survivor))
		}
		for _, v := range l.orphans {
			n.orphans = append(n.orphans, copyVal(v))
		}
		return n
	})
}

// firstTask returns the first task started in p, or nil.
func firstTask(w *sim.World, p *sim.Process) *sim.Task {
	for _, t := range w.Tasks() {
		if t.Process() == p {
			return t
		}
	}
	return nil
}
