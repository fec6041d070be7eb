package serve

import (
	"net"
	"sync"
	"time"

	"github.com/poolsim/poolsim/serve/record"
)

// fatalAdminShutdown is the ErrorResponse PostgreSQL's fast shutdown
// sends a session (FATAL 57P01), encoded.
var fatalAdminShutdown = encodeFatal("57P01", "terminating connection due to administrator command")

// shutdownWriteTimeout bounds the write of the shutdown's FATAL to a
// client that does not read.
const shutdownWriteTimeout = time.Second

// clientConn is one accepted client connection as the session's backend
// uses it. It follows the frontend stream (for the record and for the
// startup's one-byte answers) and the session's output (for message
// boundaries and the cancel key), so that a shutdown ends the session the
// way PostgreSQL's does.
//
// Invariant: mu guards everything below it; the backend's Read and Write
// never hold mu while they wait on the network, so a shutdown is never
// held up by a client that does not read.
type clientConn struct {
	net.Conn
	srv *Server

	mu      sync.Mutex
	front   *record.Frontend // nil once it has nothing more to tell
	framing replyFraming
	reading bool // the backend waits in Read for the client
	writing bool // the backend is in Write
	shut    bool // shutdown: the backend reads and writes no more
	closed  bool
}

func newClientConn(s *Server, c net.Conn, session int) *clientConn {
	cc := &clientConn{Conn: c, srv: s}
	var emit func(record.Message)
	if s.rec != nil {
		emit = s.rec.message
	}
	cc.front = record.NewFrontend(session, emit)
	return cc
}

// Read reads from the client, feeding what it got to the frontend
// decoder before the backend sees it.
func (c *clientConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	if c.shut {
		c.mu.Unlock()
		return 0, net.ErrClosed
	}
	c.reading = true
	c.mu.Unlock()
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reading = false
	if f := c.front; n > 0 && f != nil {
		f.Write(p[:n])
		c.framing.expectSingles(f.Negotiations())
		if f.Ended() || (f.Typed() && c.srv.rec == nil) {
			c.front = nil
		}
	}
	return n, err
}

// Write writes the backend's output to the client, following its
// message boundaries.
func (c *clientConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	if c.shut {
		c.mu.Unlock()
		return 0, net.ErrClosed
	}
	c.writing = true
	c.mu.Unlock()
	n, err := c.Conn.Write(p)
	c.mu.Lock()
	c.writing = false
	c.framing.write(p[:n])
	c.mu.Unlock()
	return n, err
}

// shutdown ends the session. A session whose output ends with a whole
// ReadyForQuery, with no write under way, is sent the FATAL first (its
// later writes fail, so nothing follows it); any other has its
// connection closed under it. It returns the cancel key of a session
// that may be running a statement (it was not waiting in Read for its
// client), for the caller to cancel the statement.
func (c *clientConn) shutdown() (pid, key uint32, cancel bool) {
	c.mu.Lock()
	if c.shut || c.closed {
		c.mu.Unlock()
		return 0, 0, false
	}
	c.shut = true
	between := !c.writing && c.framing.idle()
	if between {
		_ = c.Conn.SetWriteDeadline(time.Now().Add(shutdownWriteTimeout))
		_, _ = c.Conn.Write(fatalAdminShutdown)
	}
	waiting := c.reading
	pid, key, keyed := c.framing.cancelKey()
	c.mu.Unlock()
	if tc, ok := c.Conn.(*net.TCPConn); ok && between {
		_ = tc.CloseWrite() // the FATAL, then end of stream
	}
	_ = c.Conn.Close()
	return pid, key, keyed && !waiting
}

// Close closes the connection once the session has ended.
func (c *clientConn) Close() error {
	c.mu.Lock()
	already := c.closed
	c.closed = true
	c.mu.Unlock()
	if already {
		return nil
	}
	err := c.Conn.Close()
	c.srv.forget(c)
	return err
}

// encodeFatal encodes a FATAL ErrorResponse with code and message.
func encodeFatal(code, msg string) []byte {
	body := []byte{}
	for _, f := range []struct {
		typ byte
		val string
	}{{'S', "FATAL"}, {'V', "FATAL"}, {'C', code}, {'M', msg}} {
		body = append(append(append(body, f.typ), f.val...), 0)
	}
	body = append(body, 0)
	n := len(body) + 4
	return append([]byte{'E', byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}, body...)
}
