package libpq

import "fmt"

// maxShortMessage is the largest length libpq believes for a message type
// that may not be long.
const maxShortMessage = 30000

// validLongMessageType is VALID_LONG_MESSAGE_TYPE (fe-protocol3.c): the
// types whose declared length may exceed 30000 bytes. RowDescription,
// DataRow, CopyData, FunctionCallResponse, ErrorResponse, NoticeResponse
// and NotificationResponse.
func validLongMessageType(id byte) bool {
	switch id {
	case 'T', 'D', 'd', 'V', 'E', 'N', 'A':
		return true
	}
	return false
}

// parseInput is pqParseInput3: parse complete messages in the input buffer
// until it is exhausted or a stopping state is reached. It never reads.
func (c *Conn) parseInput() {
	for {
		// Get the type code and length; return if not enough data.
		c.inCursor = c.inStart
		id, ok := c.getc()
		if !ok {
			return
		}
		msgLength32, ok := c.getInt4()
		if !ok {
			return
		}
		msgLength := int(msgLength32)

		// Validate the length: under 4 is broken, large lengths are
		// believed only for a few types.
		if msgLength < 4 {
			c.handleSyncLoss(id, msgLength, msgLength32, "")
			return
		}
		if msgLength > maxShortMessage && !validLongMessageType(id) {
			c.handleSyncLoss(id, msgLength, msgLength32, "")
			return
		}

		// Wait until the whole body is buffered.
		msgLength -= 4
		avail := c.inEnd - c.inCursor
		if avail < msgLength {
			if !c.checkInBufferSpace(int64(c.inCursor) + int64(msgLength)) {
				c.handleSyncLoss(id, msgLength, msgLength32, noInputMemoryText)
			}
			return
		}
		c.msgErr = ""

		// NotificationResponse and NoticeResponse are processed in any
		// state; everything else only while BUSY. In IDLE state an error
		// becomes a notice, ParameterStatus is applied, anything else is
		// reported through the notice processor and skipped.
		switch {
		case id == 'A':
			if !c.getNotify() {
				return
			}
		case id == 'N':
			if !c.getErrorNotice(false) {
				return
			}
		case c.asyncStatus != asyncBusy:
			if c.asyncStatus != asyncIdle {
				return // wait until the application collects the result
			}
			switch id {
			case 'E':
				if !c.getErrorNotice(false) {
					return
				}
			case 'S':
				if !c.getParameterStatus() {
					return
				}
			default:
				// id is a C char, signed on x86-64: 0x80 prints as
				// 0xffffff80.
				internalNotice(c.notice, fmt.Sprintf("message type 0x%02x arrived from server while idle",
					uint32(int32(int8(id)))))
				c.inCursor += msgLength
			}
		default:
			if !c.parseBusyMessage(id, msgLength) {
				return
			}
		}

		// Check that the handler consumed exactly the declared length.
		if c.inCursor == c.inStart+5+msgLength {
			c.consumeTo(id, msgLength32, c.inCursor)
		} else {
			c.msgErr = "message contents do not agree with length in message type \"" + cChar(id) + "\"\n"
			c.appendError(c.msgErr)
			c.saveErrorResult()
			c.asyncStatus = asyncReady
			// Trust the declared length as what to skip.
			c.consumeTo(id, msgLength32, c.inStart+5+msgLength)
		}
	}
}

// contentError records a message that libpq rejects for its contents but
// skips by its declared length: the text goes to the error message and to
// the consume hook.
func (c *Conn) contentError(text string) {
	c.msgErr = text
	c.appendError(text)
	c.saveErrorResult()
}

