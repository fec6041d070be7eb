package sim

import "fmt"

// Mutex is a mutual-exclusion lock the scheduler can see. Unlock wakes every
// waiter and they compete for the lock again: a task that unlocks and locks
// at once may barge ahead of them, as with real mutexes, and the scheduler
// explores the orders. A mutex held by a task that is unwound (its process
// was killed) stays locked, like a process-shared lock held by a dead
// process. Mutex operations must be called from tasks.
//
// A mutex lives in one process's memory (Process.NewMutex, or World.NewMutex
// from a task) and only that process's tasks may use it; Fork copies it
// into the child with its state. A shared mutex (World.NewSharedMutex)
// stands for a lock in memory shared between processes, such as a database
// server's shared buffers: any process may use it and Fork does not copy
// it.
type Mutex struct {
	obj    object
	w      *World
	proc   *Process // owner; nil for shared memory
	holder *Task
	ghost  string // path of the thread that held it when its process forked; it never unlocks
	q      waitq
}

// NewMutex returns an unlocked mutex named name in the memory of the current
// task's process (the main process outside tasks).
func (w *World) NewMutex(name string) *Mutex { return w.callerProcess().NewMutex(name) }

// NewMutex returns an unlocked mutex named name in p's memory. The name
// appears in traces and deadlock reports; its identity (Mutex.ID) comes
// from the creating task.
func (p *Process) NewMutex(name string) *Mutex {
	m := p.w.newMutex(name)
	m.proc = p
	p.mutexes = append(p.mutexes, m)
	return m
}

// NewSharedMutex returns an unlocked mutex named name in memory shared by
// every process (see Mutex).
func (w *World) NewSharedMutex(name string) *Mutex { return w.newMutex(name) }

func (w *World) newMutex(name string) *Mutex {
	m := &Mutex{w: w}
	w.newObject(&m.obj, objMutex, name)
	m.obj.mu = m
	return m
}

// Name returns the mutex's name.
func (m *Mutex) Name() string { return m.obj.name }

// ID returns the mutex's identity.
func (m *Mutex) ID() ObjectID { return m.obj.id }

// In returns the copy of m in a forked child of m's process (or of a
// process descended from it by fork): how a copied object that holds a
// mutex reaches the child's copy. It panics when child has no copy of m.
func (m *Mutex) In(child *Process) *Mutex {
	if child == m.proc {
		return m
	}
	if c, ok := copyIn(child, m).(*Mutex); ok {
		return c
	}
	panic(fmt.Sprintf("sim: process %s has no copy of mutex %s of %v", child, m.obj.name, m.proc))
}

// copyIn finds the copy of x (a mutex or condition) in child, following
// the chain of forks from x's process down to child.
func copyIn(child *Process, x any) any {
	if child == nil {
		return nil
	}
	var owner *Process
	switch v := x.(type) {
	case *Mutex:
		owner = v.proc
	case *Cond:
		owner = v.proc
	}
	if owner == nil || child.parent == nil {
		return nil
	}
	if child.parent != owner {
		x = copyIn(child.parent, x)
		if x == nil {
			return nil
		}
	}
	return child.copies[x]
}

// Lock acquires the mutex, blocking while another task holds it. It is a
// decision point. Locking a mutex the task already holds panics (it would
// deadlock).
func (m *Mutex) Lock() {
	m.w.point(pendingOp{acc: AccAcquire, obj: &m.obj})
	m.acquire()
}

func (m *Mutex) acquire() {
	w := m.w
	t := m.caller("lock")
	for m.holder != nil || m.ghost != "" {
		if m.holder == t {
			panic(fmt.Sprintf("sim: task %s locks mutex %s it already holds", t, m.obj.name))
		}
		op := pendingOp{acc: AccAcquire, obj: &m.obj}
		w.block(&m.q, op, op, 0)
	}
	m.holder = t
	w.emitObj(EvLock, &m.obj, 0, 0, 0)
}

// TryLock acquires the mutex if it is free and reports whether it did. It
// is a decision point.
func (m *Mutex) TryLock() bool {
	m.w.point(pendingOp{acc: AccAcquire, obj: &m.obj})
	t := m.caller("trylock")
	if m.holder != nil || m.ghost != "" {
		return false
	}
	m.holder = t
	m.w.emitObj(EvLock, &m.obj, 0, 0, 0)
	return true
}

// Unlock releases the mutex. It is a decision point. Unlocking a mutex the
// task does not hold panics.
func (m *Mutex) Unlock() {
	m.w.point(pendingOp{acc: AccRelease, obj: &m.obj})
	m.release()
}

func (m *Mutex) release() {
	w := m.w
	if t := m.caller("unlock"); m.holder != t {
		panic(fmt.Sprintf("sim: task %s unlocks mutex %s held by %s", t, m.obj.name, m.describeHolder()))
	}
	m.holder = nil
	w.emitObj(EvUnlock, &m.obj, 0, 0, 0)
	m.q.wakeAll(w)
}

// caller returns the current task, panicking outside tasks and when a task
// of another process uses a mutex of a process's memory.
func (m *Mutex) caller(op string) *Task {
	t := m.w.running
	if t == nil {
		panic(fmt.Sprintf("sim: %s of mutex %s outside a task", op, m.obj.name))
	}
	if m.proc != nil && t.proc != m.proc {
		panic(fmt.Sprintf("sim: %s of mutex %s of process %s by task %s of process %s", op, m.obj.name, m.proc, t, t.proc))
	}
	return t
}

// Holder returns the task holding the mutex, or nil (also when it is held
// by a thread that did not survive a fork: see HeldAtFork).
func (m *Mutex) Holder() *Task { return m.holder }

// HeldAtFork returns the path of the task that held the mutex when its
// process was forked, when this is a child's copy that can never be
// unlocked, and "" otherwise.
func (m *Mutex) HeldAtFork() string { return m.ghost }

func (m *Mutex) describeHolder() string {
	switch {
	case m.holder != nil:
		return m.holder.path
	case m.ghost != "":
		return m.ghost + " (at fork; that thread does not exist in " + m.proc.path + ")"
	}
	return "nobody"
}
