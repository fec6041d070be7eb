package sim

import (
	"fmt"
	"iter"
	"runtime/debug"
	"sort"
)

// taskState is where a task is in its life.
type taskState uint8

const (
	runnable taskState = iota // can run: waiting to be picked, or running (World.running)
	blocked                   // parked on a wait queue or a timer
	done                      // returned, panicked or unwound
)

// unwind is the panic value that unwinds a task the world no longer runs
// (the run ended, or its process was killed).
type unwind struct{}

var errUnwind = unwind{}

// Task is a goroutine run as a coroutine under the world's scheduler.
type Task struct {
	// touched at every step; kept together
	state  taskState
	killed bool // unwinding: every sim operation panics with errUnwind
	slot   int  // index in w.runnable, or -1 when not runnable
	yield  func(struct{}) bool
	next   func() (struct{}, bool)

	w       *World
	id      int
	name    string
	proc    *Process
	daemon  bool
	started bool   // its function has been entered
	waitsOn string // what a blocked task waits on, for deadlock reports
	queue   *waitq // the wait queue a blocked task is parked on, if any
	timer   *Timer // the timer that wakes a blocked task, if any
	fn      func() // the task's function; its coroutine starts at first resume
	stop    func()
}

// start creates the task's coroutine. It is created at the first resume,
// so that a world that never runs holds no goroutines.
func (t *Task) start() {
	t.next, t.stop = iter.Pull(func(yield func(struct{}) bool) {
		t.yield = yield
		t.started = true
		defer t.finish()
		t.fn()
	})
}

// ID returns the task's ID: 1 for the first task created in the world,
// increasing in creation order.
func (t *Task) ID() int { return t.id }

// Name returns the name the task was started with.
func (t *Task) Name() string { return t.name }

// Process returns the process the task runs in.
func (t *Task) Process() *Process { return t.proc }

// String returns the task's name and ID.
func (t *Task) String() string { return fmt.Sprintf("%s#%d", t.name, t.id) }

// Daemon marks the task as a daemon (a server's accept loop, a reaper): a
// run completes when every task that is not a daemon has returned and no
// daemon can run without the clock moving, so a server finishes handling
// what its clients sent but its idle loops do not keep the run alive.
// Call it before the run starts or from the task itself.
func (t *Task) Daemon() *Task {
	if !t.daemon && t.state != done {
		t.daemon = true
		t.w.live--
	}
	return t
}

// Go starts a task named name running fn in process p. Inside a task it is a
// decision point. A task started in a process that has exited never runs.
func (p *Process) Go(name string, fn func()) *Task {
	w := p.w
	w.point()
	t := &Task{w: w, id: len(w.tasks) + 1, name: name, proc: p, slot: -1}
	w.tasks = append(w.tasks, t)
	if p.exited {
		t.state = done
		return t
	}
	w.live++
	p.tasks++
	t.fn = fn
	w.insertRunnable(t)
	w.emit(EvSpawn, fmt.Sprintf("%s in %s", t, p.name))
	return t
}

// finish runs when the task's function returns, panics or is unwound.
func (t *Task) finish() {
	r := recover()
	w := t.w
	if _, isUnwind := r.(unwind); r != nil && !isUnwind && !t.killed {
		w.emit(EvPanic, panicText(r))
		w.end(Outcome{Kind: Panicked, Panic: &TaskPanic{Task: t.name, Process: t.proc.name, Value: r, Stack: string(debug.Stack())}})
	}
	t.detach()
	w.removeRunnable(t)
	if !t.killed {
		w.emit(EvExit, "")
	}
	t.state = done
	if !t.daemon {
		w.live--
	}
	t.proc.taskDone()
}

// detach takes the task off its wait queue and cancels its wake-up timer.
func (t *Task) detach() {
	if q := t.queue; q != nil {
		q.remove(t)
		t.queue = nil
	}
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
}

// panicText renders a panic value for the trace without addresses, which
// would differ between runs: errors and strings by their text, anything
// else by its type.
func panicText(r any) string {
	switch v := r.(type) {
	case error:
		return v.Error()
	case string:
		return v
	case fmt.Stringer:
		return v.String()
	case int, int64, int32, uint, uint64, uint32, bool, float64:
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("panic of type %T", r)
}

// park hands control back to the scheduler. It returns when the scheduler
// resumes the task, and panics with errUnwind when the task is being
// unwound instead.
func (t *Task) park() {
	if !t.yield(struct{}{}) || t.killed {
		panic(errUnwind)
	}
}

func (w *World) insertRunnable(t *Task) {
	i := sort.Search(len(w.runnable), func(j int) bool { return w.runnable[j].id >= t.id })
	w.runnable = append(w.runnable, nil)
	copy(w.runnable[i+1:], w.runnable[i:])
	w.runnable[i] = t
	w.renumber(i)
}

func (w *World) removeRunnable(t *Task) {
	if i := t.slot; i >= 0 {
		w.runnable = append(w.runnable[:i], w.runnable[i+1:]...)
		t.slot = -1
		w.renumber(i)
	}
}

// renumber updates the slots of the runnable tasks from index i on.
func (w *World) renumber(i int) {
	for ; i < len(w.runnable); i++ {
		w.runnable[i].slot = i
	}
}

// block parks the current task until wake is called for it. q, if not nil,
// is the wait queue it joins; desc says what it waits on.
func (w *World) block(q *waitq, desc string) {
	t := w.Current()
	if t == nil {
		panic("sim: blocking operation outside a task: " + desc)
	}
	w.emit(EvBlock, desc)
	t.state = blocked
	t.waitsOn = desc
	t.queue = q
	if q != nil {
		q.waiters = append(q.waiters, t)
	}
	w.removeRunnable(t)
	t.park()
}

// wake makes a blocked task runnable again, taking it off its wait queue.
// It does nothing for a task that is not blocked.
func (w *World) wake(t *Task) {
	if t.state != blocked || t.killed {
		return
	}
	t.detach()
	t.waitsOn = ""
	t.state = runnable
	w.insertRunnable(t)
	w.emit(EvWake, t.String())
}

// waitq is a FIFO of blocked tasks.
type waitq struct {
	waiters []*Task
}

func (q *waitq) remove(t *Task) bool {
	for i, x := range q.waiters {
		if x == t {
			q.waiters = append(q.waiters[:i], q.waiters[i+1:]...)
			return true
		}
	}
	return false
}

// wakeOne wakes the longest-waiting task, if any.
func (q *waitq) wakeOne(w *World) *Task {
	if len(q.waiters) == 0 {
		return nil
	}
	t := q.waiters[0]
	w.wake(t)
	return t
}

// wakeAll wakes every waiting task in FIFO order.
func (q *waitq) wakeAll(w *World) {
	for len(q.waiters) > 0 {
		w.wake(q.waiters[0])
	}
}
