package libpq

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"
)

// serverClosedText is libpq's message for EOF, EPIPE and ECONNRESET.
const serverClosedText = "server closed the connection unexpectedly\n" +
	"\tThis probably means the server terminated abnormally\n" +
	"\tbefore or while processing the request.\n"

// maxReadSize caps a single Read request. libpq asks recv for all free
// buffer space, which can grow to the size of a huge declared message; this
// package does not allocate that much.
const maxReadSize = 1 << 20

// maxEmptyReads is how many consecutive (0, nil) reads are tolerated before
// reporting io.ErrNoProgress, so that a misbehaving reader cannot make
// GetResult spin forever.
const maxEmptyReads = 100

// readData is pqReadData: load more data into the input buffer. It returns
// 1 if at least one byte was read, 0 if no data was available, and -1 on
// error or end of file, with errorMessage set. Where libpq does a
// non-blocking recv, this does one Read, which may block.
func (c *Conn) readData() int {
	if !c.sockValid {
		c.appendError("connection not open\n")
		return -1
	}

	c.leftJustify() // make room
	if c.inBufSize-c.inEnd < 8192 {
		c.checkInBufferSpace(int64(c.inEnd) + 8192)
	}
	want := c.inBufSize - c.inEnd
	if want > maxReadSize {
		want = maxReadSize
	}

	var n int
	var err error
	if c.pendingReadErr != nil {
		err, c.pendingReadErr = c.pendingReadErr, nil
	} else {
		if cap(c.inBuf) < c.inEnd+want {
			// Grow geometrically: reads may be much shorter than want.
			nb := make([]byte, c.inEnd, max(c.inEnd+want, 2*cap(c.inBuf)))
			copy(nb, c.inBuf[:c.inEnd])
			c.inBuf = nb
		}
		n, err = c.rw.Read(c.inBuf[c.inEnd : c.inEnd+want])
	}
	if n > 0 {
		c.noteRead(c.inEnd, c.readOffset(n), n)
		c.inEnd += n
		c.inBuf = c.inBuf[:c.inEnd]
		c.emptyReads = 0
		if err != nil {
			c.pendingReadErr = err
		}
		return 1
	}
	if err == nil {
		c.emptyReads++
		if c.emptyReads < maxEmptyReads {
			return 0
		}
		c.emptyReads = 0
		err = io.ErrNoProgress
	}
	return c.readFailed(err)
}

// readFailed maps a Read error the way pqsecure_raw_read and pqReadData
// map recv's errno.
func (c *Conn) readFailed(err error) int {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		c.appendError(serverClosedText) // definitelyEOF
		return c.definitelyFailed()
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return 0 // like EAGAIN: no data now
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		switch errno {
		case 0:
			c.appendError(serverClosedText)
			return c.definitelyFailed()
		case syscall.EAGAIN, syscall.EINTR:
			return 0
		case syscall.EPIPE, syscall.ECONNRESET:
			c.appendError(serverClosedText)
			return c.definitelyFailed()
		}
		c.appendError("could not receive data from server: " + strerror(err) + "\n")
		if isConnectionFailureErrno(errno) {
			return c.definitelyFailed()
		}
		return -1
	}
	c.appendError("could not receive data from server: " + strerror(err) + "\n")
	return -1
}

// definitelyFailed drops the connection but keeps already-read input.
func (c *Conn) definitelyFailed() int {
	c.dropConnection(false)
	c.status = ConnectionBad
	return -1
}

// isConnectionFailureErrno is ALL_CONNECTION_FAILURE_ERRNOS (port.h),
// without EPIPE and ECONNRESET, which are handled before.
func isConnectionFailureErrno(e syscall.Errno) bool {
	switch e {
	case syscall.ECONNABORTED, syscall.EHOSTDOWN, syscall.EHOSTUNREACH,
		syscall.ENETDOWN, syscall.ENETRESET, syscall.ENETUNREACH, syscall.ETIMEDOUT:
		return true
	}
	return false
}

// strerror renders an error like SOCK_STRERROR: glibc's text for an errno
// (Go's text with the first letter capitalized), "Bad file descriptor" for a
// closed descriptor, and the Go error text otherwise.
func strerror(err error) string {
	if errors.Is(err, net.ErrClosed) || errors.Is(err, os.ErrClosed) {
		return "Bad file descriptor"
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		if s != "" && s[0] >= 'a' && s[0] <= 'z' {
			s = string(s[0]-'a'+'A') + s[1:]
		}
		return s
	}
	return err.Error()
}

// waitSocket is pqWait for reading: with a blocking Read there is nothing
// to wait for, but libpq's check for a closed socket remains.
func (c *Conn) waitSocket() bool {
	if !c.sockValid {
		c.appendError("invalid socket\n")
		return false
	}
	return true
}

// checkInBufferSpace is pqCheckInBufferSpace. The buffer is not actually
// allocated; only libpq's int-typed size arithmetic is reproduced, because
// it decides when a declared length is too large ("cannot allocate memory
// for input buffer"): libpq doubles an int, which wraps past 1 GiB, and then
// grows in 8 KiB steps up to the largest multiple of 8192 below 2^31.
func (c *Conn) checkInBufferSpace(bytesNeeded int64) bool {
	if bytesNeeded <= int64(c.inBufSize) {
		return true
	}
	bytesNeeded -= int64(c.inStart)
	c.leftJustify()
	if bytesNeeded <= int64(c.inBufSize) {
		return true
	}
	newsize := int32(c.inBufSize)
	for {
		newsize *= 2 // wraps like the C int (PostgreSQL builds with -fwrapv)
		if !(newsize > 0 && bytesNeeded > int64(newsize)) {
			break
		}
	}
	if newsize > 0 && bytesNeeded <= int64(newsize) {
		c.inBufSize = int(newsize)
		return true
	}
	newsize = int32(c.inBufSize)
	for {
		newsize += 8192
		if !(newsize > 0 && bytesNeeded > int64(newsize)) {
			break
		}
	}
	if newsize > 0 && bytesNeeded <= int64(newsize) {
		c.inBufSize = int(newsize)
		return true
	}
	c.appendError(noInputMemoryText)
	return false
}

// leftJustify moves the unparsed data to the start of the input buffer, as
// libpq does before reading more (pqReadData, pqCheckInBufferSpace).
func (c *Conn) leftJustify() {
	if c.inStart < c.inEnd {
		if c.inStart > 0 {
			n := copy(c.inBuf, c.inBuf[c.inStart:c.inEnd])
			c.shiftSegments(c.inStart)
			c.inEnd -= c.inStart
			c.inCursor -= c.inStart
			c.inStart = 0
			c.inBuf = c.inBuf[:n]
		}
	} else {
		c.inStart, c.inCursor, c.inEnd = 0, 0, 0
		c.inBuf = c.inBuf[:0]
		c.segs = c.segs[:0]
	}
}
