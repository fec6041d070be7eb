package record

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Startup packet codes (pqcomm.h).
const (
	sslRequestCode    = 1234<<16 | 5679
	gssEncRequestCode = 1234<<16 | 5680
	cancelRequestCode = 1234<<16 | 5678
)

// Framing limits: a startup packet's length word (it counts itself) is
// 8 to 10004, as PostgreSQL accepts; a typed message's is 4 or more, and
// no more than PostgreSQL's largest (a larger one ends the session).
const (
	minStartupLength = 8
	maxStartupLength = 10000 + 4
	maxMessageLength = 0x3fffffff - 1
)

// Frontend decodes one session's frontend byte stream into Messages, fed
// the bytes in the order the server read them (Write), in pieces of any
// size: first the untyped startup packets (SSLRequest and GSSENCRequest
// any number of times, then a StartupMessage or a CancelRequest), then
// typed messages. A stream that cannot be framed any more (a
// CancelRequest, a startup packet of a bad length or protocol, a bad
// message length) ends the decoding: the server closes such a session.
type Frontend struct {
	session int
	emit    func(Message)
	buf     []byte // bytes not yet decoded
	typed   bool   // past the StartupMessage
	ended   bool
	asked   int // SSLRequests and GSSENCRequests decoded
}

// NewFrontend returns a decoder of session's stream that passes every
// message decoded to emit (which may be nil, to follow the startup only).
func NewFrontend(session int, emit func(Message)) *Frontend {
	return &Frontend{session: session, emit: emit}
}

// Write feeds the next bytes of the stream; it never fails.
func (f *Frontend) Write(p []byte) (int, error) {
	if f.ended {
		return len(p), nil
	}
	f.buf = append(f.buf, p...)
	used := 0
	for !f.ended {
		n := f.next(f.buf[used:])
		if n == 0 {
			break
		}
		used += n
	}
	if f.ended {
		f.buf = nil
	} else {
		f.buf = append(f.buf[:0], f.buf[used:]...)
	}
	return len(p), nil
}

// Typed reports whether the StartupMessage has been decoded: the bytes
// that follow are typed messages.
func (f *Frontend) Typed() bool { return f.typed }

// Negotiations returns how many SSLRequests and GSSENCRequests have been
// decoded: the server answers each with one byte, "N".
func (f *Frontend) Negotiations() int { return f.asked }

// Ended reports whether decoding has ended (see Frontend).
func (f *Frontend) Ended() bool { return f.ended }

func (f *Frontend) put(m Message) {
	m.Session = f.session
	if f.emit != nil {
		f.emit(m)
	}
}

// next decodes one packet or message from the front of b and returns the
// bytes it used, 0 when b does not hold a whole one yet.
func (f *Frontend) next(b []byte) int {
	if f.typed {
		return f.nextTyped(b)
	}
	return f.nextStartup(b)
}

func (f *Frontend) nextStartup(b []byte) int {
	if len(b) < 4 {
		return 0
	}
	n := int(int32(binary.BigEndian.Uint32(b)))
	if n < minStartupLength || n > maxStartupLength {
		f.ended = true
		return len(b)
	}
	if len(b) < n {
		return 0
	}
	code, body := binary.BigEndian.Uint32(b[4:]), b[8:n]
	switch code {
	case sslRequestCode:
		f.asked++
		f.put(Message{Type: SSLRequest})
	case gssEncRequestCode:
		f.asked++
		f.put(Message{Type: GSSENCRequest})
	case cancelRequestCode:
		m := Message{Type: CancelRequest}
		if len(body) == 8 {
			m.PID = binary.BigEndian.Uint32(body)
		}
		f.put(m)
		f.ended = true
	default:
		m := Message{Type: StartupMessage, Protocol: fmt.Sprintf("%d.%d", code>>16, code&0xffff),
			Params: startupParams(body)}
		f.put(m)
		if code>>16 == 3 {
			f.typed = true
		} else {
			f.ended = true // the server refuses the protocol
		}
	}
	return n
}

