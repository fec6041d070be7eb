package sim

import (
	"fmt"
	"sort"
	"time"
)

// DefaultMaxSteps is the step budget of a world created without MaxSteps.
const DefaultMaxSteps = 1_000_000

// World is one simulated universe: its tasks, processes, clock, network,
// strategy, schedule and trace. A World runs once.
//
// Invariants:
//   - at most one task executes at any moment; w.running is that task (nil
//     while the scheduler runs) and w.current the one that runs or ran
//     last;
//   - w.runnable holds exactly the tasks that can run (the running one
//     included), sorted by ID, and each task's slot is its index there;
//   - every runnable task's pending field is the operation it performs
//     when it next runs;
//   - every decision with two or more options is drawn from the strategy and
//     recorded in w.choices, in the order taken.
type World struct {
	strategy  Strategy
	maxSteps  int
	split     SplitPolicy
	deadline  time.Duration // end the run when the clock would pass it; 0: none
	hungAfter time.Duration // at the deadline, tasks blocked this long are hung

	tasks    []*Task // every task, indexed by ID-1
	runnable []*Task // runnable tasks sorted by ID
	current  *Task   // the task running, or the one that ran last
	running  *Task   // the task executing now; nil in the scheduler
	handoff  *Task   // chosen successor of a preempted task
	live     int     // tasks not yet done that are not daemons
	doomed   []*Task // tasks of killed processes, to unwind

	procs     []*Process // every process, indexed by ID-1
	main      *Process
	rootNames []nameCount // names of processes made with NewProcess

	step   int
	clock  time.Duration
	timers timerQueue

	objects      int // objects created so far
	setupObjects int // objects created outside tasks
	clockObj     object

	choices    choiceLog
	chosen     runTasks // the task each run decision ran
	chosenTask *Task    // the task the last run decision chose
	trace      Trace
	net        network
	stratPanic *strategyPanic
	trusted    bool     // the strategy is one of this package's, which never panic
	onStep     func(Op) // called at every step performed (OnStep); nil: none

	started bool
	ended   bool
	outcome Outcome
}

// strategyPanic is a panic raised by the strategy, carried to Run's caller.
type strategyPanic struct{ value any }

// Option configures a World.
type Option func(*World)

// MaxSteps sets the step budget: a run that takes more steps ends as
// OverBudget (a livelock, or a workload too large for the budget).
func MaxSteps(n int) Option { return func(w *World) { w.maxSteps = n } }

// KeepEvents says whether the trace keeps its events (default true). The
// hash is computed either way; benchmarks and long explorations turn
// keeping off.
func KeepEvents(keep bool) Option { return func(w *World) { w.trace.keep = keep } }

// Deadline ends the run when the virtual clock would pass at: a world
// whose timers keep firing (an arbiter's heartbeat, a pool's reaper) never
// deadlocks, so without a deadline a hang would run to the step budget. A
// run that reaches the deadline ends as DeadlineReached, and every task
// (daemons excepted) blocked for at least hungAfter by then is named as
// hung, with what it waits on.
func Deadline(at, hungAfter time.Duration) Option {
	return func(w *World) { w.deadline, w.hungAfter = at, hungAfter }
}

// New returns a world whose decisions are taken by s. It has one process,
// "main", in which tasks started with World.Go outside any task run.
func New(s Strategy, opts ...Option) *World {
	w := &World{strategy: s, maxSteps: DefaultMaxSteps}
	switch s.(type) {
	case zeros, *RandomStrategy, *PCTStrategy, *ReplayStrategy:
		w.trusted = true // no recover needed around their calls
	}
	w.trace.keep = true
	w.trace.w = w
	w.net.listeners = map[string]*listener{}
	for _, o := range opts {
		o(w)
	}
	w.fixedObject(&w.clockObj, objClock, ObjectID{Seq: seqClock}, "clock")
	w.main = w.NewProcess("main")
	return w
}

// Main returns the world's first process.
func (w *World) Main() *Process { return w.main }

// Trace returns the run's trace.
func (w *World) Trace() *Trace { return &w.trace }

// Decisions returns the number of decisions recorded so far.
func (w *World) Decisions() int { return w.choices.n }

// Step returns the number of steps taken so far.
func (w *World) Step() int { return w.step }

// Current returns the task that is running, or nil outside tasks (in the
// scheduler, in timer callbacks, before and after the run).
func (w *World) Current() *Task {
	return w.running
}

