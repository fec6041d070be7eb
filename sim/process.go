package sim

import "fmt"

// file is what a descriptor refers to: a socket endpoint or a listener,
// shared by every descriptor (in any process) that refers to it.
type file interface {
	retain()
	release()
	String() string
}

// Process owns tasks and a descriptor table. Objects that stand for a
// process's memory (a driver's connection, a pool) hold descriptor numbers
// and reach sockets through their process's table, as in Unix.
//
// Invariant: a descriptor table entry holds one reference to its file; a
// file is closed when its last reference goes.
type Process struct {
	w      *World
	id     int
	name   string
	parent *Process
	fds    []file // index = descriptor number; nil = free
	tasks  int    // tasks started and not yet done
	exited bool
}

// NewProcess creates a process with an empty descriptor table, standing for
// a separately started program (a database server, a load generator).
func (w *World) NewProcess(name string) *Process {
	p := &Process{w: w, id: len(w.procs) + 1, name: name}
	w.procs = append(w.procs, p)
	return p
}

// ID returns the process ID: 1 for the main process, increasing in creation
// order.
func (p *Process) ID() int { return p.id }

// Name returns the process's name.
func (p *Process) Name() string { return p.name }

// Parent returns the process p was forked from, or nil.
func (p *Process) Parent() *Process { return p.parent }

// Exited reports whether the process has exited or been killed.
func (p *Process) Exited() bool { return p.exited }

// String returns the process's name and ID.
func (p *Process) String() string { return fmt.Sprintf("%s#%d", p.name, p.id) }

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
	p.w.emit(EvClose, fmt.Sprintf("fd %d of %s (%v)", fd, p.name, f))
	f.release()
}

// checkCaller panics when a task of another process acts for p: a Go object
// that stands for one process's memory must not be used by another. obj,
// if not nil, names the object; the message is built only on failure, as
// the check runs at every network operation.
func (p *Process) checkCaller(what string, obj fmt.Stringer) {
	if t := p.w.Current(); t != nil && t.proc != p {
		if obj != nil {
			what += " " + obj.String()
		}
		panic(fmt.Sprintf("sim: %s of process %s used by task %s of process %s", what, p, t, t.proc))
	}
}

// Fork creates a child of p with a copy of p's descriptor table: the child's
// descriptors refer to the same sockets and listeners, whose reference
// counts rise. copyMemory, if not nil, is then called so the caller can copy
// what stands for p's memory into the child (rebinding descriptor-holding
// objects with Conn.In). The child has no tasks until the caller starts
// some with child.Go, as after fork(2) only the forking thread exists.
// Fork is a decision point and must be called by a task of p, or outside
// any task.
func (p *Process) Fork(name string, copyMemory func(child *Process)) *Process {
	w := p.w
	w.point()
	p.checkCaller("fork", nil)
	child := w.NewProcess(name)
	child.parent = p
	child.fds = make([]file, len(p.fds))
	for fd, f := range p.fds {
		if f != nil {
			f.retain()
			child.fds[fd] = f
		}
	}
	w.emit(EvFork, fmt.Sprintf("%s -> %s fds %v", p, child, child.Descriptors()))
	if copyMemory != nil {
		copyMemory(child)
	}
	return child
}

// Kill ends the process: its descriptors are closed and its tasks never run
// again (they are unwound). A task that kills its own process does not
// return from Kill. Kill is a decision point.
func (p *Process) Kill() {
	p.w.point()
	p.exit("killed")
}

// taskDone is called when one of p's tasks is done; a process whose last
// task is done exits.
func (p *Process) taskDone() {
	p.tasks--
	if p.tasks == 0 {
		p.exit("exited")
	}
}

// exit closes p's descriptors and dooms its remaining tasks.
func (p *Process) exit(how string) {
	w := p.w
	if p.exited {
		return
	}
	p.exited = true
	w.emit(EvKill, fmt.Sprintf("%s %s", p, how))
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
		if t == w.Current() {
			self = true
			continue
		}
		t.killed = true
		t.detach()
		w.removeRunnable(t)
		w.doomed = append(w.doomed, t)
	}
	if self {
		w.current.killed = true
		panic(errUnwind)
	}
}
