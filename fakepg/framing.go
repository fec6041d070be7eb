package fakepg

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// RecvBufferSize is the size of PostgreSQL's backend receive buffer
// (PQ_RECV_BUFFER_SIZE): the most one read asks the socket for.
const RecvBufferSize = 8192

// Message length limits of SocketBackend (postgres.c): the length word
// counts itself.
const (
	smallMessageLimit = 10000
	largeMessageLimit = 0x3fffffff - 1
)

// frontendMessage is one framed message from the client, or as much of one
// as was read before framing failed.
type frontendMessage struct {
	typ    byte
	length int32  // the length word as read (it counts itself); 0 if cut short
	body   []byte // valid until the next read
	off    int64  // stream offset of the type byte
}

// frontendReader frames the client's byte stream the way the backend does.
type frontendReader struct {
	br       *bufio.Reader
	consumed int64   // bytes taken from the stream so far
	word     [4]byte // a length word being read
	body     []byte  // the buffer message bodies are read into, reused
}

func newFrontendReader(r io.Reader) *frontendReader {
	return &frontendReader{br: bufio.NewReaderSize(r, RecvBufferSize)}
}

func (fr *frontendReader) readFull(p []byte) error {
	n, err := io.ReadFull(fr.br, p)
	fr.consumed += int64(n)
	return err
}

// readWord reads a length word, as PostgreSQL reads it: a signed 32-bit
// count.
func (fr *frontendReader) readWord() (int32, error) {
	if err := fr.readFull(fr.word[:]); err != nil {
		return 0, err
	}
	return int32(binary.BigEndian.Uint32(fr.word[:])), nil
}

// errSilentClose ends a session without a reply: PostgreSQL logs these
// conditions (COMMERROR) and closes the connection without telling the
// client.
type errSilentClose struct{ reason string }

func (e errSilentClose) Error() string { return e.reason }

// errFatal ends a session after sending a FATAL ErrorResponse; v2 sends
// it in the protocol-2 format (a client that asked for protocol 2 is
// answered in it).
type errFatal struct {
	code, msg string
	v2        bool
}

func (e errFatal) Error() string { return e.msg }

// errClientLost ends a session whose write to the client failed:
// PostgreSQL logs "could not send data to client" and, at its next check
// for interrupts (at the latest when it reads the next message), ends the
// session with a FATAL "connection to client lost" that it cannot send.
type errClientLost struct{ err error }

func (e errClientLost) Error() string { return "connection to client lost: " + e.err.Error() }

// receiveError is the silent close of a failed read other than a clean
// end of the stream.
func receiveError(err error) error {
	return errSilentClose{"could not receive data from client: " + err.Error()}
}

// next reads one message. io.EOF at a message boundary is a clean end of
// the stream; a bad type byte is FATAL 08P01; a bad length or a message cut
// short by EOF closes the session silently. On an error the message holds
// what was read of it.
func (fr *frontendReader) next() (frontendMessage, error) {
	m := frontendMessage{off: fr.consumed}
	typ, err := fr.br.ReadByte()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return m, io.EOF
		}
		return m, receiveError(err)
	}
	fr.consumed++
	m.typ = typ
	limit := int32(0)
	switch m.typ {
	case 'Q', 'F', 'B', 'P', 'd':
		limit = largeMessageLimit
	case 'X', 'C', 'D', 'E', 'H', 'S', 'c', 'f':
		limit = smallMessageLimit
	default:
		return m, errFatal{code: "08P01", msg: fmt.Sprintf("invalid frontend message type %d", m.typ)}
	}
	n, err := fr.readWord()
	if err != nil {
		return m, errSilentClose{"unexpected EOF within message length word"}
	}
	m.length = n
	if n < 4 || n > limit {
		return m, errSilentClose{"invalid message length"}
	}
	body, err := fr.readBody(int(n) - 4)
	if err != nil {
		return m, errSilentClose{"incomplete message from client"}
	}
	m.body = body
	return m, nil
}

// maxKeptBody is the largest body buffer kept from one message to the
// next; a larger one, grown for a huge message, is dropped.
const maxKeptBody = 64 << 10

// readBody reads an n-byte message body into the reused buffer, growing it
// as bytes arrive, so that a huge length word followed by little data does
// not allocate the whole declared length.
func (fr *frontendReader) readBody(n int) ([]byte, error) {
	const step = 64 << 10
	if cap(fr.body) > maxKeptBody {
		fr.body = nil
	}
	body := fr.body[:0]
	for len(body) < n {
		k := min(n-len(body), step)
		body = append(body, make([]byte, k)...)
		if err := fr.readFull(body[len(body)-k:]); err != nil {
			return nil, err
		}
	}
	fr.body = body
	return body, nil
}
