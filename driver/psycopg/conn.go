package psycopg

import (
	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/driver/internal/pqconn"
	"github.com/poolsim/poolsim/fakepg/libpq"
	"github.com/poolsim/poolsim/sim"
)

// The connection statuses (CONN_STATUS_*) the model uses.
const (
	// StatusReady is CONN_STATUS_READY: no transaction begun by psycopg2.
	StatusReady = 1
	// StatusBegin is CONN_STATUS_BEGIN: psycopg2 sent BEGIN and has not
	// ended the transaction.
	StatusBegin = 2

	statusReady = StatusReady
	statusBegin = StatusBegin
)

// connNoticesLimit is CONN_NOTICES_LIMIT: how many notices conn.notices
// keeps.
const connNoticesLimit = 50

// Conn is a psycopg2 connection (connectionObject). It stands for memory
// of the process that opened it: a forked child reaches it only through
// its copy (CopyInto).
//
// Invariants, as in psycopg2: every use of pg that talks to the server
// happens with mu held (when there is one); closed is 0 while open, 1
// after close() and 2 when libpq reported the connection broken (it then
// still needs close() to release pg); status is statusBegin exactly when
// psycopg2 sent a BEGIN whose transaction it has not ended.
type Conn struct {
	w    *sim.World
	addr string

	mu   *sim.Mutex // conn->lock; nil with Options.NoLock
	pg   *libpq.Conn
	sock *pqconn.Socket
	key  pqconn.Key // PQgetCancel's copy of BackendKeyData

	closed     int
	status     int
	autocommit bool
	isolevel   int
	readonly   int
	deferrable int
	mark       int

	equote        bool // E'' quotes: standard_conforming_strings was off at connect
	serverVersion int
	encoding      string

	pgres    *libpq.Result // conn->pgres: the result of a command being run
	errText  string        // conn->error, valid when hasError
	hasError bool

	noticePending []string
	notices       []string
}

var _ driver.Conn = (*Conn)(nil)

// lock takes conn->lock (pthread_mutex_lock), unless built without it.
func (c *Conn) lock() {
	if c.mu != nil {
		c.mu.Lock()
	}
}

// unlock releases conn->lock.
func (c *Conn) unlock() {
	if c.mu != nil {
		c.mu.Unlock()
	}
}

// pqStatus is PQstatus, which answers CONNECTION_BAD for a NULL PGconn.
func (c *Conn) pqStatus() libpq.ConnStatus {
	if c.pg == nil {
		return libpq.ConnectionBad
	}
	return c.pg.Status()
}

// pqErrorMessage is PQerrorMessage, NULL-safe like libpq's.
func (c *Conn) pqErrorMessage() string {
	if c.pg == nil {
		return "connection pointer is NULL\n"
	}
	return c.pg.ErrorMessage()
}

// pqExec is PQexec, which returns NULL for a NULL PGconn.
func (c *Conn) pqExec(query string) *libpq.Result {
	if c.pg == nil {
		return nil
	}
	return c.pg.Exec(query)
}

// setup is conn_setup: what psycopg2 reads from a new connection, and the
// DateStyle it insists on.
func (c *Conn) setup() error {
	c.equote = c.pg.ParameterStatus("standard_conforming_strings") == "off"
	c.serverVersion = c.pg.ServerVersion()
	enc := c.pg.ParameterStatus("client_encoding")
	if enc == "" {
		return exception(OperationalError, "server didn't return client encoding")
	}
	c.encoding = enc
	c.lock()
	ok := true
	if ds := c.pg.ParameterStatus("DateStyle"); len(ds) < 3 || ds[:3] != "ISO" {
		ok = c.setGUCLocked("datestyle", "ISO")
	}
	c.autocommit = false
	c.isolevel, c.readonly, c.deferrable = isolationLevelDefault, stateDefault, stateDefault
	c.unlock()
	if !ok {
		return c.completeError()
	}
	return nil
}

// noticeCallback is conn_notice_callback, the connection's libpq notice
// processor: it queues the notice for conn_notice_process.
func (c *Conn) noticeCallback(msg string) {
	c.noticePending = append(c.noticePending, msg)
}

// noticeProcess is conn_notice_process: queued notices join
// connection.notices, which keeps the last 50.
func (c *Conn) noticeProcess() {
	if len(c.noticePending) == 0 {
		return
	}
	c.notices = append(c.notices, c.noticePending...)
	c.noticePending = c.noticePending[:0]
	if n := len(c.notices); n > connNoticesLimit {
		c.notices = append(c.notices[:0:0], c.notices[n-connNoticesLimit:]...)
	}
}

// Notices returns connection.notices: the server's notices and warnings
// as libpq formats them ("WARNING:  there is already a transaction in
// progress\n"), oldest first.
func (c *Conn) Notices() []string { return c.notices }

