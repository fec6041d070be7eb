package sim

import "strconv"

// ObjectID names a simulated object (a mutex, a condition, one direction
// of a connection, an address, a process's memory, the clock, or an Object
// declared by simulated code) by lineage, so that it names the same object
// in sibling schedules of one scenario: Owner is the path of the task that
// created it (or of the process, for a process's memory; "" for objects
// made outside tasks), Seq its ordinal among the
// objects that owner created. It never depends on the order in which
// different tasks created objects.
type ObjectID struct {
	Owner string
	Seq   int
}

// Sequence numbers with a fixed meaning.
const (
	seqMemory = 0  // a process's memory (Owner is the process path)
	seqClock  = -2 // the world's clock and timer queue
	seqAddr   = -3 // a network address (Owner is "addr " + the address)
)

// String renders the identity: "app/master:3", "app/worker#2 memory",
// "addr db:5432", "clock".
func (id ObjectID) String() string {
	switch id.Seq {
	case seqMemory:
		return id.Owner + " memory"
	case seqClock:
		return "clock"
	case seqAddr:
		return id.Owner
	}
	if id.Owner == "" {
		return "setup:" + strconv.Itoa(id.Seq)
	}
	return id.Owner + ":" + strconv.Itoa(id.Seq)
}

// objectKind says what an object is.
type objectKind uint8

const (
	objUser objectKind = iota + 1
	objMutex
	objCond
	objStream
	objAddr
	objClock
	objProcess
	objSocket
)

var objectKindNames = [...]string{objUser: "object", objMutex: "mutex", objCond: "cond",
	objStream: "stream", objAddr: "address",
	objClock: "clock", objProcess: "process", objSocket: "socket"}

// object is the identity every simulated object carries.
type object struct {
	id   ObjectID
	num  int // creation order in the world: deterministic for one schedule, hashed into traces
	kind objectKind
	name string // display name
	mu   *Mutex // the mutex, for objects that are one (holder in reports)
}

// newObject gives o its identity: created by the running task (or outside
// tasks), with the next ordinal of that creator.
func (w *World) newObject(o *object, kind objectKind, name string) {
	w.objects++
	o.num, o.kind, o.name = w.objects, kind, name
	if t := w.running; t != nil {
		t.objects++
		o.id = ObjectID{Owner: t.path, Seq: t.objects}
	} else {
		w.setupObjects++
		o.id = ObjectID{Seq: w.setupObjects}
	}
}

// fixedObject gives o a fixed identity (process memory, addresses, the
// clock).
func (w *World) fixedObject(o *object, kind objectKind, id ObjectID, name string) {
	w.objects++
	o.num, o.kind, o.name, o.id = w.objects, kind, name, id
}

// Object is a piece of Go memory that simulated code shares between tasks
// without a sim primitive guarding it, declared so that a search can tell
// which steps touch it (see World.Access and Process.DeclareAccesses).
type Object struct {
	obj object
}

// NewObject declares a shared object named name. Its identity is the
// creating task's path and ordinal.
func (w *World) NewObject(name string) *Object {
	o := &Object{}
	w.newObject(&o.obj, objUser, name)
	return o
}

// ID returns the object's identity.
func (o *Object) ID() ObjectID { return o.obj.id }

// Name returns the name the object was declared with.
func (o *Object) Name() string { return o.obj.name }
