package sim

import (
	"fmt"
	"iter"
	"runtime/debug"
	"sort"
	"strconv"
	"time"
)

// taskState is where a task is in its life.
type taskState uint8

const (
	runnable taskState = iota // can run: waiting to be picked, or running (World.running)
	blocked                   // parked on a wait queue or a timer
	done                      // returned, panicked or unwound
)

// unwind is the panic value that unwinds a task the world no longer runs
// (the run ended, or its process was killed). Code that recovers every
// panic must re-panic it: see IsUnwind.
type unwind struct{}

var errUnwind = unwind{}

// IsUnwind reports whether r, a value returned by recover, is the signal
// with which the world unwinds a task it will not run again. Simulated
// code that recovers every panic (a worker loop that survives its
// handlers' failures) must re-panic such a value at once:
//
//	defer func() {
//		if r := recover(); r != nil {
//			if sim.IsUnwind(r) {
//				panic(r)
//			}
//			log(r)
//		}
//	}()
//
// A task that swallows it anyway panics again at its next sim operation;
// after UnwindLimit such operations it is parked for good and named in the
// run's Outcome (Stuck). A loop that swallows it and then makes no sim
// operation at all cannot be detected: it never gives control back.
func IsUnwind(r any) bool {
	_, ok := r.(unwind)
	return ok
}

// UnwindLimit is how many sim operations a task being unwound may attempt
// (each panics again) before the world parks it for good. Deferred calls
// that make sim operations while a task unwinds count too, so the limit
// is well above any sane chain of defers.
const UnwindLimit = 64

// Task is a goroutine run as a coroutine under the world's scheduler.
type Task struct {
	// touched at every step; kept together
	state   taskState
	killed  bool // unwinding: every sim operation panics with errUnwind
	slot    int  // index in w.runnable, or -1 when not runnable
	pending pendingOp
	yield   func(struct{}) bool
	next    func() (struct{}, bool)

	w         *World
	id        int
	name      string
	path      string // lineage: process path, spawning task, name and ordinal
	proc      *Process
	parent    *Task // the task that started it, or nil
	daemon    bool
	started   bool // its function has been entered
	refused   bool // started in a process that had exited: never runs
	stuck     bool // recovered the unwind too often; parked for good
	unwinds   int  // sim operations attempted while unwinding
	objects   int  // objects created, for their identities
	spawns    []nameCount
	queue     *waitq        // the wait queue a blocked task is parked on, if any
	timer     *Timer        // the timer that wakes a blocked task, if any
	since     time.Duration // virtual time at which it blocked
	blockedOn pendingOp     // what a blocked task waits in
	blockArg  int64         // the block's detail argument (deadline, descriptor)
	fn        func()        // the task's function; its coroutine starts at first resume
}

// nameCount counts the tasks or processes of one name a parent started,
// for the ordinals in lineage paths.
type nameCount struct {
	name string
	n    int
}

// bump returns the next ordinal of name in counts.
func bump(counts *[]nameCount, name string) int {
	for i := range *counts {
		if (*counts)[i].name == name {
			(*counts)[i].n++
			return (*counts)[i].n
		}
	}
	*counts = append(*counts, nameCount{name, 1})
	return 1
}

// ordinalName is name, with "#k" appended when k > 1.
func ordinalName(name string, k int) string {
	if k == 1 {
		return name
	}
	return name + "#" + strconv.Itoa(k)
}

// start creates the task's coroutine. It is created at the first resume,
// so that a world that never runs holds no goroutines.
func (t *Task) start() {
	t.next, _ = iter.Pull(func(yield func(struct{}) bool) {
		t.yield = yield
		t.started = true
		defer t.finish()
		t.fn()
	})
}

// ID returns the task's ID: 1 for the first task created in the world,
// increasing in creation order. It identifies the task within one run
// only; Path names it across schedules.
func (t *Task) ID() int { return t.id }

// Name returns the name the task was started with.
func (t *Task) Name() string { return t.name }

