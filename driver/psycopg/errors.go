package psycopg

import (
	"strings"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/driver/internal/pqconn"
)

// The exception classes of psycopg2's own module, by the name pq_raise and
// the EXC_IF_* checks use.
const (
	DatabaseError     = "DatabaseError"
	InterfaceError    = "InterfaceError"
	OperationalError  = "OperationalError"
	ProgrammingError  = "ProgrammingError"
	IntegrityError    = "IntegrityError"
	DataError         = "DataError"
	InternalError     = "InternalError"
	NotSupportedError = "NotSupportedError"
)

// exception returns psycopg2's exception of class name (one of psycopg2's
// module-level classes, or psycopg2.extensions' QueryCanceledError and
// TransactionRollbackError) with str(exc) msg.
func exception(name, msg string) *driver.Error {
	qual := "psycopg2." + name
	if name == "QueryCanceledError" || name == "TransactionRollbackError" {
		qual = "psycopg2.extensions." + name
	}
	return &driver.Error{Class: qual, Base: pqconn.DBAPIBase(name), Message: msg}
}

// builtin returns a Python built-in exception (ValueError, TypeError,
// IndexError, KeyError, UnicodeDecodeError, ...) raised on the way through
// psycopg2, as the interpreter names it; Base is the class itself.
func builtin(name, msg string) *driver.Error {
	return &driver.Error{Class: name, Base: name, Message: msg}
}

// exceptionFromSQLState is exception_from_sqlstate: the psycopg2.errors
// class of the SQLSTATE, or its base class when psycopg2 has none for it.
func exceptionFromSQLState(code, msg string) *driver.Error {
	base := pqconn.BaseException(code)
	if name, ok := sqlstateClasses[code]; ok {
		return &driver.Error{Class: "psycopg2.errors." + name, Base: pqconn.DBAPIBase(base), Message: msg, PgCode: code}
	}
	e := exception(base, msg)
	e.PgCode = code
	return e
}

// stripSeverity is strip_severity: the message without a leading
// "ERROR:  ", "FATAL:  " or "PANIC:  ".
func stripSeverity(msg string) string {
	if len(msg) > 8 && (strings.HasPrefix(msg, "ERROR:  ") || strings.HasPrefix(msg, "FATAL:  ") ||
		strings.HasPrefix(msg, "PANIC:  ")) {
		return msg[8:]
	}
	return msg
}

// The texts of the EXC_IF_* checks.
const (
	textConnClosed   = "connection already closed"
	textCursClosed   = "cursor already closed"
	textNoResults    = "no results to fetch"
	textEmptyQuery   = "can't execute an empty query"
	textInTx         = "set_session cannot be used inside a transaction"
	textNoConnection = "the cursor has no connection"
)
