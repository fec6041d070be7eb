package pgxlike

import (
	"encoding/binary"
	"errors"
	"maps"
	"net"
	"slices"

	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/driver/internal/pqconn"
	"github.com/poolsim/poolsim/sim"
)

// connStatus is pgconn's connection status.
type connStatus uint8

const (
	connStatusUninitialized connStatus = iota
	connStatusConnecting
	connStatusClosed
	connStatusIdle
	connStatusBusy
)

// PgConn is pgconn.PgConn: one server connection, its framing and its
// busy flag. It stands for memory of the process that opened it.
//
// Invariant: status is busy exactly while an operation between lock and
// unlock is in progress, on whatever goroutine; a second operation then
// fails with "conn busy" instead of waiting.
type PgConn struct {
	w    *sim.World
	addr string

	sock     *pqconn.Socket
	fr       *frameReader
	frontend *pgproto3.Frontend
	wbuf     []byte

	status    connStatus
	txStatus  byte
	pid       uint32
	secretKey uint32
	params    map[string]string // lookup only
}

// connectPgConn is pgconn.Connect for one address: dial, startup message,
// authentication, parameters and BackendKeyData until ReadyForQuery.
func connectPgConn(t driver.Target, h pqconn.Hooks) (*PgConn, error) {
	user, database := t.Params["user"], t.Params["dbname"]
	if database == "" {
		database = t.Params["database"]
	}
	host, _, err := net.SplitHostPort(t.Addr)
	if err != nil {
		host = t.Addr
	}
	fail := func(msg string, err error) (*PgConn, error) {
		return nil, &ConnectError{User: user, Database: database,
			err: &perDialConnectError{address: t.Addr, originalHostname: host, err: wrap(msg, err)}}
	}
	c, err := t.World.Dial(t.Addr)
	if err != nil {
		return fail("dial error", err)
	}
	pc := &PgConn{w: t.World, addr: t.Addr, sock: pqconn.NewSocket(c, h.OnSend), params: map[string]string{},
		status: connStatusConnecting}
	pc.fr = newFrameReader(pc.sock)
	pc.frontend = pgproto3.NewFrontend(pc.fr, pc.sock)
	pc.wbuf = startupMessage(user, database, t.Params)
	if err := pc.flush(); err != nil {
		pc.sock.Close()
		return fail("failed to write startup message", err)
	}
	for {
		msg, err := pc.receiveMessage()
		if err != nil {
			pc.sock.Close()
			var pe *PgError
			if errors.As(err, &pe) {
				return fail("server error", err)
			}
			return fail("failed to receive message", err)
		}
		switch msg := msg.(type) {
		case *pgproto3.BackendKeyData:
			pc.pid, pc.secretKey = msg.ProcessID, msg.SecretKey
		case *pgproto3.AuthenticationOk, *pgproto3.ParameterStatus, *pgproto3.NoticeResponse:
		case *pgproto3.AuthenticationCleartextPassword:
			pc.send(&pgproto3.PasswordMessage{Password: t.Params["password"]})
			if err := pc.flush(); err != nil {
				pc.sock.Close()
				return fail("failed to write password message", err)
			}
		case *pgproto3.ReadyForQuery:
			pc.status = connStatusIdle
			return pc, nil
		case *pgproto3.ErrorResponse:
			pc.sock.Close()
			return fail("server error", errorResponseToPgError(msg))
		default:
			pc.sock.Close()
			return fail("received unexpected message", nil)
		}
	}
}

// wrap is fmt.Errorf("%s: %w") as pgconn's connect errors read, or the
// bare message.
func wrap(msg string, err error) error {
	if err == nil {
		return errors.New(msg)
	}
	return &wrapped{msg: msg, err: err}
}

type wrapped struct {
	msg string
	err error
}

// Error returns the error's text.
func (e *wrapped) Error() string { return e.msg + ": " + e.err.Error() }

// Unwrap returns the error wrapped.
func (e *wrapped) Unwrap() error { return e.err }

// startupMessage is the StartupMessage for protocol 3.0 with user,
// database and the other parameters, in sorted order (pgproto3 would
// range over a map).
func startupMessage(user, database string, params map[string]string) []byte {
	send := map[string]string{"user": user}
	if database != "" {
		send["database"] = database
	}
	for _, k := range slices.Sorted(maps.Keys(params)) {
		switch k {
		case "user", "dbname", "database", "password", "host", "port", "sslmode":
		default:
			send[k] = params[k]
		}
	}
	b := []byte{0, 0, 0, 0, 0, 3, 0, 0}
	for _, k := range slices.Sorted(maps.Keys(send)) {
		b = append(append(append(append(b, k...), 0), send[k]...), 0)
	}
	b = append(b, 0)
	binary.BigEndian.PutUint32(b, uint32(len(b)))
	return b
}

