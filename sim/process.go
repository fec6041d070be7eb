package sim

import (
	"fmt"
	"strconv"
)

// file is what a descriptor refers to: a socket endpoint or a listener,
// shared by every descriptor (in any process) that refers to it.
type file interface {
	retain()
	release()
	object() *object
	stream() *object // the outbound stream of a socket; nil for a listener
	String() string
}

// Process owns tasks, a descriptor table, and the simulated objects that
// stand for its memory (mutexes and conditions made with Process.NewMutex
// and Process.NewCond). Objects that stand for a process's memory (a
// driver's connection, a pool) hold descriptor numbers and reach sockets
// through their process's table, as in Unix.
//
// Invariant: a descriptor table entry holds one reference to its file; a
// file is closed when its last reference goes.
type Process struct {
	w        *World
	id       int
	name     string
	path     string // lineage: parent's path, name and fork ordinal
	obj      object
	parent   *Process
	fds      []file // index = descriptor number; nil = free
	tasks    int    // tasks started and not yet done
	exited   bool
	declared bool // its code declares its shared-memory accesses

	forks   int         // children forked so far, for their ordinals
	spawns  []nameCount // tasks started from outside the process, by name
	mutexes []*Mutex    // mutexes in its memory, in creation order
	conds   []*Cond     // conditions in its memory, in creation order
	// copies maps the parent's mutexes and conditions to this child's
	// copies (lookup only).
	copies map[any]any
}

// NewProcess creates a process with an empty descriptor table, standing for
// a separately started program (a database server, a load generator). Its
// path is its name, with "#k" for the k-th process of that name made with
// NewProcess: give separately started programs distinct names where the
// order of their creation can vary between schedules.
func (w *World) NewProcess(name string) *Process {
	return w.newProcess(name, ordinalName(name, bump(&w.rootNames, name)), nil)
}

func (w *World) newProcess(name, path string, parent *Process) *Process {
	p := &Process{w: w, id: len(w.procs) + 1, name: name, path: path, parent: parent}
	w.fixedObject(&p.obj, objProcess, ObjectID{Owner: path, Seq: seqMemory}, path)
	w.procs = append(w.procs, p)
	return p
}

// ID returns the process ID: 1 for the main process, increasing in creation
// order. It identifies the process within one run; Path names it across
// schedules.
func (p *Process) ID() int { return p.id }

// Name returns the process's name.
func (p *Process) Name() string { return p.name }

// Path returns the process's lineage path, such as "app/worker#2": the
// parent's path, then the name the child was forked with and its fork
// ordinal among the parent's children.
func (p *Process) Path() string { return p.path }

// Parent returns the process p was forked from, or nil.
func (p *Process) Parent() *Process { return p.parent }

// Exited reports whether the process has exited or been killed.
func (p *Process) Exited() bool { return p.exited }

// String returns the process's path.
func (p *Process) String() string { return p.path }

// DeclareAccesses says that the code running in p declares every access to
// Go memory shared between p's tasks (with World.Access) or guards it with
// sim primitives. Until a process declares, a search must treat any two
// steps of its tasks as dependent through its memory, which is always
// sound; after it, steps of p's tasks that touch no common sim object
// commute. Forked children inherit the declaration.
func (p *Process) DeclareAccesses() { p.declared = true }

// Declared reports whether p (or the process it was forked from) has
// called DeclareAccesses.
func (p *Process) Declared() bool { return p.declared }

// Descriptors returns the open descriptor numbers, ascending.
func (p *Process) Descriptors() []int {
	var out []int
	for fd, f := range p.fds {
		if f != nil {
			out = append(out, fd)
		}
	}
	return out
}

// install puts f in the lowest free descriptor slot (f's reference is
// transferred to the table) and returns its number.
func (p *Process) install(f file) int {
	for fd, g := range p.fds {
		if g == nil {
			p.fds[fd] = f
			return fd
		}
	}
	p.fds = append(p.fds, f)
	return len(p.fds) - 1
}

// closeFD removes descriptor fd from the table and drops its reference.
func (p *Process) closeFD(fd int) {
	f := p.fds[fd]
	p.fds[fd] = nil
	p.w.emitObj2(EvClose, f.object(), f.stream(), int64(fd), int64(p.id), 0)
	f.release()
}

