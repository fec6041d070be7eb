package pgxlike

import (
	"errors"
	"fmt"

	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/driver/internal/pqconn"
)

// PgError is an error the server reported (pgconn.PgError).
type PgError struct {
	Severity, Code, Message, Detail, Hint, Where string
	Position                                     int32
	ConstraintName, TableName                    string
}

// Error is pgconn's text: "SEVERITY: message (SQLSTATE code)".
func (pe *PgError) Error() string {
	return pe.Severity + ": " + pe.Message + " (SQLSTATE " + pe.Code + ")"
}

// SQLState returns the error's SQLSTATE.
func (pe *PgError) SQLState() string { return pe.Code }

// errorResponseToPgError is pgconn.ErrorResponseToPgError.
func errorResponseToPgError(msg *pgproto3.ErrorResponse) *PgError {
	return &PgError{Severity: msg.Severity, Code: msg.Code, Message: msg.Message, Detail: msg.Detail,
		Hint: msg.Hint, Where: msg.Where, Position: msg.Position, ConstraintName: msg.ConstraintName,
		TableName: msg.TableName}
}

// ErrConnClosed is what "conn closed" unwraps to.
var ErrConnClosed = errors.New("conn closed")

// connLockError is pgconn's refusal of a connection that is busy, closed
// or not yet connected.
type connLockError struct{ status string }

// Error returns the error's text.
func (e *connLockError) Error() string { return e.status }

// Unwrap returns the error wrapped.
func (e *connLockError) Unwrap() error {
	if e.status == "conn closed" {
		return ErrConnClosed
	}
	return nil
}

// IsBusy reports whether err is pgconn's "conn busy".
func IsBusy(err error) bool {
	var le *connLockError
	return errors.As(err, &le) && le.status == "conn busy"
}

// PrepareError is pgconn's error for a failed Prepare.
type PrepareError struct {
	err           error
	ParseComplete bool // the server had answered ParseComplete
}

// Error returns the error's text.
func (e *PrepareError) Error() string {
	if e.ParseComplete {
		return fmt.Sprintf("prepare failed after ParseComplete: %s", e.err.Error())
	}
	return e.err.Error()
}

// Unwrap returns the error wrapped.
func (e *PrepareError) Unwrap() error { return e.err }

// ConnectError is pgconn's error for a failed connection attempt.
type ConnectError struct {
	User, Database string
	err            error
}

// Error returns the error's text.
func (e *ConnectError) Error() string {
	return fmt.Sprintf("failed to connect to `user=%s database=%s`: %s", e.User, e.Database, e.err.Error())
}

// Unwrap returns the error wrapped.
func (e *ConnectError) Unwrap() error { return e.err }

// perDialConnectError is pgconn's error for one address that failed.
type perDialConnectError struct {
	address, originalHostname string
	err                       error
}

// Error returns the error's text.
func (e *perDialConnectError) Error() string {
	return fmt.Sprintf("%s (%s): %s", e.address, e.originalHostname, e.err.Error())
}

// Unwrap returns the error wrapped.
func (e *perDialConnectError) Unwrap() error { return e.err }

// typeName is the Go type name a pgx program would see for err.
func typeName(err error) string {
	switch err.(type) {
	case *PgError:
		return "*pgconn.PgError"
	case *connLockError:
		return "*pgconn.connLockError"
	case *PrepareError:
		return "*pgconn.PrepareError"
	case *ConnectError:
		return "*pgconn.ConnectError"
	case *invalidMessageFormatErr:
		return "*pgproto3.invalidMessageFormatErr"
	case *ExceededMaxBodyLenErr:
		return "*pgproto3.ExceededMaxBodyLenErr"
	case *writeError:
		return "*pgproto3.writeError"
	case *wrapped:
		return "*fmt.wrapError"
	}
	return fmt.Sprintf("%T", err)
}

// toDriverError is err as the DB-API interfaces carry it: Class the Go
// type name, Base the DB-API class (by SQLSTATE for a server error,
// InterfaceError for a refused connection, OperationalError otherwise).
func toDriverError(err error) error {
	if err == nil {
		return nil
	}
	e := &driver.Error{Class: typeName(err), Message: err.Error(), Base: "OperationalError"}
	var pe *PgError
	var le *connLockError
	switch {
	case errors.As(err, &pe):
		e.PgCode = pe.Code
		e.Base = pqconn.DBAPIBase(pqconn.BaseException(pe.Code))
	case errors.As(err, &le):
		e.Base = "InterfaceError"
	}
	return e
}
