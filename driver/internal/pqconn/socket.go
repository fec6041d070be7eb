package pqconn

import (
	"encoding/binary"
	"errors"
	"io"
	"net"

	"github.com/poolsim/poolsim/sim"
)

// Socket is the socket a libpq connection reads and writes: a descriptor
// of the process whose memory holds the connection. It remembers whether
// libpq closed it (Finish, a lost connection), so that a forked copy of
// the connection only reaches the socket through the child's table while
// the parent still had it open at fork time.
//
// During the startup exchange it also keeps the bytes libpq reads, so that
// the driver learns the BackendKeyData a PGconn keeps for PQgetCancel.
type Socket struct {
	conn    *sim.Conn // nil once closed
	onSend  func(p []byte)
	tapping bool
	tapped  []byte
}

// NewSocket wraps an open descriptor; onSend, if not nil, is called with
// every chunk written through it (libpq writes whole messages).
func NewSocket(c *sim.Conn, onSend func(p []byte)) *Socket {
	return &Socket{conn: c, onSend: onSend}
}

// Conn returns the descriptor, nil once closed.
func (s *Socket) Conn() *sim.Conn { return s.conn }

// Closed reports whether the socket was closed through this descriptor.
func (s *Socket) Closed() bool { return s.conn == nil }

// errClosed is what a closed descriptor answers; libpq never uses a
// socket it has closed.
var errClosed = &net.OpError{Op: "use", Net: "sim", Err: net.ErrClosed}

// Read reads from the descriptor.
func (s *Socket) Read(p []byte) (int, error) {
	if s.conn == nil {
		return 0, errClosed
	}
	n, err := s.conn.Read(p)
	if s.tapping {
		s.tapped = append(s.tapped, p[:n]...)
	}
	return n, err
}

// Write writes to the descriptor.
func (s *Socket) Write(p []byte) (int, error) {
	if s.conn == nil {
		return 0, errClosed
	}
	if s.onSend != nil {
		s.onSend(p)
	}
	return s.conn.Write(p)
}

// Close closes the descriptor (the socket itself closes with its last
// descriptor, in whichever process).
func (s *Socket) Close() error {
	if s.conn == nil {
		return nil
	}
	err := s.conn.Close()
	s.conn = nil
	return err
}

// StreamOffset is the descriptor's inbound stream offset, for libpq's
// consume hook (libpq.StreamOffsetter).
func (s *Socket) StreamOffset() int64 {
	if s.conn == nil {
		return 0
	}
	return s.conn.StreamOffset()
}

// In returns the socket as a forked child holds it: the same descriptor
// through the child's table if it was open at fork time, else a closed
// socket. The send hook is kept as the same function value.
func (s *Socket) In(child *sim.Process) *Socket {
	if s == nil {
		return nil
	}
	if s.conn == nil {
		return &Socket{onSend: s.onSend}
	}
	return &Socket{conn: s.conn.In(child), onSend: s.onSend}
}

var _ io.ReadWriteCloser = (*Socket)(nil)

// Key is a session's BackendKeyData: what PQcancel sends.
type Key struct {
	PID    int32
	Secret uint32
}

// keyFrom finds BackendKeyData ('K') among the backend messages of a
// startup exchange.
func keyFrom(b []byte) (Key, error) {
	for len(b) >= 5 {
		typ := b[0]
		n := int(binary.BigEndian.Uint32(b[1:5]))
		if n < 4 || len(b) < 1+n {
			break
		}
		body := b[5 : 1+n]
		if typ == 'K' && len(body) == 8 {
			return Key{PID: int32(binary.BigEndian.Uint32(body)), Secret: binary.BigEndian.Uint32(body[4:])}, nil
		}
		b = b[1+n:]
	}
	return Key{}, errors.New("no BackendKeyData")
}