// parseBusyMessage handles one complete message in BUSY state (the switch
// of pqParseInput3). It returns false where libpq returns from
// pqParseInput3 without consuming the message.
func (c *Conn) parseBusyMessage(id byte, msgLength int) bool {
	switch id {
	case 'C': // CommandComplete
		tag, ok := c.gets()
		if !ok {
			return false
		}
		if !c.havePendingResult() {
			c.result = c.makeResult(PGRES_COMMAND_OK)
		}
		if c.result != nil {
			if len(tag) > cmdStatusLen-1 {
				tag = tag[:cmdStatusLen-1]
			}
			c.result.cmdStatus = tag
		}
		c.asyncStatus = asyncReady
	case 'E': // ErrorResponse
		if !c.getErrorNotice(true) {
			return false
		}
		c.asyncStatus = asyncReady
	case 'Z': // ReadyForQuery
		if !c.getReadyForQuery() {
			return false
		}
		c.commandQueueAdvance(true)
		c.asyncStatus = asyncIdle
	case 'I': // EmptyQueryResponse
		if !c.havePendingResult() {
			c.result = c.makeResult(PGRES_EMPTY_QUERY)
		}
		c.asyncStatus = asyncReady
	case '1': // ParseComplete: the result of PQprepare, else ignored
		if h := c.queueHead(); h != nil && h.class == queryPrepare {
			if !c.havePendingResult() {
				c.result = c.makeResult(PGRES_COMMAND_OK)
			}
			c.asyncStatus = asyncReady
		}
	case '2', '3': // BindComplete, CloseComplete
	case 'S': // ParameterStatus
		if !c.getParameterStatus() {
			return false
		}
	case 'K': // BackendKeyData
		if !c.getBackendKeyData() {
			return false
		}
	case 'T': // RowDescription
		h := c.queueHead()
		switch {
		case c.errorResult || (c.result != nil && c.result.status == PGRES_FATAL_ERROR):
			// Already choked: discard until the end of the query.
			c.inCursor += msgLength
		case c.result == nil || (h != nil && h.class == queryDescribe):
			c.getRowDescriptions(msgLength)
		default:
			// A second 'T' starts another result: stop until the
			// application takes the current one.
			c.asyncStatus = asyncReady
			return false
		}
	case 'n': // NoData
		if h := c.queueHead(); h != nil && h.class == queryDescribe {
			if !c.havePendingResult() {
				c.result = c.makeResult(PGRES_COMMAND_OK)
			}
			c.asyncStatus = asyncReady
		}
	case 't': // ParameterDescription
		c.getParamDescriptions(msgLength)
	case 'D': // DataRow
		switch {
		case c.result != nil && c.result.status == PGRES_TUPLES_OK:
			c.getAnotherTuple(msgLength)
		case c.errorResult || (c.result != nil && c.result.status == PGRES_FATAL_ERROR):
			c.inCursor += msgLength
		default:
			c.contentError("server sent data (\"D\" message) without prior row description (\"T\" message)\n")
			c.inCursor += msgLength
		}
	case 'G': // CopyInResponse
		if !c.getCopyStart(PGRES_COPY_IN) {
			return false
		}
		c.asyncStatus = asyncCopyIn
	case 'H': // CopyOutResponse
		if !c.getCopyStart(PGRES_COPY_OUT) {
			return false
		}
		c.asyncStatus = asyncCopyOut
	case 'W': // CopyBothResponse
		if !c.getCopyStart(PGRES_COPY_BOTH) {
			return false
		}
		c.asyncStatus = asyncCopyBoth
	case 'd': // CopyData: dropped (the application left COPY OUT early)
		c.inCursor += msgLength
	case 'c': // CopyDone: ignored
	default:
		c.contentError("unexpected response from server; first received character was \"" + cChar(id) + "\"\n")
		c.asyncStatus = asyncReady
		c.inCursor += msgLength
	}
	return true
}

// cChar renders a byte the way C's %c does: the raw byte, not a UTF-8
// encoding of it.
func cChar(b byte) string { return string([]byte{b}) }

// noInputMemoryText is pqCheckInBufferSpace's error text.
const noInputMemoryText = "cannot allocate memory for input buffer\n"

// handleSyncLoss is libpq's handleSyncLoss: report, make an error result,
// close the socket, discard all input, and mark the connection bad.
// msgLength is the length libpq prints, lengthWord the length as read, and
// before the error text already appended for this message (for the consume
// hook).
func (c *Conn) handleSyncLoss(id byte, msgLength int, lengthWord int32, before string) {
	text := fmt.Sprintf("lost synchronization with server: got message type \"%s\", length %d\n", cChar(id), msgLength)
	c.appendError(text)
	if c.consumeHook != nil {
		c.reportConsumed(id, lengthWord, c.inStart, c.failedExtent(c.inStart, lengthWord), before+text)
	}
	c.saveErrorResult()
	c.asyncStatus = asyncReady
	c.dropConnection(true)
	c.status = ConnectionBad
}