// Path returns the task's lineage path, such as
// "app/worker#2/main/thread-3": the path of the task that started it (or
// of its process, for a task started from outside the process), then its
// name, with "#k" when it is the k-th task of that name its parent
// started. It names the same task in every schedule of a scenario.
func (t *Task) Path() string { return t.path }

// Process returns the process the task runs in.
func (t *Task) Process() *Process { return t.proc }

// Parent returns the task that started t, or nil for a task started
// outside tasks.
func (t *Task) Parent() *Task { return t.parent }

// Done reports whether the task has returned, panicked, been unwound or
// never started because its process had exited.
func (t *Task) Done() bool { return t.state == done }

// Blocked reports whether the task is parked on a wait queue or a timer,
// waiting to be woken.
func (t *Task) Blocked() bool { return t.state == blocked }

// Refused reports whether the task was started in a process that had
// already exited, so that it never ran.
func (t *Task) Refused() bool { return t.refused }

// String returns the task's path.
func (t *Task) String() string { return t.path }

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
// decision point. A task started in a process that has exited (it may have
// been killed just before) never runs: the returned task is Done and
// Refused, and the trace records the refusal.
func (p *Process) Go(name string, fn func()) *Task {
	w := p.w
	w.point(pendingOp{acc: AccSpawn})
	parent := w.running
	t := &Task{w: w, id: len(w.tasks) + 1, name: name, proc: p, parent: parent, slot: -1}
	if parent != nil && parent.proc == p {
		t.path = parent.path + "/" + ordinalName(name, bump(&parent.spawns, name))
	} else {
		t.path = p.path + "/" + ordinalName(name, bump(&p.spawns, name))
	}
	w.tasks = append(w.tasks, t)
	if p.exited {
		t.state, t.refused = done, true
		w.emitObj(EvSpawn, &p.obj, int64(t.id), 1, 0)
		return t
	}
	w.live++
	p.tasks++
	t.fn = fn
	t.pending = pendingOp{acc: AccStart}
	w.insertRunnable(t)
	w.emitObj(EvSpawn, &p.obj, int64(t.id), 0, 0)
	return t
}

// finish runs when the task's function returns, panics or is unwound.
func (t *Task) finish() {
	r := recover()
	w := t.w
	if r != nil && !IsUnwind(r) && !t.killed {
		w.emitText(EvPanic, panicText(r))
		w.end(Outcome{Kind: Panicked, Panic: &TaskPanic{Task: t.path, Process: t.proc.path, Value: r, Stack: string(debug.Stack())}})
	}
	if r == nil && !t.killed {
		// a normal return is a step of its own: the process may exit
		// with it, closing every descriptor
		w.pointExit()
	}
	t.detach()
	w.removeRunnable(t)
	if !t.killed {
		w.emit(EvExit)
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
// resumes the task, and panics with the unwind signal when the task is
// being unwound instead (a task that swallows it meets it again at its next
// sim operation, where World.point counts it).
func (t *Task) park() {
	if t.yield(struct{}{}); t.killed {
		panic(errUnwind)
	}
}

// unwinding raises the unwind signal in a task the world will not run
// again. A task that has swallowed it UnwindLimit times is parked for good:
// it hands control back and is never resumed. It is kept out of line so
// that park, which runs at every switch, stays inlined.
//
//go:noinline
func (t *Task) unwinding() {
	t.unwinds++
	if t.unwinds > UnwindLimit {
		t.stuck = true
		for {
			t.yield(struct{}{}) // never resumed again
		}
	}
	panic(errUnwind)
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
// is the wait queue it joins; on says what it waits in (for deadlock and
// hang reports), and resume is the operation it performs when woken.
func (w *World) block(q *waitq, on, resume pendingOp, a int64) {
	t := w.running
	if t == nil {
		panic("sim: blocking operation outside a task")
	}
	w.emitObj(EvBlock, on.obj, int64(on.acc), a, 0)
	t.state = blocked
	t.blockedOn, t.blockArg = on, a
	t.pending = resume
	t.since = w.clock
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
	t.state = runnable
	w.insertRunnable(t)
	w.emitTask(EvWake, t)
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