// send buffers a message for the next flush, as pgproto3's Frontend
// buffers messages until Flush. The messages this package sends always
// encode.
func (pc *PgConn) send(msg pgproto3.FrontendMessage) {
	b, err := msg.Encode(pc.wbuf)
	if err != nil {
		panic("pgxlike: " + err.Error())
	}
	pc.wbuf = b
}

// flush writes the buffered messages in one write.
func (pc *PgConn) flush() error {
	_, err := pc.sock.Write(pc.wbuf)
	pc.wbuf = pc.wbuf[:0]
	if err != nil {
		return &writeError{err: err}
	}
	return nil
}

// writeError is pgproto3's error for a failed flush.
type writeError struct{ err error }

// Error returns the error's text.
func (e *writeError) Error() string { return "write failed: " + e.err.Error() }

// Unwrap returns the error wrapped.
func (e *writeError) Unwrap() error { return e.err }

// lock is pgconn's lock: it refuses a busy or closed connection.
func (pc *PgConn) lock() error {
	switch pc.status {
	case connStatusBusy:
		return &connLockError{status: "conn busy"}
	case connStatusClosed:
		return &connLockError{status: "conn closed"}
	case connStatusUninitialized:
		return &connLockError{status: "conn uninitialized"}
	}
	pc.status = connStatusBusy
	return nil
}

// unlock ends an operation.
func (pc *PgConn) unlock() {
	if pc.status == connStatusBusy {
		pc.status = connStatusIdle
	}
}

// receiveMessage is pgconn's receiveMessage: the next backend message,
// with ReadyForQuery's transaction status and ParameterStatus recorded and
// an ErrorResponse returned as the message. A read or decode error closes
// the connection (asyncClose).
func (pc *PgConn) receiveMessage() (pgproto3.BackendMessage, error) {
	if pc.status == connStatusClosed {
		return nil, &connLockError{status: "conn closed"}
	}
	msg, err := pc.frontend.Receive()
	if err != nil {
		err = pc.fr.decodeError(err)
		pc.asyncClose()
		return nil, err
	}
	switch msg := msg.(type) {
	case *pgproto3.ReadyForQuery:
		pc.txStatus = msg.TxStatus
	case *pgproto3.ParameterStatus:
		pc.params[msg.Name] = msg.Value
	}
	return msg, nil
}

// IsClosed reports whether the connection is closed.
func (pc *PgConn) IsClosed() bool { return pc.status < connStatusIdle }

// IsBusy reports whether an operation is in progress.
func (pc *PgConn) IsBusy() bool { return pc.status == connStatusBusy }

// TxStatus is the last ReadyForQuery's transaction status: 'I', 'T' or
// 'E'.
func (pc *PgConn) TxStatus() byte { return pc.txStatus }

// PID is the backend's process ID.
func (pc *PgConn) PID() uint32 { return pc.pid }

// ParameterStatus is a parameter the server reported.
func (pc *PgConn) ParameterStatus(key string) string { return pc.params[key] }

// Close is pgconn's Close: Terminate, then the descriptor is closed.
func (pc *PgConn) Close() error {
	if pc.status == connStatusClosed {
		return nil
	}
	pc.status = connStatusClosed
	pc.send(&pgproto3.Terminate{})
	pc.flush()
	return pc.sock.Close()
}

// asyncClose is pgconn's asyncClose: the connection is marked closed at
// once, and a goroutine sends a CancelRequest on a new socket, then
// Terminate, drains what the server still sends and closes the socket.
func (pc *PgConn) asyncClose() {
	if pc.status == connStatusClosed {
		return
	}
	pc.status = connStatusClosed
	if pc.w.Current() == nil {
		pc.sock.Close()
		return
	}
	pc.w.Go("pgconn-asyncClose", func() {
		defer pc.sock.Close()
		pc.cancelRequest()
		pc.send(&pgproto3.Terminate{})
		pc.flush()
		var buf [8192]byte
		for {
			if _, err := pc.sock.Read(buf[:]); err != nil {
				return
			}
		}
	}).Daemon()
}

// CancelRequest is pgconn's CancelRequest: a CancelRequest message with
// the backend's key on a new socket, then one read for the server's
// acknowledgement (its close).
func (pc *PgConn) CancelRequest() error { return pc.cancelRequest() }

func (pc *PgConn) cancelRequest() error {
	c, err := pc.w.Dial(pc.addr)
	if err != nil {
		return err
	}
	defer c.Close()
	var buf [16]byte
	binary.BigEndian.PutUint32(buf[0:], 16)
	binary.BigEndian.PutUint32(buf[4:], 80877102)
	binary.BigEndian.PutUint32(buf[8:], pc.pid)
	binary.BigEndian.PutUint32(buf[12:], pc.secretKey)
	if _, err := c.Write(buf[:]); err != nil {
		return wrap("write to connection for cancellation", err)
	}
	_, _ = c.Read(buf[:])
	return nil
}

// Socket returns the descriptor, nil once closed.
func (pc *PgConn) Socket() *sim.Conn { return pc.sock.Conn() }
