package libpq

import (
	"errors"
	"syscall"

	"github.com/jackc/pgproto3/v2"
)

// encodeMessages encodes frontend messages into one buffer, as libpq
// collects a command's messages in its output buffer and sends them with
// one flush.
func encodeMessages(msgs ...pgproto3.FrontendMessage) ([]byte, error) {
	var buf []byte
	for _, m := range msgs {
		var err error
		buf, err = m.Encode(buf)
		if err != nil {
			return nil, err
		}
	}
	return buf, nil
}

// sendMessages encodes msgs and sends them (pqPutMsgStart/pqPutMsgEnd and
// pqFlush). It returns false where libpq's send would fail, with
// errorMessage set.
func (c *Conn) sendMessages(msgs ...pgproto3.FrontendMessage) bool {
	buf, err := encodeMessages(msgs...)
	if err != nil {
		// libpq's pqCheckOutBufferSpace failure.
		c.appendError("cannot allocate memory for output buffer\n")
		return false
	}
	return c.flush(buf, true) >= 0
}

// flush is pqFlush/pqSendSome for data that libpq would have in its output
// buffer. Hard write errors do not fail the call: like pqsecure_raw_write it
// records write_failed and a message, claims success, and leaves reporting
// to GetResult, in case the server explains the failure first. After a
// write failure data is discarded and, if absorb is set, input is read
// instead (libpq does a non-blocking read there; here it is one Read, which
// may block).
func (c *Conn) flush(data []byte, absorb bool) int {
	if len(data) == 0 {
		return 0
	}
	if c.writeFailed {
		if absorb && c.sockValid {
			if c.readData() < 0 {
				return -1
			}
		}
		return 0
	}
	if !c.sockValid {
		c.writeFailed = true
		c.writeErrMsg, c.hasWriteErrMsg = "connection not open\n", true
		return 0
	}
	for len(data) > 0 {
		n, err := c.rw.Write(data)
		if err != nil {
			c.writeFailed = true
			c.hasWriteErrMsg = true
			var errno syscall.Errno
			if errors.As(err, &errno) && (errno == syscall.EPIPE || errno == syscall.ECONNRESET) {
				c.writeErrMsg = serverClosedText
			} else {
				c.writeErrMsg = "could not send data to server: " + strerror(err) + "\n"
			}
			return 0
		}
		if n <= 0 {
			c.writeFailed = true
			c.writeErrMsg, c.hasWriteErrMsg = "could not send data to server: short write\n", true
			return 0
		}
		data = data[n:]
	}
	return 0
}

// sendTerminate is sendTerminateConn: Terminate is sent only on an open
// socket of a connection in ConnectionOK. Unlike libpq, a connection whose
// writes already failed does not read input here.
func (c *Conn) sendTerminate() {
	if !c.sockValid || c.status != ConnectionOK {
		return
	}
	buf, err := encodeMessages(&pgproto3.Terminate{})
	if err != nil {
		return
	}
	c.flush(buf, false)
}