// Go starts a task running fn in the current task's process, or in the
// main process when called outside a task. Inside a task it is a decision
// point.
func (w *World) Go(name string, fn func()) *Task {
	return w.callerProcess().Go(name, fn)
}

// Run runs the world until it ends and returns how it ended. Every task that
// has not returned by then is unwound, so no goroutine outlives Run (and a
// world that is never run starts none), except a task that swallowed the
// unwind (see IsUnwind), which is parked for good and named in
// Outcome.Stuck. A panic of the strategy ends the run too: after teardown
// Run panics with the strategy's panic value on the caller's goroutine.
func (w *World) Run() Outcome {
	if w.started {
		panic("sim: World.Run called twice")
	}
	w.started = true
	for !w.ended {
		if len(w.doomed) > 0 {
			w.reap()
		}
		t := w.handoff
		w.handoff = nil
		if t == nil {
			if len(w.runnable) == 0 {
				switch {
				case w.live == 0:
					w.end(Outcome{Kind: Completed})
				case !w.fireTimers():
					w.endDeadlocked()
				}
				continue
			}
			c := 0
			if len(w.runnable) == 1 {
				t = w.runnable[0]
			} else {
				if c = w.decide(RunDecision, len(w.runnable)); c < 0 {
					break
				}
				t = w.chosenTask
			}
		}
		w.resume(t)
	}
	if w.onStep != nil {
		w.onStep(Op{}) // the run has ended
	}
	w.teardown()
	w.outcome.Steps, w.outcome.Time, w.outcome.Decisions = w.step, w.clock, w.choices.n
	if sp := w.stratPanic; sp != nil {
		panic(sp.value)
	}
	return w.outcome
}

// resume switches to t until it parks or returns.
func (w *World) resume(t *Task) {
	w.current = t
	w.running = t
	if w.onStep != nil {
		w.onStep(Op{Task: t, Access: t.pending.acc, op: t.pending})
	}
	if t.next == nil {
		t.start()
	}
	t.next()
	w.running = nil
}

// point is the decision point at the start of every sim operation: it
// records the operation the task is about to perform, counts a step,
// enforces the budget and lets the strategy switch tasks. Outside a task
// it does nothing.
func (w *World) point(op pendingOp) {
	t := w.running
	if t == nil {
		return
	}
	if t.killed {
		t.unwinding()
	}
	t.pending = op
	w.step++
	if w.step > w.maxSteps {
		w.end(Outcome{Kind: OverBudget})
		t.park()
	}
	if len(w.runnable) > 1 {
		if c := w.decide(RunDecision, len(w.runnable)); c != 0 {
			if c > 0 {
				w.handoff = w.chosenTask
			}
			t.park() // the step is reported when the task resumes
			return
		}
	}
	if w.onStep != nil {
		w.onStep(Op{Task: t, Access: op.acc, op: op})
	}
}

// pointExit is the decision point of a task whose function returned: its
// exit is a step (its process may exit with it). It runs in the task's
// deferred finish, so the unwind signal raised if the task is killed
// meanwhile is taken here.
func (w *World) pointExit() {
	defer func() {
		if r := recover(); r != nil && !IsUnwind(r) {
			panic(r)
		}
	}()
	w.point(pendingOp{acc: AccExit})
}

// decide asks the strategy for one of n options and records the choice. It
// returns -1 and ends the run when the strategy panics or its answer does
// not fit (diverged).
func (w *World) decide(kind Kind, n int) int {
	d := Decision{Step: w.step, Index: w.choices.n, Kind: kind, N: n, w: w}
	var c int
	if w.trusted {
		c = w.strategy.Choose(d)
	} else {
		c = w.choose(d)
	}
	if w.stratPanic != nil {
		w.end(Outcome{Kind: Diverged, Divergence: &DivergenceError{Step: w.step, Decision: d.Index,
			Reason: fmt.Sprintf("the strategy panicked: %v", panicText(w.stratPanic.value))}})
		return -1
	}
	if c < 0 || c >= n {
		reason := fmt.Sprintf("strategy chose %d of %d %s options", c, n, kind)
		if dv, ok := w.strategy.(Diverger); ok {
			reason = dv.Divergence()
		}
		w.end(Outcome{Kind: Diverged, Divergence: &DivergenceError{Step: w.step, Decision: d.Index, Reason: reason}})
		return -1
	}
	w.choices.add(kind, c, n)
	if kind == RunDecision {
		if t := w.running; c == 0 && t != nil {
			w.chosenTask = t // keep running: the common case
		} else {
			w.chosenTask = w.runOption(c)
		}
		w.chosen.add(int32(w.chosenTask.id))
	}
	return c
}

