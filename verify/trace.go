package verify

import "github.com/poolsim/poolsim/sim"

// traceFingerprint follows one run step by step (sim.OnStep) and keeps a
// fingerprint of its Mazurkiewicz trace: of the steps that ran, and of the
// order between every two of them that may not commute. Two runs whose
// step sequences differ only by swapping adjacent independent steps have
// the same fingerprint; two runs with the same fingerprint are such
// reorderings of each other, and so end in the same state (see the package
// documentation for the argument and for the dependence it uses).
//
// Each step is an event labelled by its task's path and its index among
// that task's steps (the scheduler's own steps, timer firings, form a
// pseudo-task). The fingerprint is the sum, over events, of a hash of the
// event's label, its access kind and the labels of its immediate
// predecessors in the dependence order: its task's previous event, the
// event that created its task, and for every resource it touches the
// events on that resource it must follow. A resource is an object, the
// memory or descriptor table of a process, the task-creation and
// connection counters of the world, or "everything" (which opaque steps
// write and every other step reads). Writes follow the last write and the
// reads since; reads follow the last write. The predecessors so chosen are
// the same in every reordering, so the sum is a function of the trace, and
// their transitive closure orders every two events that touch a common
// resource with one of them writing, so equal sums (barring a 64-bit
// collision) mean equal traces. Data choices (split decisions, timer
// choices) are folded in as data of the event they belong to, and an idle
// attempt that blocked is not an event but, while its task waits, part of
// the state (see settle).
type traceFingerprint struct {
	w       *sim.World
	tasks   []taskTrace // by task ID - 1
	procs   []procTrace // by process ID - 1
	objects map[sim.ObjectID]int32
	res     []resource // the objects' resources
	all     resource   // opaque steps write it, every other step reads it
	spawns  resource   // task creation (IDs and lineage ordinals)
	dials   resource   // the world's connection counter
	timers  uint64     // timer firings so far
	last    uint64     // label of the last event, which created any new task
	sum     uint64     // the trace fingerprint
	blocked uint64     // the attempts tasks are blocked in (see settle)
	ids     uint64     // the task and process ID assignment
	// pending is the step reported last, settled when the next report or
	// decision shows how it ended
	pending    sim.Op
	hasPending bool
}

// taskTrace is what the fingerprint keeps per task.
type taskTrace struct {
	path    uint64   // hash of the task's path
	n       uint64   // events so far
	prev    uint64   // label of its last event
	created uint64   // label of the event that created it; 0 before the run
	splits  uint64   // split decisions in its current event
	wait    [2]int32 // the resources of the condition and mutex of its last Wait
	waiting bool     // its last event was a Wait: its next one completes it
	attempt uint64   // the attempt it is blocked in, 0 if none
}

// procTrace is what the fingerprint keeps per process.
type procTrace struct {
	mem, fds resource
}

// resource orders the events that touch one thing: the label of the last
// write and the sum of the labels of the reads since.
type resource struct {
	w, reads uint64
}

// write records a writing event e and returns the labels it follows.
func (r *resource) write(e uint64) uint64 {
	p := r.w + r.reads
	r.w, r.reads = e, 0
	return p
}

// read records a reading event e and returns the label it follows.
func (r *resource) read(e uint64) uint64 {
	r.reads += e
	return r.w
}

var schedulerPath = hashString("\x00scheduler") ^ tagScheduler

// reset prepares the fingerprint for a new run of w.
func (f *traceFingerprint) reset(w *sim.World) {
	f.w = w
	f.tasks, f.procs, f.res = f.tasks[:0], f.procs[:0], f.res[:0]
	if f.objects == nil {
		f.objects = map[sim.ObjectID]int32{}
	}
	clear(f.objects)
	f.all, f.spawns, f.dials = resource{}, resource{}, resource{}
	f.timers, f.last, f.sum, f.blocked, f.ids = 0, 0, 0, 0, 0
	f.pending, f.hasPending = sim.Op{}, false
}

// sync takes in the tasks and processes created since the last call: the
// last event created them.
func (f *traceFingerprint) sync() {
	if ts := f.w.Tasks(); len(ts) > len(f.tasks) {
		for _, t := range ts[len(f.tasks):] {
			p := hashString(t.Path())
			f.tasks = append(f.tasks, taskTrace{path: p, created: f.last})
			f.ids += mix(p, uint64(t.ID()))
		}
	}
	if ps := f.w.Processes(); len(ps) > len(f.procs) {
		for _, p := range ps[len(f.procs):] {
			f.procs = append(f.procs, procTrace{})
			f.ids += mix(hashString(p.Path())^tagProcess, uint64(p.ID()))
		}
	}
}

// object returns the resource of object id.
func (f *traceFingerprint) object(id sim.ObjectID) *resource {
	i, ok := f.objects[id]
	if !ok {
		i = int32(len(f.res))
		f.res = append(f.res, resource{})
		f.objects[id] = i
	}
	return &f.res[i]
}

// opaque reports whether steps of kind a are dependent with every step.
func opaque(a sim.Access) bool {
	switch a {
	case sim.AccFork, sim.AccKill, sim.AccExit, sim.AccOpaque:
		return true
	}
	return false
}

// touchesDescriptors reports whether steps of kind a may install or
// remove descriptors of their process (a superset of the steps sim marks
// so: a shutdown is counted too).
func touchesDescriptors(a sim.Access) bool {
	switch a {
	case sim.AccListen, sim.AccAccept, sim.AccDial, sim.AccClose, sim.AccOpaque:
		return true
	}
	return false
}

