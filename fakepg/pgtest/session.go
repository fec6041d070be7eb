package pgtest

import (
	"bufio"
	"encoding/binary"
	"io"
	"net"
	"sync/atomic"
)

// maxFrame is the largest backend message pgtest accepts; a larger length
// word is taken as garbage rather than allocated and waited for.
const maxFrame = 64 << 20

// frameKind says what the reader got.
type frameKind int

const (
	frameMsg     frameKind = iota // a framed message: type byte, length, body
	frameByte                     // one unframed byte: the answer to an SSLRequest
	frameGarbage                  // bytes that do not form a message (bad length word, cut short)
	frameClosed                   // the server closed the connection (EOF or reset)
)

// frame is one unit of what the server sent.
type frame struct {
	kind frameKind
	typ  byte   // frameMsg: type; frameByte: the byte
	body []byte // frameMsg: body; frameGarbage: the bytes
}

// session is one connection of a script with its reader goroutine.
//
// The reader frames the server's bytes itself, rather than using
// pgproto3.Frontend.Receive, so that a misbehaving server (a bad length
// word, an unframed protocol-2 error, a message cut short) shows up in the
// transcript instead of hanging or crashing the test; bodies are decoded
// with pgproto3.
type session struct {
	name    string
	conn    net.Conn
	frames  chan frame    // closed after the frameClosed frame
	stop    chan struct{} // closed when the script is done with the session
	oneByte atomic.Bool   // the next byte is an unframed answer (SSLRequest)
	ended   bool          // the frameClosed frame has been collected
}

// newSession starts reading conn.
func newSession(name string, conn net.Conn) *session {
	s := &session{name: name, conn: conn, frames: make(chan frame, 256), stop: make(chan struct{})}
	go s.read()
	return s
}

// close closes the connection and stops the reader.
func (s *session) close() {
	close(s.stop)
	s.conn.Close()
}

// read splits the server's bytes into frames until the connection ends.
func (s *session) read() {
	defer close(s.frames)
	br := bufio.NewReaderSize(s.conn, 64<<10)
	for {
		typ, err := br.ReadByte()
		if err != nil {
			s.emit(frame{kind: frameClosed})
			return
		}
		if s.oneByte.CompareAndSwap(true, false) {
			if !s.emit(frame{kind: frameByte, typ: typ}) {
				return
			}
			continue
		}
		var hdr [4]byte
		if n, err := io.ReadFull(br, hdr[:]); err != nil {
			s.emit(frame{kind: frameGarbage, body: append([]byte{typ}, hdr[:n]...)})
			s.emit(frame{kind: frameClosed})
			return
		}
		size := binary.BigEndian.Uint32(hdr[:])
		if size < 4 || size > maxFrame {
			// Not a message: pass on what has arrived, then the rest
			// as it comes, until the connection ends.
			junk := append([]byte{typ}, hdr[:]...)
			more, _ := br.Peek(br.Buffered())
			junk = append(junk, more...)
			br.Discard(len(more))
			for {
				if !s.emit(frame{kind: frameGarbage, body: junk}) {
					return
				}
				junk = make([]byte, 4096)
				n, err := br.Read(junk)
				if err != nil {
					s.emit(frame{kind: frameClosed})
					return
				}
				junk = junk[:n]
			}
		}
		body := make([]byte, size-4)
		if n, err := io.ReadFull(br, body); err != nil {
			s.emit(frame{kind: frameGarbage, body: append(append([]byte{typ}, hdr[:]...), body[:n]...)})
			s.emit(frame{kind: frameClosed})
			return
		}
		if !s.emit(frame{kind: frameMsg, typ: typ, body: body}) {
			return
		}
	}
}

// emit hands f to the script, or reports false when the script is done
// with the session.
func (s *session) emit(f frame) bool {
	select {
	case s.frames <- f:
		return true
	case <-s.stop:
		return false
	}
}