// startupParams reads a StartupMessage's name/value pairs, as many as
// are well formed.
func startupParams(b []byte) map[string]string {
	params := map[string]string{}
	for {
		name, rest, ok := bytes.Cut(b, []byte{0})
		if !ok || len(name) == 0 {
			return params
		}
		value, rest2, ok := bytes.Cut(rest, []byte{0})
		if !ok {
			return params
		}
		params[string(name)] = string(value)
		b = rest2
	}
}

func (f *Frontend) nextTyped(b []byte) int {
	if len(b) < 5 {
		return 0
	}
	n := int(int32(binary.BigEndian.Uint32(b[1:])))
	if n < 4 || n > maxMessageLength {
		f.ended = true
		return len(b)
	}
	if len(b) < 1+n {
		return 0
	}
	f.put(decodeTyped(b[0], b[5:1+n]))
	return 1 + n
}

// messageTypes names the typed frontend messages by their type byte.
var messageTypes = map[byte]string{ // lookup only
	'Q': Query, 'P': Parse, 'B': Bind, 'D': Describe, 'E': Execute, 'C': Close, 'S': Sync, 'H': Flush,
	'X': Terminate, 'p': PasswordMessage, 'F': FunctionCall, 'd': CopyData, 'c': CopyDone, 'f': CopyFail,
}

// decodeTyped decodes one typed message's body.
func decodeTyped(typ byte, body []byte) Message {
	name, ok := messageTypes[typ]
	if !ok {
		return Message{Type: Unknown, Byte: string(rune(typ)), Data: bytes.Clone(body)}
	}
	m := Message{Type: name}
	r := &bodyReader{b: body}
	switch typ {
	case 'Q':
		m.SQL = r.cstring()
	case 'P':
		m.Name, m.SQL = r.cstring(), r.cstring()
		for range r.count() {
			m.ParamTypes = append(m.ParamTypes, uint32(r.int32()))
		}
	case 'B':
		m.Portal, m.Statement = r.cstring(), r.cstring()
		for range r.count() {
			m.ParamFormats = append(m.ParamFormats, r.int16())
		}
		for i := range r.count() {
			var v []byte
			if l := r.int32(); l != -1 {
				v = bytes.Clone(r.bytes(int(l)))
				if v == nil {
					v = []byte{} // a value of length 0 is not NULL
				}
			}
			m.Values = append(m.Values, encodeValue(v, m.ParamFormat(i)))
		}
		for range r.count() {
			m.ResultFormats = append(m.ResultFormats, r.int16())
		}
	case 'D', 'C':
		m.Object, m.Name = string(rune(r.byte1())), r.cstring()
	case 'E':
		m.Portal, m.MaxRows = r.cstring(), uint32(r.int32())
	case 'f':
		m.Error = r.cstring()
	case 'd', 'F':
		m.Data = bytes.Clone(r.bytes(len(body)))
	case 'p':
		return m // the password stays out of the file
	}
	if r.bad || len(r.b) != 0 {
		return Message{Type: Malformed, Byte: string(rune(typ)), Data: bytes.Clone(body)}
	}
	return m
}

// bodyReader reads a message body; bad is set, for good, at the first
// read past its end or a string without its terminator.
type bodyReader struct {
	b   []byte
	bad bool
}

func (r *bodyReader) bytes(n int) []byte {
	if r.bad || n < 0 || n > len(r.b) {
		r.bad = true
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

func (r *bodyReader) byte1() byte {
	if v := r.bytes(1); v != nil {
		return v[0]
	}
	return 0
}

func (r *bodyReader) int16() int16 {
	if v := r.bytes(2); v != nil {
		return int16(binary.BigEndian.Uint16(v))
	}
	return 0
}

func (r *bodyReader) int32() int32 {
	if v := r.bytes(4); v != nil {
		return int32(binary.BigEndian.Uint32(v))
	}
	return 0
}

// count reads an int16 count, 0 when it is negative.
func (r *bodyReader) count() int { return max(int(r.int16()), 0) }

func (r *bodyReader) cstring() string {
	i := bytes.IndexByte(r.b, 0)
	if r.bad || i < 0 {
		r.bad = true
		return ""
	}
	s := string(r.b[:i])
	r.b = r.b[i+1:]
	return s
}