// checkCaller panics when a task of another process acts for p: a Go object
// that stands for one process's memory must not be used by another. obj,
// if not nil, names the object; the message is built only on failure, as
// the check runs at every network operation.
func (p *Process) checkCaller(what string, obj fmt.Stringer) {
	if t := p.w.running; t != nil && t.proc != p {
		if obj != nil {
			what += " " + obj.String()
		}
		panic(fmt.Sprintf("sim: %s of process %s used by task %s of process %s", what, p, t, t.proc))
	}
}

// Fork creates a child of p with a copy of p's descriptor table and of the
// mutexes and conditions in p's memory: the child's descriptors refer to
// the same sockets and listeners, whose reference counts rise; a mutex
// that a task of p holds is held in the child by a thread that does not
// exist there, so it stays locked forever (as after fork(2), where only
// the forking thread survives). copyMemory, if not nil, is then called so
// the caller can copy what stands for p's memory into the child
// (rebinding descriptor-holding objects with Conn.In, mutexes with
// Mutex.In). The child has no tasks until the caller starts some with
// child.Go. Its path is p's path, then name#k for p's k-th child. Fork is
// a decision point and must be called by a task of p, or outside any task.
func (p *Process) Fork(name string, copyMemory func(child *Process)) *Process {
	w := p.w
	w.point(pendingOp{acc: AccFork, obj: &p.obj})
	p.checkCaller("fork", nil)
	p.forks++
	child := w.newProcess(name, p.path+"/"+name+"#"+strconv.Itoa(p.forks), p)
	child.declared = p.declared
	child.fds = make([]file, len(p.fds))
	for fd, f := range p.fds {
		if f != nil {
			f.retain()
			child.fds[fd] = f
		}
	}
	p.copyPrimitives(child)
	w.emitObj(EvFork, &p.obj, int64(child.id), 0, 0)
	if copyMemory != nil {
		copyMemory(child)
	}
	return child
}

// copyPrimitives copies p's mutexes and conditions into child with the
// state they have now.
func (p *Process) copyPrimitives(child *Process) {
	if len(p.mutexes) == 0 && len(p.conds) == 0 {
		return
	}
	child.copies = make(map[any]any, len(p.mutexes)+len(p.conds))
	for _, m := range p.mutexes {
		c := &Mutex{w: p.w, proc: child}
		p.w.fixedObject(&c.obj, objMutex, copyID(m.obj.id, child), m.obj.name)
		c.obj.mu = c
		switch {
		case m.holder != nil:
			c.ghost = m.holder.path
		case m.ghost != "":
			c.ghost = m.ghost
		}
		child.mutexes = append(child.mutexes, c)
		child.copies[m] = c
	}
	for _, cd := range p.conds {
		c := &Cond{w: p.w, proc: child, L: child.copies[cd.L].(*Mutex)}
		p.w.fixedObject(&c.obj, objCond, copyID(cd.obj.id, child), cd.obj.name)
		child.conds = append(child.conds, c)
		child.copies[cd] = c
	}
}

// copyID is the identity of the copy of an object in a forked child.
func copyID(id ObjectID, child *Process) ObjectID {
	return ObjectID{Owner: id.Owner + "@" + child.path, Seq: id.Seq}
}

// Kill ends the process: its descriptors are closed and its tasks never run
// again (they are unwound). A task that kills its own process does not
// return from Kill. Kill is a decision point.
func (p *Process) Kill() {
	p.w.point(pendingOp{acc: AccKill, obj: &p.obj})
	p.exit(EvKill)
}

// taskDone is called when one of p's tasks is done; a process whose last
// task is done exits.
func (p *Process) taskDone() {
	p.tasks--
	if p.tasks == 0 {
		p.exit(EvProcExit)
	}
}

// exit closes p's descriptors and dooms its remaining tasks; how is EvKill
// or EvProcExit.
func (p *Process) exit(how EventKind) {
	w := p.w
	if p.exited {
		return
	}
	p.exited = true
	w.emitObj(how, &p.obj, 0, 0, 0)
	for fd, f := range p.fds {
		if f != nil {
			p.closeFD(fd)
		}
	}
	self := false
	for _, t := range w.tasks {
		if t.proc != p || t.state == done || t.killed {
			continue
		}
		if t == w.running {
			self = true
			continue
		}
		t.killed = true
		t.detach()
		w.removeRunnable(t)
		w.doomed = append(w.doomed, t)
	}
	if self {
		w.running.killed = true
		w.running.unwinding()
	}
}
