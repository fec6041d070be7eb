package libpq

import (
	"io"

	"github.com/jackc/pgproto3/v2"
)

// initialInBufSize is libpq's initial input buffer size (fe-connect.c).
const initialInBufSize = 16 * 1024

// cmdQueueEntry is one command sent to the server whose results have not
// all been collected (libpq's PGcmdQueueEntry).
type cmdQueueEntry struct {
	class    queryClass
	query    string // query text, for error cursor display
	hasQuery bool   // false where libpq stores NULL (PQexecPrepared)
}

// Conn is a connection to a PostgreSQL server over an io.ReadWriter, with
// libpq's state (PGconn). If the io.ReadWriter is also an io.Closer, the
// connection closes it whenever libpq would close its socket: on Finish, on
// loss of synchronization and on a lost connection.
//
// A Conn must be used by one task at a time, like a PGconn.
type Conn struct {
	rw        io.ReadWriter
	closer    io.Closer
	sockValid bool // conn->sock != PGINVALID_SOCKET

	status      ConnStatus
	asyncStatus asyncStatus
	xactStatus  TransactionStatus

	// Input buffer: bytes [inStart, inEnd) are unconsumed; inCursor is the
	// read position of the message being parsed.
	inBuf     []byte
	inBufSize int // libpq's inBufSize, used to size reads like libpq
	inStart   int
	inCursor  int
	inEnd     int

	// Stream provenance of the buffered bytes, for the consume hook:
	// segs maps buffer positions to stream offsets, ownRead counts the
	// bytes this connection has read, offsetter is rw's StreamOffsetter.
	segs []segment
	// ranges is where streamRanges carves the consumed ranges it
	// reports: each message's ranges are a full slice of their own
	// (never shared with a forked copy, which starts its own)
	ranges      []Range
	ownRead     int64
	offsetter   StreamOffsetter
	consumeHook func(Consumed)
	msgErr      string // content error text of the message being parsed

	// pendingReadErr is an error returned by Read together with data; it is
	// reported by the next read, as a socket would report it.
	pendingReadErr error
	emptyReads     int

	// Write failure state (write_failed, write_err_msg).
	writeFailed    bool
	writeErrMsg    string
	hasWriteErrMsg bool

	// Error state, PostgreSQL 15 model.
	errorMessage  []byte
	errorReported int
	errorResult   bool
	result        *Result

	cmdQueue []cmdQueueEntry

	verbosity   Verbosity
	showContext ContextVisibility

	notice        func(msg string)
	noticeDefault bool // notice is this connection's default processor
	notices       []string

	params         map[string]string // lookup only, never iterated
	bePID          int32
	beKey          int32
	clientEncoding encoding
	stdStrings     bool
	sversion       int
	lastSQLState   string
	notifies       []pgproto3.NotificationResponse
}

// NewConn returns a connection over rw that skips the startup exchange: it
// starts in ConnectionOK, idle, with an empty error message, as if startup
// had completed without any ParameterStatus or BackendKeyData. It is meant
// for feeding crafted server bytes to the protocol engine.
func NewConn(rw io.ReadWriter) *Conn {
	c := newConn(rw)
	c.status = ConnectionOK
	return c
}

func newConn(rw io.ReadWriter) *Conn {
	c := &Conn{
		sockValid:   true,
		status:      ConnectionBad,
		asyncStatus: asyncIdle,
		xactStatus:  PQTRANS_IDLE,
		inBufSize:   initialInBufSize,
		verbosity:   PQERRORS_DEFAULT,
		showContext: PQSHOW_CONTEXT_ERRORS,
		params:      map[string]string{},
	}
	c.attach(rw)
	c.notice, c.noticeDefault = c.defaultNoticeProcessor, true
	return c
}

// attach makes rw the connection's socket.
func (c *Conn) attach(rw io.ReadWriter) {
	c.rw = rw
	c.closer, _ = rw.(io.Closer)
	c.offsetter, _ = rw.(StreamOffsetter)
}