// idle reports whether a step of kind a that blocks does nothing else
// before blocking: an acquire of a held mutex, a read of an empty stream, an
// accept with an empty backlog. Such an attempt only queues its task (on a
// queue whose waiters are all woken together), so a run in which the task
// blocks and is woken reaches the same state as one in which it ran the
// step only once it could complete it.
func idle(a sim.Access) bool {
	return a == sim.AccAcquire || a == sim.AccRead || a == sim.AccAccept
}

// step is the sim.OnStep hook. How the step reported last ended (blocked or
// not) shows only now, so it is settled now, and the new one kept pending.
func (f *traceFingerprint) step(op sim.Op) {
	f.settle()
	if op.Task == nil && op.Access == 0 {
		return // the end of the run
	}
	f.pending, f.hasPending = op, true
}

// settle adds the pending step as an event, then takes in the tasks and
// processes it created. A step of an idle kind after which its task is
// blocked is not an event: the task's next step (the completion, when it
// is woken) takes its place, and until then the attempt counts in the
// fingerprint as part of the state ("task T is blocked in its k-th step"),
// not of the trace.
func (f *traceFingerprint) settle() {
	if f.hasPending {
		f.hasPending = false
		op := f.pending
		f.pending = sim.Op{}
		if op.Task == nil {
			f.timer()
		} else {
			f.add(op)
		}
	}
	f.sync()
}

// timer adds a timer firing, an opaque event of the scheduler.
func (f *traceFingerprint) timer() {
	f.timers++
	label := mix(schedulerPath, f.timers)
	f.event(label, sim.AccTimer, f.all.write(label))
}

// add adds the event of a task's step.
func (f *traceFingerprint) add(op sim.Op) {
	t := &f.tasks[op.Task.ID()-1]
	acc := op.Access
	if idle(acc) && op.Task.Blocked() {
		a := mix(mix(t.path^tagBlocked, t.n+1), uint64(acc))
		f.blocked += a - t.attempt
		t.attempt = a
		return
	}
	if t.attempt != 0 {
		f.blocked -= t.attempt
		t.attempt = 0
	}
	t.n++
	label := mix(t.path, t.n)
	edges := t.prev
	if t.n == 1 {
		edges += t.created
	}
	if opaque(acc) {
		edges += f.all.write(label)
	} else {
		edges += f.all.read(label)
	}
	proc := op.Task.Process()
	pt := &f.procs[proc.ID()-1]
	switch {
	case !proc.Declared():
		edges += pt.mem.write(label)
	case touchesDescriptors(acc):
		edges += pt.fds.write(label)
	}
	switch acc {
	case sim.AccSpawn:
		edges += f.spawns.write(label)
	case sim.AccDial:
		edges += f.dials.write(label)
	}
	if t.waiting { // completing a Wait: woken through its condition
		t.waiting = false
		for _, i := range t.wait {
			if i >= 0 {
				edges += f.res[i].write(label)
			}
		}
	}
	switch acc {
	case sim.AccWait, sim.AccClose:
		t.wait = [2]int32{-1, -1}
		for k, id := range op.Objects() {
			r := f.object(id)
			edges += r.write(label)
			if acc == sim.AccWait && k < 2 {
				t.wait[k] = f.objects[id]
			}
		}
		t.waiting = acc == sim.AccWait
	default:
		if id, ok := op.Object(); ok {
			if acc == sim.AccMemRead {
				edges += f.object(id).read(label)
			} else {
				edges += f.object(id).write(label)
			}
		}
	}
	t.prev, t.splits = label, 0
	f.event(label, acc, edges)
}

// fingerprint returns the fingerprint so far: of the trace and of the
// attempts tasks are blocked in.
func (f *traceFingerprint) fingerprint() uint64 {
	f.settle()
	return f.sum + f.blocked
}

// event adds an event with its label, kind and predecessors.
func (f *traceFingerprint) event(label uint64, acc sim.Access, edges uint64) {
	f.sum += mix(mix(label, uint64(acc)), edges)
	f.last = label
}

// chose folds the data of decision d's choice c into the fingerprint: the
// split of the running task's read, or the timer that fires next.
func (f *traceFingerprint) chose(d sim.Decision, c int) {
	f.settle()
	switch d.Kind {
	case sim.SplitDecision:
		if op := d.Op(0); op.Task != nil {
			t := &f.tasks[op.Task.ID()-1]
			t.splits++
			f.sum += mix(mix(t.prev^tagSplit, t.splits), uint64(c))
		}
	case sim.TimerDecision:
		f.sum += mix(mix(schedulerPath^tagTimer, f.timers+1), uint64(c))
	}
}

// key identifies the node of decision d for the cache by the trace so far
// (with the attempts tasks are blocked in), the task and process IDs and
// the kind of decision. For a run decision it returns with it the ID of
// the task of option 0, which decides what the node's choices do (options
// follow the runnable tasks in round-robin order of ID from it, and every
// other option is a delay); the ID names one task among nodes of one key,
// whose ID assignments are equal. For the other kinds the task that ran
// last (the reader of a split; for a timer choice, the task from which the
// run decisions after the firing count) is part of the key instead, and
// who is 0.
func (f *traceFingerprint) key(d sim.Decision) (key uint64, who uint32) {
	f.settle()
	key = mix(mix(f.sum+f.blocked, f.ids), uint64(d.Kind)^tagKey)
	if d.Kind == sim.RunDecision {
		return key, uint32(d.Task(0).ID())
	}
	var last uint64
	if t := d.Last(); t != nil {
		last = f.tasks[t.ID()-1].path
	}
	return mix(key, last), 0
}