// choose calls the strategy, keeping a panic of its own for Run's caller:
// the strategy may run on a task's goroutine, whose recover must not take
// it.
func (w *World) choose(d Decision) (c int) {
	defer func() {
		if r := recover(); r != nil {
			w.stratPanic = &strategyPanic{value: r}
			c = -1
		}
	}()
	return w.strategy.Choose(d)
}

// runOption maps option i of a Run decision to a task: the runnable tasks in
// round-robin order of ID, starting at the current task (or, when it is not
// runnable, at the first task after it).
func (w *World) runOption(i int) *Task {
	n := len(w.runnable)
	p := 0
	if cur := w.current; cur == nil {
	} else if cur.slot >= 0 {
		p = cur.slot
	} else {
		p = sort.Search(n, func(j int) bool { return w.runnable[j].id >= cur.id })
	}
	if i += p; i >= n {
		i %= n
	}
	return w.runnable[i]
}

// end records how the run ended; the first ending wins.
func (w *World) end(o Outcome) {
	if w.ended {
		return
	}
	w.outcome = o
	w.ended = true
}

func (w *World) endDeadlocked() {
	w.end(Outcome{Kind: Deadlocked, Blocked: w.blockedTasks(0, true)})
}

// blockedTasks describes the blocked tasks blocked for at least d; daemons
// are included when withDaemons is set.
func (w *World) blockedTasks(d time.Duration, withDaemons bool) []BlockedTask {
	var out []BlockedTask
	for _, t := range w.tasks {
		if t.state != blocked || (t.daemon && !withDaemons) || w.clock-t.since < d {
			continue
		}
		bt := BlockedTask{Task: t.path, Process: t.proc.path, Daemon: t.daemon, WaitsOn: w.describeWait(t),
			Since: t.since, Access: t.blockedOn.acc}
		if o := t.blockedOn.obj; o != nil {
			bt.Object = o.id
		}
		out = append(out, bt)
	}
	return out
}

// teardown unwinds every task that has not returned, in ID order.
func (w *World) teardown() {
	for _, t := range w.tasks {
		w.unwind(t)
	}
	for _, t := range w.tasks {
		if t.stuck {
			w.outcome.Stuck = append(w.outcome.Stuck, t.path)
		}
	}
	w.runnable = w.runnable[:0]
}

// reap unwinds the tasks of killed processes.
func (w *World) reap() {
	for len(w.doomed) > 0 {
		t := w.doomed[0]
		w.doomed = w.doomed[1:]
		w.unwind(t)
	}
}

// unwind ends a task that has not returned: a started task is resumed with
// every sim operation failing, so it panics with the unwind signal up to
// its finish; a task that never ran is just marked done.
func (w *World) unwind(t *Task) {
	if t.state == done || t.stuck {
		return
	}
	t.killed = true
	if t.next == nil {
		t.finish()
		return
	}
	prev := w.current
	w.current = t
	w.running = t
	t.next()
	w.running = nil
	w.current = prev
}

// Note records an event of kind EvNote with the given detail, attributed to
// the current task. Code under simulation uses it to put its own milestones
// (a request sent, a reply parsed) into the trace. It is not a decision
// point.
func (w *World) Note(detail string) { w.emitText(EvNote, detail) }

// Yield is a bare decision point: the strategy may switch to another task.
// It records no event (nothing happens but the decision, which is in the
// schedule).
func (w *World) Yield() { w.point(pendingOp{acc: AccYield}) }

func (w *World) task(id int) *Task {
	if id <= 0 || id > len(w.tasks) {
		return nil
	}
	return w.tasks[id-1]
}

func (w *World) taskName(id int) string {
	if t := w.task(id); t != nil {
		return t.path
	}
	return "-"
}

func (w *World) procName(id int) string {
	if id <= 0 || id > len(w.procs) {
		return "-"
	}
	return w.procs[id-1].path
}

// Tasks returns every task created so far, in creation order. The slice
// must not be modified.
func (w *World) Tasks() []*Task { return w.tasks }

// Processes returns every process created so far, in creation order. The
// slice must not be modified.
func (w *World) Processes() []*Process { return w.procs }
