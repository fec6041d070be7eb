package libpq

import (
	"fmt"

	"github.com/jackc/pgproto3/v2"
)

// maxQueryParams is PQ_QUERY_PARAM_MAX_LIMIT.
const maxQueryParams = 65535

// Exec sends a simple Query and waits for its results (PQexec). It returns
// the last result of the reply (a multi-statement query returns several),
// stopping early at a COPY result or when the connection is lost. It
// returns nil when the query could not be sent; ErrorMessage says why,
// e.g. "no connection to the server\n".
func (c *Conn) Exec(query string) *Result {
	if !c.execStart() {
		return nil
	}
	if !c.SendQuery(query) {
		return nil
	}
	return c.execFinish()
}

// ExecParams runs a query with the extended protocol (PQexecParams):
// Parse of the unnamed statement, Bind, Describe portal, Execute and Sync.
// Parameters are sent in text format, a nil entry as NULL; resultFormat is
// 0 for text results, 1 for binary.
func (c *Conn) ExecParams(query string, params []*string, resultFormat int) *Result {
	if !c.execStart() {
		return nil
	}
	if !c.SendQueryParams(query, params, resultFormat) {
		return nil
	}
	return c.execFinish()
}

// Prepare creates a prepared statement (PQprepare): Parse and Sync. libpq
// sends no parameter types when none are given, so nParams is only range
// checked.
func (c *Conn) Prepare(name, query string, nParams int) *Result {
	if !c.execStart() {
		return nil
	}
	if !c.SendPrepare(name, query, nParams) {
		return nil
	}
	return c.execFinish()
}

// ExecPrepared runs a prepared statement (PQexecPrepared): Bind, Describe
// portal, Execute and Sync. libpq keeps no query text for it, so an error
// position is shown as " at character N" rather than a LINE display.
func (c *Conn) ExecPrepared(name string, params []*string, resultFormat int) *Result {
	if !c.execStart() {
		return nil
	}
	if !c.SendQueryPrepared(name, params, resultFormat) {
		return nil
	}
	return c.execFinish()
}

// SendQuery sends a simple Query without waiting (PQsendQuery). It returns
// false if the query was not sent: "no connection to the server\n" or
// "another command is already in progress\n" is then in ErrorMessage.
func (c *Conn) SendQuery(query string) bool {
	if !c.sendQueryStart(true) {
		return false
	}
	query = cString(query)
	if !c.sendMessages(&pgproto3.Query{String: query}) {
		return false
	}
	c.appendCmdQueueEntry(cmdQueueEntry{class: querySimple, query: query, hasQuery: true})
	return true
}

// SendQueryParams is PQsendQueryParams with text parameters and no
// parameter types.
func (c *Conn) SendQueryParams(query string, params []*string, resultFormat int) bool {
	if !c.sendQueryStart(true) {
		return false
	}
	if len(params) > maxQueryParams {
		c.appendError(fmt.Sprintf("number of parameters must be between 0 and %d\n", maxQueryParams))
		return false
	}
	return c.sendQueryGuts(cString(query), true, "", params, resultFormat)
}

// SendPrepare is PQsendPrepare without parameter types.
func (c *Conn) SendPrepare(name, query string, nParams int) bool {
	if !c.sendQueryStart(true) {
		return false
	}
	if nParams < 0 || nParams > maxQueryParams {
		c.appendError(fmt.Sprintf("number of parameters must be between 0 and %d\n", maxQueryParams))
		return false
	}
	query = cString(query)
	if !c.sendMessages(
		&pgproto3.Parse{Name: cString(name), Query: query},
		&pgproto3.Sync{},
	) {
		return false
	}
	c.appendCmdQueueEntry(cmdQueueEntry{class: queryPrepare, query: query, hasQuery: true})
	return true
}

// SendQueryPrepared is PQsendQueryPrepared with text parameters.
func (c *Conn) SendQueryPrepared(name string, params []*string, resultFormat int) bool {
	if !c.sendQueryStart(true) {
		return false
	}
	if len(params) > maxQueryParams {
		c.appendError(fmt.Sprintf("number of parameters must be between 0 and %d\n", maxQueryParams))
		return false
	}
	return c.sendQueryGuts("", false, cString(name), params, resultFormat)
}

// sendQueryGuts is PQsendQueryGuts: [Parse,] Bind, Describe portal,
// Execute, Sync.
func (c *Conn) sendQueryGuts(command string, haveCommand bool, stmtName string, params []*string, resultFormat int) bool {
	var msgs []pgproto3.FrontendMessage
	if haveCommand {
		msgs = append(msgs, &pgproto3.Parse{Name: stmtName, Query: command})
	}
	values := make([][]byte, len(params))
	for i, p := range params {
		if p != nil {
			values[i] = []byte(cString(*p)) // text: strlen
		}
	}
	msgs = append(msgs,
		&pgproto3.Bind{
			PreparedStatement: stmtName,
			Parameters:        values,
			ResultFormatCodes: []int16{int16(resultFormat)},
		},
		&pgproto3.Describe{ObjectType: 'P'},
		&pgproto3.Execute{},
		&pgproto3.Sync{},
	)
	if !c.sendMessages(msgs...) {
		return false
	}
	c.appendCmdQueueEntry(cmdQueueEntry{class: queryExtended, query: command, hasQuery: haveCommand})
	return true
}

