package fakepg

import (
	"io"
	"slices"
)

// SendBufferSize is the size of PostgreSQL's backend send buffer
// (PQ_SEND_BUFFER_SIZE).
const SendBufferSize = 8192

// sendBuffer mimics the backend's output buffering (pqcomm.c): messages are
// copied into an 8 KB buffer that is written out whenever it fills and at
// explicit flushes, so the segments a client reads have the boundaries a
// real server produces.
type sendBuffer struct {
	w       io.Writer
	buf     []byte
	written int64 // bytes w accepted so far
	err     error // the first write error; later output is dropped
}

func newSendBuffer(w io.Writer) *sendBuffer {
	return &sendBuffer{w: w}
}

// put appends an encoded message, writing out full buffers. The buffer's
// memory grows with what it holds, up to SendBufferSize: most sessions
// never fill it.
func (b *sendBuffer) put(msg []byte) {
	for len(msg) > 0 {
		if len(b.buf) == SendBufferSize {
			b.flush()
		}
		n := min(SendBufferSize-len(b.buf), len(msg))
		if len(b.buf)+n > cap(b.buf) {
			b.buf = slices.Grow(b.buf, min(max(2*cap(b.buf), len(b.buf)+n, minSendBuffer), SendBufferSize)-len(b.buf))
		}
		b.buf = append(b.buf, msg[:n]...)
		msg = msg[n:]
	}
}

// minSendBuffer is the memory a send buffer starts with.
const minSendBuffer = 512

// flush writes out whatever is buffered.
func (b *sendBuffer) flush() {
	if len(b.buf) == 0 {
		return
	}
	if b.err == nil {
		var n int
		n, b.err = b.w.Write(b.buf)
		b.written += int64(n)
	}
	b.buf = b.buf[:0]
}

// offset returns the stream offset the next byte put will have.
func (b *sendBuffer) offset() int64 { return b.written + int64(len(b.buf)) }
