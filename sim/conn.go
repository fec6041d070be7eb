package sim

import (
	"fmt"
	"io"
	"net"
	"syscall"
)

// endpoint is one end of a connection, shared by every descriptor (in any
// process) that refers to it.
//
// Invariant: refs counts the descriptors referring to the endpoint; the
// endpoint closes (its peer reads EOF after the buffered bytes, the peer's
// writes fail with a reset) when refs drops to zero.
type endpoint struct {
	obj    object
	w      *World
	conn   string // connection name, like "c1"
	side   string // "client" (dialled) or "server" (accepted)
	refs   int
	closed bool
	in     *Stream // bytes arriving at this endpoint
	out    *Stream // bytes leaving it
	peer   *endpoint
}

func (e *endpoint) retain()         { e.refs++ }
func (e *endpoint) String() string  { return e.obj.name }
func (e *endpoint) object() *object { return &e.obj }
func (e *endpoint) stream() *object { return &e.out.obj }

func (e *endpoint) release() {
	e.refs--
	e.in.readers.wakeAll(e.w) // readers through the closed descriptor notice
	if e.refs > 0 {
		return
	}
	e.closed = true
	e.out.eof = true
	e.out.readers.wakeAll(e.w)
}

// Conn is one end of a connection seen through one process's descriptor.
// It reads and writes on behalf of the current task, which must belong to
// that process: the task is recorded as the writer or reader of every byte.
type Conn struct {
	proc *Process
	fd   int
	e    *endpoint
}

// FD returns the descriptor number in the conn's process.
func (c *Conn) FD() int { return c.fd }

// Process returns the process whose descriptor the conn uses.
func (c *Conn) Process() *Process { return c.proc }

// Name returns the connection's name and side, like "c1 client".
func (c *Conn) Name() string { return c.e.String() }

// Inbound returns the stream of bytes arriving at this end.
func (c *Conn) Inbound() *Stream { return c.e.in }

// Outbound returns the stream of bytes this end sends.
func (c *Conn) Outbound() *Stream { return c.e.out }

// StreamOffset returns the offset in the inbound stream of the next byte a
// Read returns: with several readers on one socket, a reader learns from
// it which bytes of the stream it got.
func (c *Conn) StreamOffset() int64 { return c.e.in.consumed }

// In returns the same descriptor seen through p's table: how a copy of a
// connection object in a forked child reaches the inherited socket. It
// panics when p's descriptor c.FD() refers to something else.
func (c *Conn) In(p *Process) *Conn {
	if c.fd >= len(p.fds) || p.fds[c.fd] != file(c.e) {
		panic(fmt.Sprintf("sim: process %s has no descriptor %d for %s", p, c.fd, c.e))
	}
	return &Conn{proc: p, fd: c.fd, e: c.e}
}

// valid reports whether the descriptor still refers to this endpoint.
func (c *Conn) valid() bool {
	return c.fd < len(c.proc.fds) && c.proc.fds[c.fd] == file(c.e)
}

func (c *Conn) opError(op string, err error) error {
	return &net.OpError{Op: op, Net: "sim", Addr: Addr(c.e.String()), Err: err}
}

// Read reads bytes the peer wrote, blocking while none are available. How
// many of the available bytes it returns is a Split decision. After the
// peer closed or shut down its side and every byte was read, Read returns
// io.EOF. It is a decision point.
func (c *Conn) Read(p []byte) (int, error) {
	w := c.proc.w
	s := c.e.in
	op := pendingOp{acc: AccRead, obj: &s.obj}
	w.point(op)
	c.proc.checkCaller("conn", c.e)
	if len(p) == 0 {
		if !c.valid() {
			return 0, c.opError("read", net.ErrClosed)
		}
		return 0, nil
	}
	for s.available() == 0 {
		if !c.valid() {
			return 0, c.opError("read", net.ErrClosed)
		}
		if s.eof {
			w.emitObj(EvEOF, &s.obj, int64(c.fd), 0, 0)
			return 0, io.EOF
		}
		w.block(&s.readers, op, op, int64(c.fd))
	}
	if !c.valid() {
		return 0, c.opError("read", net.ErrClosed)
	}
	off := s.consumed
	n := s.read(p)
	if n < 0 {
		w.running.park()
	}
	w.emitObj(EvRead, &s.obj, off, off+int64(n), int64(c.fd))
	return n, nil
}

// Write appends p to the stream towards the peer in one segment. Writes
// never block: the buffer is unbounded (see Stream). Writing after this end
// was shut down fails with EPIPE; writing after the peer closed fails with
// ECONNRESET. It is a decision point.
func (c *Conn) Write(p []byte) (int, error) {
	w := c.proc.w
	s := c.e.out
	w.point(pendingOp{acc: AccWrite, obj: &s.obj})
	c.proc.checkCaller("conn", c.e)
	switch {
	case !c.valid():
		return 0, c.opError("write", net.ErrClosed)
	case s.eof:
		return 0, c.opError("write", syscall.EPIPE)
	case c.e.peer.closed:
		return 0, c.opError("write", syscall.ECONNRESET)
	}
	if len(p) == 0 {
		return 0, nil
	}
	off := s.written
	s.write(p, w.running)
	w.emitObj(EvWrite, &s.obj, off, off+int64(len(p)), int64(c.fd))
	s.readers.wakeAll(w)
	return len(p), nil
}

// Close closes this process's descriptor. The peer sees EOF only when the
// last descriptor referring to this end, in any process, is closed. It is a
// decision point.
func (c *Conn) Close() error {
	w := c.proc.w
	w.point(pendingOp{acc: AccClose, obj: &c.e.out.obj, obj2: &c.e.in.obj, fds: true})
	c.proc.checkCaller("conn", c.e)
	if !c.valid() {
		return c.opError("close", net.ErrClosed)
	}
	c.proc.closeFD(c.fd)
	return nil
}

// CloseWrite shuts down the sending side (shutdown(2) with SHUT_WR) for
// every descriptor of this end: the peer reads EOF after the bytes already
// sent. It is a decision point.
func (c *Conn) CloseWrite() error {
	w := c.proc.w
	w.point(pendingOp{acc: AccClose, obj: &c.e.out.obj})
	c.proc.checkCaller("conn", c.e)
	if !c.valid() {
		return c.opError("shutdown", net.ErrClosed)
	}
	c.e.out.eof = true
	c.e.out.readers.wakeAll(w)
	w.emitObj(EvShutdown, &c.e.out.obj, int64(c.fd), 0, 0)
	return nil
}
