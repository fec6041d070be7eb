package sim

import (
	"fmt"
	"net"
	"strconv"
	"syscall"
)

// network is the world's address space of listeners.
type network struct {
	listeners map[string]*listener // lookup only; never iterated
	addrs     map[string]*object   // every address used, for identities; lookup only
	conns     int                  // connections dialled so far
}

// Addr is an address on the simulated network.
type Addr string

// Network returns "sim".
func (a Addr) Network() string { return "sim" }

// String returns the address.
func (a Addr) String() string { return string(a) }

func opError(op string, addr string, err error) error {
	return &net.OpError{Op: op, Net: "sim", Addr: Addr(addr), Err: err}
}

// address returns the object that stands for addr: listening on it,
// dialling it and accepting from it touch that object.
func (w *World) address(addr string) *object {
	if o := w.net.addrs[addr]; o != nil {
		return o
	}
	if w.net.addrs == nil {
		w.net.addrs = map[string]*object{}
	}
	o := &object{}
	w.fixedObject(o, objAddr, ObjectID{Owner: "addr " + addr, Seq: seqAddr}, addr)
	w.net.addrs[addr] = o
	return o
}

// listener is a listening socket, shared by every descriptor that refers to
// it.
type listener struct {
	w       *World
	addr    string
	obj     *object // the address
	refs    int
	closed  bool
	backlog []*endpoint // dialled, not yet accepted
	accept  waitq
}

func (l *listener) retain()         { l.refs++ }
func (l *listener) String() string  { return "listen " + l.addr }
func (l *listener) object() *object { return l.obj }
func (l *listener) stream() *object { return nil }

func (l *listener) release() {
	l.refs--
	l.accept.wakeAll(l.w) // acceptors through the closed descriptor notice
	if l.refs > 0 {
		return
	}
	l.closed = true
	delete(l.w.net.listeners, l.addr)
	for _, e := range l.backlog {
		e.refs = 1
		e.release()
	}
	l.backlog = nil
	l.accept.wakeAll(l.w)
}

// Listener is a listening socket seen through one process's descriptor.
type Listener struct {
	proc *Process
	fd   int
	l    *listener
}

// Listen opens a listener on addr in the current task's process (the main
// process outside tasks). It is a decision point.
func (w *World) Listen(addr string) (*Listener, error) { return w.callerProcess().Listen(addr) }

// Listen opens a listener on addr in process p. It is a decision point and
// must be called by a task of p, or outside any task.
func (p *Process) Listen(addr string) (*Listener, error) {
	w := p.w
	obj := w.address(addr)
	w.point(pendingOp{acc: AccListen, obj: obj, fds: true})
	p.checkCaller("listen", nil)
	if _, used := w.net.listeners[addr]; used {
		return nil, opError("listen", addr, syscall.EADDRINUSE)
	}
	l := &listener{w: w, addr: addr, obj: obj, refs: 1}
	w.net.listeners[addr] = l
	fd := p.install(l)
	w.emitObj(EvListen, obj, int64(fd), 0, 0)
	return &Listener{proc: p, fd: fd, l: l}, nil
}

// Addr returns the listener's address.
func (ln *Listener) Addr() net.Addr { return Addr(ln.l.addr) }

// FD returns the descriptor number in the listener's process.
func (ln *Listener) FD() int { return ln.fd }

// In returns the same listener descriptor seen through p's table: how a
// forked child accepts on an inherited listening socket. It panics when p's
// descriptor ln.FD() refers to something else.
func (ln *Listener) In(p *Process) *Listener {
	if ln.fd >= len(p.fds) || p.fds[ln.fd] != file(ln.l) {
		panic(fmt.Sprintf("sim: process %s has no descriptor %d for %v", p, ln.fd, ln.l))
	}
	return &Listener{proc: p, fd: ln.fd, l: ln.l}
}

// valid reports whether the descriptor still refers to this listener.
func (ln *Listener) valid() bool {
	return ln.fd < len(ln.proc.fds) && ln.proc.fds[ln.fd] == file(ln.l)
}

// Accept waits for a dialled connection and returns it as a new descriptor
// of the listener's process. It is a decision point.
func (ln *Listener) Accept() (*Conn, error) {
	w := ln.proc.w
	op := pendingOp{acc: AccAccept, obj: ln.l.obj, fds: true}
	w.point(op)
	ln.proc.checkCaller("listener", nil)
	for {
		if !ln.valid() || ln.l.closed {
			return nil, opError("accept", ln.l.addr, net.ErrClosed)
		}
		if len(ln.l.backlog) > 0 {
			break
		}
		w.block(&ln.l.accept, op, op, int64(ln.fd))
	}
	e := ln.l.backlog[0]
	ln.l.backlog = ln.l.backlog[1:]
	e.refs = 1
	fd := ln.proc.install(e)
	w.emitObj2(EvAccept, ln.l.obj, &e.obj, int64(fd), 0, 0)
	return &Conn{proc: ln.proc, fd: fd, e: e}, nil
}

// Close closes the listener's descriptor. When no descriptor refers to the
// listener any more it stops listening and closes the connections not yet
// accepted (their dialler reads EOF; its writes fail with ECONNRESET). It
// is a decision point, dependent with every other operation (it may reset
// connections a search cannot see from the address alone).
func (ln *Listener) Close() error {
	w := ln.proc.w
	w.point(pendingOp{acc: AccOpaque, obj: ln.l.obj, fds: true})
	ln.proc.checkCaller("listener", nil)
	if !ln.valid() {
		return opError("close", ln.l.addr, net.ErrClosed)
	}
	ln.proc.closeFD(ln.fd)
	return nil
}

// Dial connects to the listener at addr from the current task's process
// (the main process outside tasks). It is a decision point.
func (w *World) Dial(addr string) (*Conn, error) { return w.callerProcess().Dial(addr) }

// Dial connects to the listener at addr and returns the connection as a new
// descriptor of p. The connection is established at once (the listener's
// backlog is unbounded); bytes written before the peer accepts wait in the
// stream. It is a decision point and must be called by a task of p, or
// outside any task.
func (p *Process) Dial(addr string) (*Conn, error) {
	w := p.w
	obj := w.address(addr)
	w.point(pendingOp{acc: AccDial, obj: obj, fds: true})
	p.checkCaller("dial", nil)
	l, ok := w.net.listeners[addr]
	if !ok || l.closed {
		w.emitObj(EvDial, obj, -1, 0, 0)
		return nil, opError("dial", addr, syscall.ECONNREFUSED)
	}
	w.net.conns++
	name := "c" + strconv.Itoa(w.net.conns)
	up := &Stream{w: w}
	down := &Stream{w: w}
	w.newObject(&up.obj, objStream, name+".up")
	w.newObject(&down.obj, objStream, name+".down")
	client := &endpoint{w: w, conn: name, side: "client", refs: 1, in: down, out: up}
	server := &endpoint{w: w, conn: name, side: "server", in: up, out: down}
	w.newObject(&client.obj, objSocket, name+" client")
	w.newObject(&server.obj, objSocket, name+" server")
	client.peer, server.peer = server, client
	l.backlog = append(l.backlog, server)
	fd := p.install(client)
	w.emitObj2(EvDial, obj, &client.obj, int64(fd), 0, 0)
	l.accept.wakeAll(w)
	return &Conn{proc: p, fd: fd, e: client}, nil
}

// callerProcess returns the current task's process, or the main process
// outside tasks.
func (w *World) callerProcess() *Process {
	if t := w.running; t != nil {
		return t.proc
	}
	return w.main
}
