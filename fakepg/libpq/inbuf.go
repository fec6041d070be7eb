package libpq

import "encoding/binary"

// Cursor reads over the input buffer, like libpq's pqGetc, pqGets, pqGetInt,
// pqGetnchar and pqSkipnchar. Each one checks only against inEnd, the end of
// all buffered data, never against the end of the current message: a
// malformed message can read into the message after it. A read that would
// pass inEnd fails (ok == false) and leaves inCursor unchanged; in libpq
// that only means "not enough data yet".

func (c *Conn) getc() (byte, bool) {
	if c.inCursor >= c.inEnd {
		return 0, false
	}
	b := c.inBuf[c.inCursor]
	c.inCursor++
	return b, true
}

// getInt2 reads a 16-bit integer as unsigned, like pqGetInt(..., 2).
func (c *Conn) getInt2() (int, bool) {
	if c.inCursor+2 > c.inEnd {
		return 0, false
	}
	v := binary.BigEndian.Uint16(c.inBuf[c.inCursor:])
	c.inCursor += 2
	return int(v), true
}

// getInt4 reads a 32-bit integer as a C int (signed), like
// pqGetInt(..., 4).
func (c *Conn) getInt4() (int32, bool) {
	if c.inCursor+4 > c.inEnd {
		return 0, false
	}
	v := binary.BigEndian.Uint32(c.inBuf[c.inCursor:])
	c.inCursor += 4
	return int32(v), true
}

// gets reads a NUL-terminated string and consumes the NUL.
func (c *Conn) gets() (string, bool) {
	i := c.inCursor
	for i < c.inEnd && c.inBuf[i] != 0 {
		i++
	}
	if i >= c.inEnd {
		return "", false
	}
	s := intern(c.inBuf[c.inCursor:i])
	c.inCursor = i + 1
	return s, true
}

// getnchar reads exactly n bytes.
func (c *Conn) getnchar(n int) ([]byte, bool) {
	if n < 0 || n > c.inEnd-c.inCursor {
		return nil, false
	}
	b := append([]byte(nil), c.inBuf[c.inCursor:c.inCursor+n]...)
	c.inCursor += n
	return b, true
}

// skipnchar skips n bytes.
func (c *Conn) skipnchar(n int) bool {
	if n < 0 || n > c.inEnd-c.inCursor {
		return false
	}
	c.inCursor += n
	return true
}
