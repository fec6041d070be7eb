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

// frontendMessage is one framed message from the client.
type frontendMessage struct {
	typ  byte
	body []byte
	off  int64 // stream offset of the type byte
}

// frontendReader frames the client's byte stream the way the backend does.
type frontendReader struct {
	br       *bufio.Reader
	consumed int64 // bytes taken from the stream so far
}

func newFrontendReader(r io.Reader) *frontendReader {
	return &frontendReader{br: bufio.NewReaderSize(r, RecvBufferSize)}
}

func (fr *frontendReader) readFull(p []byte) error {
	n, err := io.ReadFull(fr.br, p)
	fr.consumed += int64(n)
	return err
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

// next reads one message. io.EOF at a message boundary is a clean end of
// the stream; a bad type byte is FATAL 08P01; a bad length or a message cut
// short by EOF closes the session silently.
func (fr *frontendReader) next() (frontendMessage, error) {
	m := frontendMessage{off: fr.consumed}
	var hdr [1]byte
	if err := fr.readFull(hdr[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return m, io.EOF
		}
		return m, err
	}
	m.typ = hdr[0]
	limit := 0
	switch m.typ {
	case 'Q', 'F', 'B', 'P', 'd':
		limit = largeMessageLimit
	case 'X', 'C', 'D', 'E', 'H', 'S', 'c', 'f':
		limit = smallMessageLimit
	default:
		return m, errFatal{code: "08P01", msg: fmt.Sprintf("invalid frontend message type %d", m.typ)}
	}
	var lenBuf [4]byte
	if err := fr.readFull(lenBuf[:]); err != nil {
		return m, errSilentClose{"unexpected EOF within message length word"}
	}
	n := int(int32(binary.BigEndian.Uint32(lenBuf[:])))
	if n < 4 || n > limit {
		return m, errSilentClose{"invalid message length"}
	}
	body, err := fr.readBody(n - 4)
	if err != nil {
		return m, errSilentClose{"incomplete message from client"}
	}
	m.body = body
	return m, nil
}

// readBody reads an n-byte message body, growing the buffer as bytes
// arrive, so that a huge length word followed by little data does not
// allocate the whole declared length.
func (fr *frontendReader) readBody(n int) ([]byte, error) {
	const step = 64 << 10
	body := make([]byte, 0, min(n, step))
	for len(body) < n {
		k := min(n-len(body), step)
		body = append(body, make([]byte, k)...)
		if err := fr.readFull(body[len(body)-k:]); err != nil {
			return nil, err
		}
	}
	return body, nil
}
