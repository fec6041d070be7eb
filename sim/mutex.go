package sim

import "fmt"

// Mutex is a mutual-exclusion lock the scheduler can see. Unlock wakes every
// waiter and they compete for the lock again: a task that unlocks and locks
// at once may barge ahead of them, as with real mutexes, and the scheduler
// explores the orders. A mutex held by a task that is unwound (its process
// was killed) stays locked, like a process-shared lock held by a dead
// process. Mutex operations must be called from tasks.
type Mutex struct {
	w      *World
	name   string
	holder *Task
	q      waitq
}

// NewMutex returns an unlocked mutex named name (the name appears in traces
// and deadlock reports).
func (w *World) NewMutex(name string) *Mutex { return &Mutex{w: w, name: name} }

// Name returns the mutex's name.
func (m *Mutex) Name() string { return m.name }

// Lock acquires the mutex, blocking while another task holds it. It is a
// decision point. Locking a mutex the task already holds panics (it would
// deadlock).
func (m *Mutex) Lock() {
	m.w.point()
	m.acquire()
}

func (m *Mutex) acquire() {
	w := m.w
	t := m.caller("lock")
	for m.holder != nil {
		if m.holder == t {
			panic(fmt.Sprintf("sim: task %s locks mutex %s it already holds", t, m.name))
		}
		w.block(&m.q, fmt.Sprintf("mutex %s held by %s", m.name, m.holder))
	}
	m.holder = t
	w.emit(EvLock, m.name)
}

// TryLock acquires the mutex if it is free and reports whether it did. It
// is a decision point.
func (m *Mutex) TryLock() bool {
	m.w.point()
	t := m.caller("trylock")
	if m.holder != nil {
		return false
	}
	m.holder = t
	m.w.emit(EvLock, m.name)
	return true
}

// Unlock releases the mutex. It is a decision point. Unlocking a mutex the
// task does not hold panics.
func (m *Mutex) Unlock() {
	m.w.point()
	m.release()
}

func (m *Mutex) release() {
	w := m.w
	if t := m.caller("unlock"); m.holder != t {
		panic(fmt.Sprintf("sim: task %s unlocks mutex %s held by %v", t, m.name, m.holder))
	}
	m.holder = nil
	w.emit(EvUnlock, m.name)
	m.q.wakeAll(w)
}

// caller returns the current task, panicking outside tasks.
func (m *Mutex) caller(op string) *Task {
	t := m.w.Current()
	if t == nil {
		panic(fmt.Sprintf("sim: %s of mutex %s outside a task", op, m.name))
	}
	return t
}

// Holder returns the task holding the mutex, or nil.
func (m *Mutex) Holder() *Task { return m.holder }
