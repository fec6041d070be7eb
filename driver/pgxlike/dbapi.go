package pgxlike

import (
	"errors"
	"strconv"
	"strings"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/driver/internal/pqconn"
	"github.com/poolsim/poolsim/procmem"
)

// Options instrument connections.
type Options struct {
	// OnSend, when not nil, receives every chunk of bytes a connection
	// writes: the startup packet, then each flush's messages. Forked
	// copies keep it.
	OnSend func(p []byte)
}

// Driver opens pgx connections (pgx.Connect).
type Driver struct {
	Options
}

var _ driver.Driver = Driver{}

// Name returns "pgx".
func (Driver) Name() string { return "pgx" }

// Connect is pgx.Connect, as a DB-API connection.
func (d Driver) Connect(t driver.Target) (driver.Conn, error) {
	c, err := d.Open(t)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Open is pgx.Connect returning the DB-API connection; PgxConn gives the
// pgx-level connection.
func (d Driver) Open(t driver.Target) (*DBConn, error) {
	c, err := d.OpenPgx(t)
	if err != nil {
		return nil, toDriverError(err)
	}
	return &DBConn{conn: c}, nil
}

// OpenPgx is pgx.Connect: errors are pgx's Go errors.
func (d Driver) OpenPgx(t driver.Target) (*Conn, error) {
	pc, err := connectPgConn(t, pqconn.Hooks{OnSend: d.OnSend})
	if err != nil {
		return nil, err
	}
	return newConn(pc), nil
}

// DBConn is a pgx connection in the DB-API shape of package driver.
// Statements run with Conn.Query (the statement cache); transactions are
// the program's own (BEGIN), as with pgx; Commit and Rollback are
// Tx.Commit's and Tx.Rollback's simple-protocol "commit" and "rollback",
// sent only inside a transaction. Errors are *driver.Error whose Class is
// pgx's Go error type.
type DBConn struct {
	conn *Conn
}

var _ driver.Conn = (*DBConn)(nil)

// Pgx returns the pgx-level connection.
func (c *DBConn) Pgx() *Conn { return c.conn }

// Cursor returns a cursor.
func (c *DBConn) Cursor() (driver.Cursor, error) { return &Cursor{conn: c, rowcount: -1}, nil }

// ErrTxCommitRollback is pgx's error for a commit the server answered
// with ROLLBACK (the transaction had failed).
var ErrTxCommitRollback = errors.New("commit unexpectedly resulted in rollback")

// Commit sends "commit" inside a transaction, as Tx.Commit does.
func (c *DBConn) Commit() error {
	if !c.InTransaction() {
		return nil
	}
	tag, err := c.conn.Exec("commit")
	if err == nil && tag == "ROLLBACK" {
		err = ErrTxCommitRollback
	}
	return toDriverError(err)
}

// Rollback sends "rollback" inside a transaction.
func (c *DBConn) Rollback() error {
	if !c.InTransaction() {
		return nil
	}
	_, err := c.conn.Exec("rollback")
	return toDriverError(err)
}

// Close sends Terminate and closes the socket.
func (c *DBConn) Close() error { return toDriverError(c.conn.Close()) }

// Closed reports whether pgconn considers the connection closed.
func (c *DBConn) Closed() bool { return c.conn.pgConn.IsClosed() }

// Autocommit is always true: pgx has no implicit transactions.
func (c *DBConn) Autocommit() bool { return true }

// SetAutocommit accepts only true.
func (c *DBConn) SetAutocommit(on bool) error {
	if on {
		return nil
	}
	return &driver.Error{Class: "*errors.errorString", Base: "NotSupportedError",
		Message: "pgx has no implicit transactions: begin one with Begin"}
}

// InTransaction reports whether the last ReadyForQuery said 'T' or 'E'.
func (c *DBConn) InTransaction() bool {
	ts := c.conn.pgConn.TxStatus()
	return ts == 'T' || ts == 'E'
}

// BackendPID is the backend's process ID.
func (c *DBConn) BackendPID() int32 { return int32(c.conn.pgConn.PID()) }

// Cancel is PgConn.CancelRequest.
func (c *DBConn) Cancel() error { return toDriverError(c.conn.pgConn.CancelRequest()) }

// CopyInto returns the connection as a forked child holds it.
func (c *DBConn) CopyInto(cp *procmem.Copier) driver.Conn {
	return procmem.Copy(cp, c, func() *DBConn { return &DBConn{conn: c.conn.Copy(cp)} })
}

// Cursor runs statements with Conn.Query and holds their rows.
type Cursor struct {
	conn     *DBConn
	closed   bool
	rows     []driver.Row
	desc     []driver.Column
	row      int
	rowcount int
}

var _ driver.Cursor = (*Cursor)(nil)

// Execute runs the statement with Conn.Query ($1, $2, ... placeholders).
func (cur *Cursor) Execute(query string, args ...any) error {
	if cur.closed {
		return &driver.Error{Class: "*errors.errorString", Base: "InterfaceError", Message: "cursor closed"}
	}
	cur.rows, cur.desc, cur.row, cur.rowcount = nil, nil, 0, -1
	rows, err := cur.conn.conn.Query(query, args...)
	if err != nil {
		return toDriverError(err)
	}
	for _, fd := range rows.Fields {
		cur.desc = append(cur.desc, driver.Column{Name: fd.Name, TypeOID: fd.DataTypeOID})
	}
	cur.rows = rows.Values
	cur.rowcount = rowsAffected(rows.CommandTag)
	return nil
}

// rowsAffected is CommandTag.RowsAffected: the tag's last number, or -1.
func rowsAffected(tag string) int {
	i := strings.LastIndexByte(tag, ' ')
	if i < 0 {
		return -1
	}
	n, err := strconv.Atoi(tag[i+1:])
	if err != nil {
		return -1
	}
	return n
}

// FetchOne returns the next row, nil at the end.
func (cur *Cursor) FetchOne() (driver.Row, error) {
	if cur.row >= len(cur.rows) {
		return nil, nil
	}
	r := cur.rows[cur.row]
	cur.row++
	return r, nil
}

// FetchAll returns the remaining rows.
func (cur *Cursor) FetchAll() ([]driver.Row, error) {
	out := append([]driver.Row{}, cur.rows[cur.row:]...)
	cur.row = len(cur.rows)
	return out, nil
}

// RowCount is the command tag's row count, -1 if it has none.
func (cur *Cursor) RowCount() int { return cur.rowcount }

// Description describes the last statement's columns.
func (cur *Cursor) Description() []driver.Column { return cur.desc }

// Close closes the cursor.
func (cur *Cursor) Close() error {
	cur.closed = true
	cur.rows = nil
	return nil
}
