package sim

import (
	"strconv"
	"strings"
)

// Access is the kind of a task's pending operation: what it does to the
// object it touches when it next runs.
type Access uint8

// The kinds of access. A search decides whether two steps commute from
// these (see Dependent).
const (
	// AccStart is a task's first step: its code up to its first sim
	// operation. It touches no sim object.
	AccStart Access = iota + 1
	// AccYield is a step that touches no sim object: a bare Yield, or a
	// task resuming after a sleep.
	AccYield
	AccAcquire // locking a mutex
	AccRelease // unlocking a mutex
	AccWait    // waiting on a condition (releasing its mutex)
	AccSignal  // signalling or broadcasting a condition
	AccSpawn   // starting a task
	AccFork    // forking a process: reads all of its memory
	AccKill    // killing a process
	AccExit    // a task's function returning (its process may exit)
	AccTimer   // putting a timer on the clock (Sleep, AfterFunc)
	AccWrite   // appending bytes to a stream
	AccRead    // consuming bytes from a stream (or its end)
	AccClose   // closing or shutting down a socket or listener
	AccListen  // opening a listener on an address
	AccDial    // connecting to an address
	AccAccept  // taking a connection from an address's backlog
	AccMemRead // reading declared shared memory (World.Access)
	// AccMemWrite is writing declared shared memory (World.Access).
	AccMemWrite
	// AccOpaque is an operation a search must treat as dependent with
	// every other.
	AccOpaque
	accCount
)

var accessNames = [...]string{AccStart: "start", AccYield: "yield", AccAcquire: "acquire",
	AccRelease: "release", AccWait: "wait", AccSignal: "signal", AccSpawn: "spawn",
	AccFork: "fork", AccKill: "kill", AccExit: "exit", AccTimer: "timer", AccWrite: "write",
	AccRead: "read", AccClose: "close", AccListen: "listen", AccDial: "dial",
	AccAccept: "accept", AccMemRead: "mem-read", AccMemWrite: "mem-write", AccOpaque: "opaque"}

// String returns the access kind's name.
func (a Access) String() string {
	if a < accCount && accessNames[a] != "" {
		return accessNames[a]
	}
	return "access(" + strconv.Itoa(int(a)) + ")"
}

// pendingOp is what a task does when it next runs: stored in the task at
// its decision point, so a search sees it for every runnable task.
type pendingOp struct {
	acc  Access
	obj  *object
	obj2 *object // the mutex a wait releases; the inbound stream a close touches
	fds  bool    // installs or removes descriptors of the task's process
}

// Op is a task's pending operation as a strategy sees it: the task, the
// kind of access and the objects it touches.
type Op struct {
	Task   *Task
	Access Access
	op     pendingOp
}

// Object returns the identity of the object the operation touches, and
// false when it touches none (a start, a yield, an exit).
func (o Op) Object() (ObjectID, bool) {
	if o.op.obj == nil {
		return ObjectID{}, false
	}
	return o.op.obj.id, true
}

// Objects returns the identities of every object the operation touches.
func (o Op) Objects() []ObjectID {
	var ids []ObjectID
	for _, x := range [2]*object{o.op.obj, o.op.obj2} {
		if x != nil {
			ids = append(ids, x.id)
		}
	}
	return ids
}

// String renders the operation: "app/master acquire mutex pool (app/master:2)".
func (o Op) String() string {
	var b strings.Builder
	if o.Task != nil {
		b.WriteString(o.Task.path)
		b.WriteByte(' ')
	}
	b.WriteString(o.Access.String())
	for _, x := range [2]*object{o.op.obj, o.op.obj2} {
		if x != nil {
			b.WriteByte(' ')
			b.WriteString(objectKindNames[x.kind])
			b.WriteByte(' ')
			b.WriteString(x.name)
			b.WriteString(" (")
			b.WriteString(x.id.String())
			b.WriteByte(')')
		}
	}
	return b.String()
}

// Dependent reports whether two pending operations of different tasks may
// not commute: running them in either order can lead to different states.
// It is the relation a partial-order reduction needs, and it errs on the
// side of dependence:
//
//   - operations of one task are dependent (program order);
//   - forks, kills, exits and opaque operations are dependent with
//     everything;
//   - two tasks of one process are dependent through that process's Go
//     memory unless the process declares its shared accesses
//     (Process.DeclareAccesses);
//   - operations that install or remove descriptors of one process are
//     dependent;
//   - otherwise two operations are dependent when they touch a common
//     object and are not both reads of declared memory. A stream read
//     consumes bytes, so it is dependent with other reads, writes and
//     closes of the same stream.
func Dependent(a, b Op) bool {
	if a.Task == nil || b.Task == nil || a.Task == b.Task {
		return true
	}
	if opaque(a.Access) || opaque(b.Access) {
		return true
	}
	pa, pb := a.Task.proc, b.Task.proc
	if pa == pb && (!pa.declared || (a.op.fds && b.op.fds)) {
		return true
	}
	for _, x := range [2]*object{a.op.obj, a.op.obj2} {
		if x == nil {
			continue
		}
		for _, y := range [2]*object{b.op.obj, b.op.obj2} {
			if x == y && !(a.Access == AccMemRead && b.Access == AccMemRead) {
				return true
			}
		}
	}
	return false
}

func opaque(a Access) bool {
	switch a {
	case AccFork, AccKill, AccExit, AccOpaque:
		return true
	}
	return false
}

// Access is a decision point that declares an access of the current task
// to shared Go memory that no sim primitive guards: kind is AccMemRead or
// AccMemWrite. Simulated code calls it just before touching obj, so that a
// search can order the access against other tasks' accesses to obj. See
// Process.DeclareAccesses. Outside a task it does nothing.
func (w *World) Access(obj *Object, kind Access) {
	if kind != AccMemRead && kind != AccMemWrite {
		panic("sim: World.Access wants AccMemRead or AccMemWrite, got " + kind.String())
	}
	w.point(pendingOp{acc: kind, obj: &obj.obj})
	w.emitObj(EvAccess, &obj.obj, int64(kind), 0, 0)
}