// Status returns the connection status (PQstatus).
func (c *Conn) Status() ConnStatus { return c.status }

// TransactionStatus returns the transaction status (PQtransactionStatus):
// PQTRANS_UNKNOWN if the connection is bad, PQTRANS_ACTIVE while a command
// is in progress, otherwise what the last ReadyForQuery said.
func (c *Conn) TransactionStatus() TransactionStatus {
	if c.status != ConnectionOK {
		return PQTRANS_UNKNOWN
	}
	if c.asyncStatus != asyncIdle {
		return PQTRANS_ACTIVE
	}
	return c.xactStatus
}

// ParameterStatus returns the value of a parameter reported by the server
// in a ParameterStatus message (PQparameterStatus), or "" if none.
func (c *Conn) ParameterStatus(name string) string {
	return c.params[name]
}

// BackendPID returns the server process ID from BackendKeyData
// (PQbackendPID); 0 unless the connection is in ConnectionOK.
func (c *Conn) BackendPID() int32 {
	if c.status != ConnectionOK {
		return 0
	}
	return c.bePID
}

// ServerVersion returns the server version as an integer, e.g. 150018
// (PQserverVersion), from the server_version parameter; 0 if unknown.
func (c *Conn) ServerVersion() int {
	if c.status == ConnectionBad {
		return 0
	}
	return c.sversion
}

// Notifies returns and removes the next notification received
// (PQnotifies), or nil if none is queued. Like PQnotifies it first parses
// the input already buffered (without reading), so it can also emit
// notices and consume other messages.
func (c *Conn) Notifies() *pgproto3.NotificationResponse {
	c.parseInput()
	if len(c.notifies) == 0 {
		return nil
	}
	n := c.notifies[0]
	c.notifies = c.notifies[1:]
	return &n
}

// Finish closes the connection (PQfinish): it sends Terminate if the socket
// is open and the status is ConnectionOK, closes the io.Closer if the
// socket is still open, and leaves the connection in ConnectionBad with all
// transient state and the error message cleared. Later calls fail with
// "no connection to the server".
func (c *Conn) Finish() {
	c.sendTerminate()
	c.dropConnection(true)
	c.status = ConnectionBad
	c.asyncStatus = asyncIdle
	c.xactStatus = PQTRANS_IDLE
	c.clearAsyncResult()
	c.clearErrorState()
	// pqDropServerData
	c.params = map[string]string{}
	c.bePID, c.beKey = 0, 0
	c.clientEncoding = encSQLASCII
	c.stdStrings = false
	c.sversion = 0
	c.notifies = nil
	c.writeFailed, c.writeErrMsg, c.hasWriteErrMsg = false, "", false
	c.pendingReadErr = nil
}

// dropConnection is pqDropConnection: close the socket, optionally discard
// unread input, and forget queued commands. It does not change status.
func (c *Conn) dropConnection(flushInput bool) {
	if c.sockValid && c.closer != nil {
		_ = c.closer.Close()
	}
	c.sockValid = false
	if flushInput {
		c.inStart, c.inCursor, c.inEnd = 0, 0, 0
		c.inBuf = c.inBuf[:0]
		c.segs = c.segs[:0]
	}
	c.cmdQueue = nil
}

// commandQueueAdvance is pqCommandQueueAdvance with pipeline mode off: a
// simple query leaves the queue only on ReadyForQuery, other commands on
// their first result.
func (c *Conn) commandQueueAdvance(isReadyForQuery bool) {
	if len(c.cmdQueue) == 0 {
		return
	}
	if c.cmdQueue[0].class == querySimple && !isReadyForQuery {
		return
	}
	c.cmdQueue = c.cmdQueue[1:]
	if len(c.cmdQueue) == 0 {
		c.cmdQueue = nil
	}
}

// queueHead returns the oldest queued command, or nil.
func (c *Conn) queueHead() *cmdQueueEntry {
	if len(c.cmdQueue) == 0 {
		return nil
	}
	return &c.cmdQueue[0]
}
