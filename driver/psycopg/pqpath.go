package psycopg

import (
	"fmt"

	"github.com/poolsim/poolsim/driver"
	"github.com/poolsim/poolsim/fakepg/libpq"
)

// executeCommandLocked is pq_execute_command_locked: PQexec of a command
// that must answer PGRES_COMMAND_OK. On failure it returns false with the
// result kept in c.pgres, or, when PQexec returned NULL, libpq's error
// text in c.errText, for completeError.
func (c *Conn) executeCommandLocked(query string) bool {
	c.pgres = c.pqExec(query)
	if c.pgres == nil {
		c.errText, c.hasError = c.pqErrorMessage(), true
		return false
	}
	if c.pgres.Status() != libpq.PGRES_COMMAND_OK {
		return false
	}
	c.pgres = nil
	return true
}

// beginLocked is pq_begin_locked: BEGIN, with the session's
// characteristics, unless psycopg2 already began a transaction or the
// connection is in autocommit.
func (c *Conn) beginLocked() bool {
	if c.status != statusReady {
		return true
	}
	if c.autocommit {
		return true
	}
	query := "BEGIN"
	if c.isolevel != isolationLevelDefault || c.readonly != stateDefault || c.deferrable != stateDefault {
		query = "BEGIN"
		if c.isolevel >= 1 && c.isolevel <= 4 {
			query += " ISOLATION LEVEL " + srvIsolevels[c.isolevel]
		}
		query += srvReadonly[c.readonly] + srvDeferrable[c.deferrable]
	}
	ok := c.executeCommandLocked(query)
	if ok {
		c.status = statusBegin
	}
	return ok
}

// setGUCLocked is pq_set_guc_locked: SET param TO 'value', or TO DEFAULT.
func (c *Conn) setGUCLocked(param, value string) bool {
	if value == "default" {
		return c.executeCommandLocked("SET " + param + " TO DEFAULT")
	}
	return c.executeCommandLocked("SET " + param + " TO '" + value + "'")
}

// completeError is pq_complete_error: the exception for a command that
// executeCommandLocked reported failed, called after the lock is released.
func (c *Conn) completeError() *driver.Error {
	var e *driver.Error
	if c.pgres != nil {
		res := c.pgres
		c.pgres = nil
		e = c.raise(res)
	} else {
		if c.hasError {
			e = exception(OperationalError, c.errText)
		} else {
			e = exception(OperationalError, "unknown error")
		}
		if c.pqStatus() == libpq.ConnectionBad {
			c.closed = 2
		}
	}
	c.errText, c.hasError = "", false
	return e
}

// raise is pq_raise: the exception for a result that is not what was
// expected. A broken connection is marked closed (2) and raises
// OperationalError unless the result carries an SQLSTATE; a result with
// no error text at all raises "error with status ... and no message from
// the libpq", which is how a command that received another command's
// reply shows up.
func (c *Conn) raise(res *libpq.Result) *driver.Error {
	exc := ""
	if c.pg != nil && c.pg.Status() == libpq.ConnectionBad {
		c.closed = 2
		exc = OperationalError
	}
	var msg, code string
	if res != nil {
		msg = res.ErrorMessage()
		code = res.ErrorField('C')
	} else {
		msg = c.pqErrorMessage()
	}
	if msg == "" {
		status := libpq.ExecStatus(c.pqStatus()) // PQresStatus(PQstatus(...)), as psycopg2 writes it
		if res != nil {
			status = res.Status()
		}
		return exception(DatabaseError, fmt.Sprintf("error with status %s and no message from the libpq", status))
	}
	if code != "" {
		return exceptionFromSQLState(code, stripSeverity(msg))
	}
	if exc == "" {
		exc = DatabaseError
	}
	return exception(exc, stripSeverity(msg))
}
