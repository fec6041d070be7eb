package libpq

// This file records which stream bytes each backend message was made of.
// Beside the input buffer the connection keeps a list of segments, each
// mapping a run of buffer positions to the inbound stream offsets its bytes
// were read from. When a process shares its socket with another reader,
// one message can be made of bytes that are not contiguous in the stream.

// Consumed describes one backend message as libpq took it from its input
// buffer.
type Consumed struct {
	Type   byte    // message type byte as read
	Length int32   // the length word as read (may be garbage on a corrupted stream); 0 if not read
	Ranges []Range // the stream ranges its bytes came from, in order
	Error  string  // libpq's error text when the message failed to parse or frame ("" if fine)
}

// Range is a run of bytes of one inbound stream.
type Range struct {
	Off int64 // stream offset of the first byte
	Len int   // number of bytes
}

// StreamOffsetter is implemented by a reader that knows where its bytes sit
// in the inbound stream, which other readers may share. StreamOffset
// returns the stream offset of the next byte the stream will deliver to
// any reader. The connection calls it right after each Read that returned
// n > 0 bytes and takes StreamOffset() - n as the offset of the first of
// them, so no other reader may take bytes between a Read returning and that
// call (in the simulator only decision points switch tasks, and
// StreamOffset is none).
type StreamOffsetter interface {
	StreamOffset() int64
}

// SetConsumeHook installs fn to be called once for every backend message
// the connection consumes, in order, and once for a message on which
// framing or parsing fails, before libpq discards its input. Bytes that are
// only looked at while waiting for the rest of a message are not reported
// until the message is complete. A nil fn removes the hook. fn must not
// call methods of the connection.
//
// Error is set for framing failures ("lost synchronization with server",
// "cannot allocate memory for input buffer", "expected authentication
// request from server") and for messages whose contents libpq rejects
// ("insufficient data in ...", "unexpected field count ...", "message
// contents do not agree with length ...", "unexpected response from server
// ...", "server sent data ... without prior row description ..."), with the
// text libpq appends to its error message. It stays "" for a server's
// ErrorResponse, an authentication method libpq refuses and a message
// skipped with an "arrived from server while idle" notice.
//
// The consumed range of a message is its type byte, length word and
// declared body, except during startup, where libpq consumes an
// authentication message up to where its handler stopped reading, and on a
// framing failure, where it is the declared extent (at least the five
// header bytes) cut at the end of the buffered data.
//
// Stream offsets come from the reader's StreamOffset method if it has one
// (see StreamOffsetter); otherwise they count this connection's own bytes
// from 0.
func (c *Conn) SetConsumeHook(fn func(Consumed)) {
	c.consumeHook = fn
}

// segment maps n buffer bytes starting at position pos to the stream bytes
// starting at offset off.
type segment struct {
	pos int
	off int64
	n   int
}

// noteRead records that the n bytes just read into the buffer at position
// pos came from the stream at offset off, merging with the previous
// segment when both runs continue each other.
func (c *Conn) noteRead(pos int, off int64, n int) {
	if k := len(c.segs); k > 0 {
		last := &c.segs[k-1]
		if last.pos+last.n == pos && last.off+int64(last.n) == off {
			last.n += n
			return
		}
	}
	c.segs = append(c.segs, segment{pos: pos, off: off, n: n})
}

// readOffset returns the stream offset of the first of the n bytes the
// last Read returned, and advances the count of this connection's own
// bytes.
func (c *Conn) readOffset(n int) int64 {
	off := c.ownRead
	c.ownRead += int64(n)
	if c.offsetter != nil {
		off = c.offsetter.StreamOffset() - int64(n)
	}
	return off
}

// shiftSegments follows a move of the input buffer: bytes before position
// k are gone and the rest moved to the start.
func (c *Conn) shiftSegments(k int) {
	j := 0
	for _, s := range c.segs {
		if s.pos+s.n <= k {
			continue
		}
		if s.pos < k {
			d := k - s.pos
			s.pos, s.off, s.n = k, s.off+int64(d), s.n-d
		}
		s.pos -= k
		c.segs[j] = s
		j++
	}
	c.segs = c.segs[:j]
}

// streamRanges maps the buffer range [from, to) to stream ranges: nil for
// none, else a full slice that no other call returns a part of.
func (c *Conn) streamRanges(from, to int) []Range {
	k := 0
	for _, s := range c.segs {
		if max(from, s.pos) < min(to, s.pos+s.n) {
			k++
		}
	}
	if k == 0 {
		return nil
	}
	if cap(c.ranges)-len(c.ranges) < k {
		c.ranges = make([]Range, 0, max(k, rangesPerChunk))
	}
	n := len(c.ranges)
	for _, s := range c.segs {
		lo, hi := max(from, s.pos), min(to, s.pos+s.n)
		if lo < hi {
			c.ranges = append(c.ranges, Range{Off: s.off + int64(lo-s.pos), Len: hi - lo})
		}
	}
	return c.ranges[n:len(c.ranges):len(c.ranges)]
}

// rangesPerChunk is the number of ranges streamRanges allocates at once.
const rangesPerChunk = 64

// reportConsumed calls the consume hook, if any, for the message of type id
// with length word length that occupied buffer positions [from, to).
func (c *Conn) reportConsumed(id byte, length int32, from, to int, errText string) {
	if c.consumeHook == nil {
		return
	}
	to = min(to, c.inEnd)
	c.consumeHook(Consumed{Type: id, Length: length, Ranges: c.streamRanges(from, to), Error: errText})
}

// consumeTo consumes the message of type id with length word length that
// starts at inStart, up to buffer position end, and reports it with the
// content error recorded for it, if any.
func (c *Conn) consumeTo(id byte, length int32, end int) {
	from := c.inStart
	c.inStart = end
	if c.consumeHook != nil {
		c.reportConsumed(id, length, from, end, c.msgErr)
	}
}

// failedExtent returns the end of the buffer range reported for a message
// starting at from whose framing failed: its declared extent, at least its
// five header bytes, cut at the end of the buffered data.
func (c *Conn) failedExtent(from int, length int32) int {
	return min(c.inEnd, from+max(5, 1+int(length)))
}
