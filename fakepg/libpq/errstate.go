package libpq

import "bytes"

// This file holds the PostgreSQL 15 error-state model: conn->errorMessage
// accumulates every error text of a query cycle, conn->errorReported counts
// the bytes already handed out in error results, and conn->error_result
// records that an internal error is pending and must become a result.

// cString returns s up to its first NUL byte, the way C code sees a
// char buffer with an embedded NUL.
func cString(s string) string {
	if i := indexNUL(s); i >= 0 {
		return s[:i]
	}
	return s
}

func indexNUL(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return i
		}
	}
	return -1
}

func cBytes(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return string(b[:i])
	}
	return string(b)
}

// ErrorMessage returns the connection's error message (PQerrorMessage):
// all error text accumulated since the current query cycle started, as a C
// caller would see it (up to an embedded NUL byte, if any).
func (c *Conn) ErrorMessage() string {
	return cBytes(c.errorMessage)
}

// appendError appends text to conn->errorMessage.
func (c *Conn) appendError(text string) {
	c.errorMessage = append(c.errorMessage, text...)
}

// clearErrorState is pqClearConnErrorState.
func (c *Conn) clearErrorState() {
	c.errorMessage = c.errorMessage[:0]
	c.errorReported = 0
}

// clearAsyncResult is pqClearAsyncResult: drop any partial result and the
// pending-error flag.
func (c *Conn) clearAsyncResult() {
	c.result = nil
	c.errorResult = false
}

// saveErrorResult is pqSaveErrorResult: drop any partial result and
// remember that an error result must be made from errorMessage.
func (c *Conn) saveErrorResult() {
	c.clearAsyncResult()
	c.errorResult = true
}

// saveWriteError is pqSaveWriteError.
func (c *Conn) saveWriteError() {
	if c.hasWriteErrMsg {
		c.appendError(c.writeErrMsg)
		c.writeErrMsg = "" // avoid appending the same message twice
	} else {
		c.appendError("write to server failed\n")
	}
	c.saveErrorResult()
}

// prepareAsyncResult is pqPrepareAsyncResult: hand out the current result,
// or build an error result from the error text not yet reported.
func (c *Conn) prepareAsyncResult() *Result {
	res := c.result
	if res != nil {
		if res.status == PGRES_FATAL_ERROR {
			c.errorReported = len(c.errorMessage)
		}
	} else {
		if !c.errorResult {
			c.appendError("no error text available\n")
		}
		if c.errorReported < 0 || c.errorReported >= len(c.errorMessage) {
			c.errorReported = 0
		}
		res = c.makeResult(PGRES_FATAL_ERROR)
		res.errMsg = cBytes(c.errorMessage[c.errorReported:])
		c.errorReported = len(c.errorMessage)
	}
	c.result = nil
	c.errorResult = false
	return res
}

// havePendingResult is pgHavePendingResult.
func (c *Conn) havePendingResult() bool {
	return c.result != nil || c.errorResult
}