// sendQueryStart is PQsendQueryStart with pipeline mode off.
func (c *Conn) sendQueryStart(newQuery bool) bool {
	if newQuery && len(c.cmdQueue) == 0 {
		c.clearErrorState()
	}
	if c.status != ConnectionOK {
		c.appendError("no connection to the server\n")
		return false
	}
	if c.asyncStatus != asyncIdle {
		c.appendError("another command is already in progress\n")
		return false
	}
	c.clearAsyncResult()
	return true
}

// appendCmdQueueEntry is pqAppendCmdQueueEntry: queue the command and go
// BUSY.
func (c *Conn) appendCmdQueueEntry(e cmdQueueEntry) {
	c.cmdQueue = append(c.cmdQueue, e)
	if c.asyncStatus == asyncIdle {
		c.asyncStatus = asyncBusy
	}
}

// IsBusy parses what is buffered and reports whether GetResult would wait
// for input (PQisBusy). It does not read.
func (c *Conn) IsBusy() bool {
	c.parseInput()
	return c.asyncStatus == asyncBusy && c.status != ConnectionBad
}

// ConsumeInput reads available input into the buffer without parsing it
// (PQconsumeInput). libpq never blocks here; this makes one Read call,
// which blocks if the reader has nothing available. It returns false on
// error, with ErrorMessage set.
func (c *Conn) ConsumeInput() bool {
	return c.readData() >= 0
}

// GetResult returns the next result of the command in progress, reading
// as needed, or nil when the command is complete (PQgetResult).
func (c *Conn) GetResult() *Result {
	c.parseInput()
	for c.asyncStatus == asyncBusy {
		if !c.waitSocket() || c.readData() < 0 {
			// Report the error saved by pqWait or pqReadData.
			c.saveErrorResult()
			c.asyncStatus = asyncIdle
			return c.prepareAsyncResult()
		}
		c.parseInput()
		if c.writeFailed && c.asyncStatus == asyncBusy {
			c.saveWriteError()
			c.asyncStatus = asyncIdle
			return c.prepareAsyncResult()
		}
	}
	switch c.asyncStatus {
	case asyncIdle:
		return nil
	case asyncReady:
		res := c.prepareAsyncResult()
		c.commandQueueAdvance(false)
		c.asyncStatus = asyncBusy // allow parsing to proceed
		return res
	case asyncCopyIn:
		return c.getCopyResult(PGRES_COPY_IN)
	case asyncCopyOut:
		return c.getCopyResult(PGRES_COPY_OUT)
	case asyncCopyBoth:
		return c.getCopyResult(PGRES_COPY_BOTH)
	}
	c.appendError(fmt.Sprintf("unexpected asyncStatus: %d\n", int(c.asyncStatus)))
	c.saveErrorResult()
	c.asyncStatus = asyncIdle
	return c.prepareAsyncResult()
}

// getCopyResult is libpq's getCopyResult: in a COPY state GetResult keeps
// returning a COPY result until the copy is ended.
func (c *Conn) getCopyResult(copytype ExecStatus) *Result {
	if c.status != ConnectionOK {
		c.saveErrorResult()
		c.asyncStatus = asyncIdle
		return c.prepareAsyncResult()
	}
	if c.result != nil && c.result.status == copytype {
		return c.prepareAsyncResult()
	}
	return c.makeResult(copytype)
}

// execStart is PQexecStart: start a query cycle and discard results the
// application did not collect, getting out of COPY states.
func (c *Conn) execStart() bool {
	if len(c.cmdQueue) == 0 {
		c.clearErrorState()
	}
	for {
		res := c.GetResult()
		if res == nil {
			break
		}
		switch res.status {
		case PGRES_COPY_IN:
			if c.putCopyEnd("COPY terminated by new PQexec") < 0 {
				return false
			}
		case PGRES_COPY_OUT:
			// Drop the remaining COPY data.
			c.asyncStatus = asyncBusy
		case PGRES_COPY_BOTH:
			c.appendError("PQexec not allowed during COPY BOTH\n")
			return false
		}
		if c.status == ConnectionBad {
			return false
		}
	}
	return true
}

// execFinish is PQexecFinish: collect results, keeping the last one.
func (c *Conn) execFinish() *Result {
	var last *Result
	for {
		res := c.GetResult()
		if res == nil {
			break
		}
		last = res
		if res.status == PGRES_COPY_IN || res.status == PGRES_COPY_OUT ||
			res.status == PGRES_COPY_BOTH || c.status == ConnectionBad {
			break
		}
	}
	return last
}

// putCopyEnd is PQputCopyEnd with an error message: send CopyFail (and
// Sync for an extended-protocol COPY) and return to BUSY.
func (c *Conn) putCopyEnd(errormsg string) int {
	if c.asyncStatus != asyncCopyIn && c.asyncStatus != asyncCopyBoth {
		c.appendError("no COPY in progress\n")
		return -1
	}
	msgs := []pgproto3.FrontendMessage{&pgproto3.CopyFail{Message: errormsg}}
	if h := c.queueHead(); h != nil && h.class != querySimple {
		msgs = append(msgs, &pgproto3.Sync{})
	}
	buf, err := encodeMessages(msgs...)
	if err != nil {
		c.appendError("cannot allocate memory for output buffer\n")
		return -1
	}
	if c.asyncStatus == asyncCopyBoth {
		c.asyncStatus = asyncCopyOut
	} else {
		c.asyncStatus = asyncBusy
	}
	if c.flush(buf, true) < 0 {
		return -1
	}
	return 1
}