// Cursor is connection.cursor().
func (c *Conn) Cursor() (driver.Cursor, error) {
	cur, err := c.NewCursor()
	if err != nil {
		return nil, err
	}
	return cur, nil
}

// NewCursor is connection.cursor() returning the concrete cursor.
func (c *Conn) NewCursor() (*Cursor, error) {
	if c.closed > 0 {
		return nil, exception(InterfaceError, textConnClosed)
	}
	return &Cursor{conn: c, mark: c.mark, notuples: true, rowcount: -1}, nil
}

// Commit is connection.commit() (pq_commit): COMMIT if psycopg2 began a
// transaction; the status is ready afterwards even if COMMIT failed.
func (c *Conn) Commit() error {
	if c.closed > 0 {
		return exception(InterfaceError, textConnClosed)
	}
	c.lock()
	ok := true
	if c.status == statusBegin {
		c.mark++
		ok = c.executeCommandLocked("COMMIT")
	}
	c.noticeProcess()
	c.status = statusReady
	c.unlock()
	if !ok {
		return c.completeError()
	}
	return nil
}

// Rollback is connection.rollback() (pq_abort): ROLLBACK if psycopg2
// began a transaction.
func (c *Conn) Rollback() error {
	if c.closed > 0 {
		return exception(InterfaceError, textConnClosed)
	}
	c.lock()
	ok := c.abortLocked()
	c.noticeProcess()
	c.unlock()
	if !ok {
		return c.completeError()
	}
	return nil
}

// abortLocked is pq_abort_locked.
func (c *Conn) abortLocked() bool {
	if c.status != statusBegin {
		return true
	}
	c.mark++
	ok := c.executeCommandLocked("ROLLBACK")
	if ok {
		c.status = statusReady
	}
	return ok
}

// Close is connection.close() (conn_close): with the lock held it marks
// the connection closed and finishes libpq's connection, which sends
// Terminate if the connection is still good and closes the descriptor.
// A connection broken earlier (closed == 2) still needs it.
func (c *Conn) Close() error {
	if c.closed == 1 {
		return nil
	}
	c.lock()
	c.closeLocked()
	c.unlock()
	return nil
}

// closeLocked is conn_close_locked.
func (c *Conn) closeLocked() {
	if c.closed == 1 {
		return
	}
	c.closed = 1
	if c.pg != nil {
		c.pg.Finish()
		c.pg = nil
	}
}

// Closed reports whether connection.closed is non-zero.
func (c *Conn) Closed() bool { return c.closed > 0 }

// ClosedCode is connection.closed: 0 open, 1 closed by close(), 2 broken.
func (c *Conn) ClosedCode() int { return c.closed }

// Status is connection.status (StatusReady or StatusBegin).
func (c *Conn) Status() int { return c.status }

// InTransaction reports whether psycopg2's status is BEGIN.
func (c *Conn) InTransaction() bool { return c.status == statusBegin }

// TransactionStatus is connection.get_transaction_status()
// (PQtransactionStatus), read without the lock as psycopg2 reads it.
func (c *Conn) TransactionStatus() libpq.TransactionStatus {
	if c.pg == nil {
		return libpq.PQTRANS_UNKNOWN
	}
	return c.pg.TransactionStatus()
}

// BackendPID is connection.get_backend_pid() (PQbackendPID); 0 once
// closed.
func (c *Conn) BackendPID() int32 {
	if c.closed > 0 || c.pg == nil {
		return 0
	}
	return c.pg.BackendPID()
}

// ServerVersion is connection.server_version, read at connect.
func (c *Conn) ServerVersion() int { return c.serverVersion }

// ParameterStatus is connection.get_parameter_status(name).
func (c *Conn) ParameterStatus(name string) string {
	if c.pg == nil {
		return ""
	}
	return c.pg.ParameterStatus(name)
}

// PGconn returns the libpq connection (connection.pgconn_ptr), nil once
// closed, for instrumentation such as a consume hook.
func (c *Conn) PGconn() *libpq.Conn { return c.pg }

// Socket returns the descriptor libpq uses, nil once libpq closed it.
func (c *Conn) Socket() *sim.Conn { return c.sock.Conn() }

// Mutex returns conn->lock, nil with Options.NoLock.
func (c *Conn) Mutex() *sim.Mutex { return c.mu }

// Cancel is connection.cancel(): PQcancel with the key read at connect,
// on a new socket, without the lock (it is meant to be called while
// another thread runs a statement).
func (c *Conn) Cancel() error {
	if c.closed > 0 {
		return exception(InterfaceError, textConnClosed)
	}
	if c.status != statusReady && c.status != statusBegin {
		return exception(OperationalError, "asynchronous connection attempt underway")
	}
	if text := pqconn.Cancel(c.w, c.addr, c.key); text != "" {
		return exception(OperationalError, text)
	}
	return nil
}
