// Package driver defines what a pool sees of a database driver: DB-API
// connections and cursors, as Python's PEP 249 describes them and as
// psycopg2 implements them, so that the pools of package pool can run over
// the psycopg2-like driver (driver/psycopg), raw libpq (driver/rawpq) or
// a pgx-like Go driver (driver/pgxlike) alike.
//
// Every connection stands for memory of the process that opened it: it
// holds a descriptor of that process, and a forked child reaches the same
// socket only through its own copy (CopyInto). Nothing here is safe for
// use by several tasks at once unless the driver says so: psycopg2
// serialises threads with a per-connection lock; libpq and pgx do not.
package driver

import (
	"fmt"

	"github.com/poolsim/poolsim/procmem"
	"github.com/poolsim/poolsim/sim"
)

// Target is where and how a driver connects: a server address in the
// simulated world and libpq-style connection parameters (user, dbname,
// application_name, password).
type Target struct {
	World  *sim.World
	Addr   string
	Params map[string]string
}

// Driver opens connections.
type Driver interface {
	// Name is the driver's name as scenario files write it: "psycopg2",
	// "libpq", "pgx".
	Name() string
	// Connect opens a connection from the current task's process. A
	// failure is an *Error with the driver's exception class and text.
	Connect(t Target) (Conn, error)
}

// Conn is a DB-API connection.
type Conn interface {
	// Cursor returns a new cursor on the connection.
	Cursor() (Cursor, error)
	// Commit commits the open transaction, if any.
	Commit() error
	// Rollback rolls back the open transaction, if any.
	Rollback() error
	// Close closes the connection: the driver sends Terminate and closes
	// its descriptor. Closing a closed connection does nothing.
	Close() error
	// Closed reports whether the connection is closed (by Close, or
	// broken by a lost connection).
	Closed() bool
	// Autocommit reports whether each statement commits by itself.
	Autocommit() bool
	// SetAutocommit switches autocommit; outside a transaction only.
	SetAutocommit(on bool) error
	// InTransaction reports whether the driver believes a transaction is
	// open on the server (psycopg2's status is BEGIN, libpq's transaction
	// status is INTRANS or INERROR).
	InTransaction() bool
	// BackendPID is the server process the connection talks to, from
	// BackendKeyData (0 if unknown).
	BackendPID() int32
	// Cancel asks the server to cancel the running statement, with a
	// CancelRequest on a new socket.
	Cancel() error
	// CopyInto returns the connection's copy in a forked child: the same
	// socket through the child's descriptor table, the driver's state
	// (buffers, lock state, transaction status) as it was at fork time.
	CopyInto(c *procmem.Copier) Conn
}

// Cursor is a DB-API cursor.
type Cursor interface {
	// Execute runs a statement. Parameters are the driver's: psycopg2
	// interpolates %s placeholders client-side.
	Execute(query string, args ...any) error
	// FetchOne returns the next row, or nil at the end.
	FetchOne() (Row, error)
	// FetchAll returns the remaining rows.
	FetchAll() ([]Row, error)
	// RowCount is the number of rows the last statement returned or
	// affected, -1 if unknown.
	RowCount() int
	// Description describes the columns of the last statement's rows,
	// nil when it returned none.
	Description() []Column
	// Close closes the cursor.
	Close() error
}

// Row is one row as the driver converts it: int64 for integer types,
// string for text, bool, float64, a Numeric for numeric, nil for NULL.
type Row []any

// Numeric is a numeric value in PostgreSQL's text form (what psycopg2
// turns into a decimal.Decimal).
type Numeric string

// Column describes one result column (the DB-API description entry).
type Column struct {
	Name    string
	TypeOID uint32
}

// Error is a DB-API exception. Class is its qualified Python name as a
// traceback prints it (psycopg2.OperationalError,
// psycopg2.errors.UniqueViolation, pgx's Go error type for the pgx-like
// driver), Base the DB-API class it derives from (OperationalError,
// IntegrityError, ProgrammingError, DatabaseError, InterfaceError, ...),
// Message its text exactly as str(exc) gives it, PgCode the SQLSTATE when
// the server sent one.
type Error struct {
	Class   string
	Base    string
	Message string
	PgCode  string
}

// Error returns "Class: Message".
func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Class, e.Message) }

// Is makes errors.Is match on the DB-API base class: errors.Is(err,
// &Error{Base: "OperationalError"}).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Class == "" && t.Message == "" && t.Base == e.Base
}
