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
//   - at most one task executes at any moment; w.current is the task that
//     runs or ran last;
//   - w.runnable holds exactly the tasks that can run (the running one
//     included), sorted by ID, and each task's slot is its index there;
//   - every decision with two or more options is drawn from the strategy and
//     recorded in w.choices, in the order taken.
type World struct {
	strategy Strategy
	maxSteps int
	split    SplitPolicy

	tasks    []*Task // every task, indexed by ID-1
	runnable []*Task // runnable tasks sorted by ID
	current  *Task   // the task running, or the one that ran last
	running  *Task   // the task executing now; nil in the scheduler
	handoff  *Task   // chosen successor of a preempted task
	live     int     // tasks not yet done that are not daemons
	doomed   []*Task // tasks of killed processes, to unwind

	procs []*Process // every process, indexed by ID-1
	main  *Process

	step   int
	clock  time.Duration
	timers timerQueue

	choices choiceLog
	trace   Trace
	net     network

	started bool
	ended   bool
	outcome Outcome
}

// Option configures a World.
type Option func(*World)

// MaxSteps sets the step budget: a run that takes more steps ends as
// OverBudget (a livelock, or a workload too large for the budget).
func MaxSteps(n int) Option { return func(w *World) { w.maxSteps = n } }

// KeepEvents says whether the trace keeps its events (default true). The
// hash is computed either way; benchmarks and long explorations turn
// keeping off.
func KeepEvents(keep bool) Option { return func(w *World) { w.trace.keep = keep } }

// New returns a world whose decisions are taken by s. It has one process,
// "main", in which tasks started with World.Go outside any task run.
func New(s Strategy, opts ...Option) *World {
	w := &World{strategy: s, maxSteps: DefaultMaxSteps}
	w.trace.keep = true
	w.trace.w = w
	w.net.listeners = map[string]*listener{}
	for _, o := range opts {
		o(w)
	}
	w.main = w.NewProcess("main")
	return w
}

// Main returns the world's first process.
func (w *World) Main() *Process { return w.main }

// Trace returns the run's trace.
func (w *World) Trace() *Trace { return &w.trace }

// Step returns the number of steps taken so far.
func (w *World) Step() int { return w.step }

// Current returns the task that is running, or nil outside tasks.
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
// world that is never run starts none).
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
			if len(w.runnable) > 1 {
				if c = w.decide(RunDecision, len(w.runnable)); c < 0 {
					break
				}
			}
			t = w.runOption(c)
		}
		w.resume(t)
	}
	w.teardown()
	w.outcome.Steps, w.outcome.Time, w.outcome.Decisions = w.step, w.clock, w.choices.n
	return w.outcome
}

// resume switches to t until it parks or returns.
func (w *World) resume(t *Task) {
	w.current = t
	w.running = t
	if t.next == nil {
		t.start()
	}
	t.next()
	w.running = nil
}

// point is the decision point at the start of every sim operation: it
// counts a step, enforces the budget and lets the strategy switch tasks.
// Outside a task it does nothing.
func (w *World) point() {
	t := w.running
	if t == nil {
		return
	}
	if t.killed {
		panic(errUnwind)
	}
	w.step++
	if w.step > w.maxSteps {
		w.end(Outcome{Kind: OverBudget})
		t.park()
	}
	if len(w.runnable) > 1 {
		c := w.decide(RunDecision, len(w.runnable))
		if c != 0 {
			if c > 0 {
				w.handoff = w.runOption(c)
			}
			t.park()
		}
	}
}

// decide asks the strategy for one of n options and records the choice. It
// returns -1 and ends the run as diverged when the strategy's answer does not
// fit.
func (w *World) decide(kind Kind, n int) int {
	d := Decision{Step: w.step, Index: w.choices.n, Kind: kind, N: n, w: w}
	c := w.strategy.Choose(d)
	if c < 0 || c >= n {
		reason := fmt.Sprintf("strategy chose %d of %d %s options", c, n, kind)
		if dv, ok := w.strategy.(Diverger); ok {
			reason = dv.Divergence()
		}
		w.end(Outcome{Kind: Diverged, Divergence: &DivergenceError{Step: w.step, Decision: d.Index, Reason: reason}})
		return -1
	}
	w.choices.add(kind, c, n)
	return c
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
	o := Outcome{Kind: Deadlocked}
	for _, t := range w.tasks {
		if t.state == blocked {
			o.Blocked = append(o.Blocked, BlockedTask{Task: t.name, Process: t.proc.name, Daemon: t.daemon, WaitsOn: t.waitsOn})
		}
	}
	w.end(o)
}

// teardown unwinds every task that has not returned, in ID order.
func (w *World) teardown() {
	for _, t := range w.tasks {
		w.unwind(t)
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
// its yield failing, so it panics with errUnwind up to its finish; a task
// that never ran is just marked done.
func (w *World) unwind(t *Task) {
	if t.state == done {
		return
	}
	t.killed = true
	if !t.started {
		if t.stop != nil {
			t.stop()
		}
		t.finish()
		return
	}
	prev := w.current
	w.current = t
	w.running = t
	t.stop()
	w.running = nil
	w.current = prev
}

// emit records an event attributed to the current task, or to the
// scheduler outside tasks.
func (w *World) emit(kind EventKind, detail string) {
	w.emitFor(w.running, kind, detail)
}

func (w *World) emitFor(t *Task, kind EventKind, detail string) {
	if w.ended {
		return
	}
	e := Event{Step: w.step, Time: w.clock, Kind: kind, Detail: detail}
	if t != nil {
		e.Task, e.Proc = t.id, t.proc.id
	}
	w.trace.add(&e)
}

// Note records an event of kind EvNote with the given detail, attributed to
// the current task. Code under simulation uses it to put its own milestones
// (a request sent, a reply parsed) into the trace. It is not a decision
// point.
func (w *World) Note(detail string) { w.emit(EvNote, detail) }

// Yield is a bare decision point: the strategy may switch to another task.
// It records no event (nothing happens but the decision, which is in the
// schedule).
func (w *World) Yield() { w.point() }

func (w *World) taskName(id int) string {
	if id <= 0 || id > len(w.tasks) {
		return "-"
	}
	return w.tasks[id-1].name
}

func (w *World) procName(id int) string {
	if id <= 0 || id > len(w.procs) {
		return "-"
	}
	return w.procs[id-1].name
}
