package pgxlike

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
)

// minReadBuf is pgproto3's chunk reader's minimum buffer: one read asks
// for at least this much.
const minReadBuf = 8192

// maxBodyLen is pgproto3's default limit on a message body, which pgconn
// keeps unless configured otherwise.
const maxBodyLen = 0x3fffffff - 1

// maxReadAhead caps what one read asks for while a message's declared
// body is larger than what has arrived; pgx would have allocated the whole
// declared length at once.
const maxReadAhead = 1 << 20

// frameReader is the chunk reader under pgproto3's Frontend. It frames
// messages as pgx v5's Frontend does (a length below 4 is "invalid
// message length: N", a body over about 1 GB "invalid body length:
// ..."), grows its buffer only as bytes arrive (so that a garbage length
// below the limit waits for bytes that never come without allocating
// them), and remembers the last message for pgx's decode error texts.
//
// The Frontend asks for a five-byte header, then for the body; expectHeader
// says which comes next.
type frameReader struct {
	r            io.Reader
	buf          []byte
	rp, wp       int
	expectHeader bool
	msgType      byte
	body         []byte
}

func newFrameReader(r io.Reader) *frameReader {
	return &frameReader{r: r, buf: make([]byte, minReadBuf), expectHeader: true}
}

// Next returns the next n bytes, reading as needed (pgproto3.ChunkReader).
func (fr *frameReader) Next(n int) ([]byte, error) {
	header := fr.expectHeader
	b, err := fr.next(n)
	if err != nil {
		return nil, translateEOF(err)
	}
	if header && n == 5 {
		length := int32(binary.BigEndian.Uint32(b[1:]))
		if length < 4 {
			return nil, fmt.Errorf("invalid message length: %d", length)
		}
		if body := int(length) - 4; body > maxBodyLen {
			return nil, &ExceededMaxBodyLenErr{MaxExpectedBodyLen: maxBodyLen, ActualBodyLen: body}
		}
		fr.msgType = b[0]
		fr.expectHeader = false
		return b, nil
	}
	fr.body = b
	fr.expectHeader = true
	if err := checkBody(fr.msgType, b); err != nil {
		return nil, err
	}
	if fr.msgType == 'K' && len(b) > 8 {
		// pgx v5 takes a longer secret key (protocol 3.2); pgproto3 v2
		// only the protocol 3.0 one, which is its first four bytes
		return b[:8], nil
	}
	return b, nil
}

// checkBody refuses, with pgx v5's error, the malformed bodies on which
// pgproto3 v2's decoders would panic rather than fail: a DataRow value
// length below -1, a NotificationResponse under four bytes, a
// CommandComplete with no terminator.
func checkBody(typ byte, b []byte) error {
	switch typ {
	case 'D':
		if len(b) < 2 {
			return nil // v2 reports it
		}
		n := int(binary.BigEndian.Uint16(b))
		rp := 2
		for range n {
			if len(b[rp:]) < 4 {
				return nil
			}
			vl := int(int32(binary.BigEndian.Uint32(b[rp:])))
			rp += 4
			if vl == -1 {
				continue
			}
			if vl < 0 || len(b[rp:]) < vl {
				return &invalidMessageFormatErr{messageType: "DataRow"}
			}
			rp += vl
		}
	case 'A':
		if len(b) < 4 {
			return &invalidMessageFormatErr{messageType: "NotificationResponse", details: "too short"}
		}
	case 'C':
		if bytes.IndexByte(b, 0) < 0 {
			return &invalidMessageFormatErr{messageType: "CommandComplete", details: "unterminated string"}
		}
	}
	return nil
}

func (fr *frameReader) next(n int) ([]byte, error) {
	if fr.rp == fr.wp {
		fr.rp, fr.wp = 0, 0
	}
	for fr.wp-fr.rp < n {
		if fr.rp > 0 {
			fr.wp = copy(fr.buf, fr.buf[fr.rp:fr.wp])
			fr.rp = 0
		}
		want := max(minReadBuf, n)
		if want > fr.wp+maxReadAhead {
			want = fr.wp + maxReadAhead
		}
		if len(fr.buf) < want {
			nb := make([]byte, want)
			copy(nb, fr.buf[:fr.wp])
			fr.buf = nb
		}
		m, err := fr.r.Read(fr.buf[fr.wp:])
		fr.wp += m
		if err != nil && fr.wp-fr.rp < n {
			if fr.wp > fr.rp && err == io.EOF {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
	b := fr.buf[fr.rp : fr.rp+n : fr.rp+n]
	fr.rp += n
	return b, nil
}

// translateEOF is pgproto3's translateEOFtoErrUnexpectedEOF.
func translateEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// copy returns the reader's state for a forked child, reading from r.
func (fr *frameReader) copyFor(r io.Reader) *frameReader {
	n := *fr
	n.r = r
	n.buf = bytes.Clone(fr.buf)
	n.body = nil
	return &n
}

// decodeError gives a message decode error of pgproto3 v2 the text pgx
// v5's pgproto3 gives it: "<Type> body is invalid <details>".
func (fr *frameReader) decodeError(err error) error {
	msg := err.Error()
	typ, ok := strings.CutSuffix(msg, " body is invalid")
	if !ok {
		return err
	}
	details := ""
	if typ == "CommandComplete" {
		if bytes.IndexByte(fr.body, 0) < 0 {
			details = "unterminated string"
		} else {
			details = "string terminated too early"
		}
	}
	return &invalidMessageFormatErr{messageType: typ, details: details}
}

// ExceededMaxBodyLenErr is pgproto3's error for a message body longer
// than the limit.
type ExceededMaxBodyLenErr struct {
	MaxExpectedBodyLen int
	ActualBodyLen      int
}

// Error returns the error's text.
func (e *ExceededMaxBodyLenErr) Error() string {
	return fmt.Sprintf("invalid body length: expected at most %d, but got %d", e.MaxExpectedBodyLen, e.ActualBodyLen)
}

// invalidMessageFormatErr is pgproto3's error for a message body it
// cannot decode.
type invalidMessageFormatErr struct {
	messageType string
	details     string
}

// Error returns the error's text.
func (e *invalidMessageFormatErr) Error() string {
	return fmt.Sprintf("%s body is invalid %s", e.messageType, e.details)
}
