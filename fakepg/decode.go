package fakepg

import (
	"bytes"
	"encoding/binary"

	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/fakepg/engine"
)

// msgReader decodes a frontend message body the way the backend does
// (pqformat.c pq_getmsg*), with PostgreSQL's 08P01 errors, into pgproto3's
// message types. pgproto3's own decoders trust lengths inside the body and
// can panic on hostile input; these never do.
type msgReader struct {
	b   []byte
	err *engine.Error
}

func (r *msgReader) fail(msg string) {
	if r.err == nil {
		r.err = protocolError(msg)
	}
}

func (r *msgReader) int16() int16 {
	if r.err != nil || len(r.b) < 2 {
		r.fail("insufficient data left in message")
		return 0
	}
	v := int16(binary.BigEndian.Uint16(r.b))
	r.b = r.b[2:]
	return v
}

func (r *msgReader) int32() int32 {
	if r.err != nil || len(r.b) < 4 {
		r.fail("insufficient data left in message")
		return 0
	}
	v := int32(binary.BigEndian.Uint32(r.b))
	r.b = r.b[4:]
	return v
}

func (r *msgReader) byte1() byte {
	if r.err != nil || len(r.b) < 1 {
		r.fail("no data left in message")
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *msgReader) bytesN(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.b) {
		r.fail("insufficient data left in message")
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

func (r *msgReader) cstring() string { return string(r.cbytes()) }

// cbytes reads a NUL-terminated string without copying it: the bytes are
// the message body's.
func (r *msgReader) cbytes() []byte {
	if r.err != nil {
		return nil
	}
	i := bytes.IndexByte(r.b, 0)
	if i < 0 {
		r.fail("invalid string in message")
		return nil
	}
	s := r.b[:i:i]
	r.b = r.b[i+1:]
	return s
}

// end checks that the whole body was used (pq_getmsgend).
func (r *msgReader) end() *engine.Error {
	if r.err == nil && len(r.b) != 0 {
		r.fail("invalid message format")
	}
	return r.err
}

// decodeQuery decodes a Query's string; the bytes are the body's.
func decodeQuery(body []byte) ([]byte, *engine.Error) {
	r := &msgReader{b: body}
	q := r.cbytes()
	return q, r.end()
}

// parseMessage is a decoded Parse whose query string is still the body's
// bytes.
type parseMessage struct {
	name          string
	query         []byte
	parameterOIDs []uint32
}

func decodeParse(body []byte) (parseMessage, *engine.Error) {
	r := &msgReader{b: body}
	m := parseMessage{name: r.cstring(), query: r.cbytes()}
	n := int(r.int16())
	for i := 0; i < n && r.err == nil; i++ {
		m.parameterOIDs = append(m.parameterOIDs, uint32(r.int32()))
	}
	return m, r.end()
}

func decodeBind(body []byte) (pgproto3.Bind, *engine.Error) {
	r := &msgReader{b: body}
	m := pgproto3.Bind{DestinationPortal: r.cstring(), PreparedStatement: r.cstring()}
	n := int(r.int16())
	for i := 0; i < n && r.err == nil; i++ {
		m.ParameterFormatCodes = append(m.ParameterFormatCodes, r.int16())
	}
	n = int(r.int16())
	for i := 0; i < n && r.err == nil; i++ {
		if l := r.int32(); l == -1 {
			m.Parameters = append(m.Parameters, nil)
		} else {
			m.Parameters = append(m.Parameters, r.bytesN(int(l)))
		}
	}
	n = int(r.int16())
	for i := 0; i < n && r.err == nil; i++ {
		m.ResultFormatCodes = append(m.ResultFormatCodes, r.int16())
	}
	return m, r.end()
}

// decodeTarget decodes Describe and Close bodies: a kind byte and a name.
func decodeTarget(body []byte) (byte, string, *engine.Error) {
	r := &msgReader{b: body}
	kind := r.byte1()
	name := r.cstring()
	return kind, name, r.end()
}

func decodeExecute(body []byte) (pgproto3.Execute, *engine.Error) {
	r := &msgReader{b: body}
	m := pgproto3.Execute{Portal: r.cstring(), MaxRows: uint32(r.int32())}
	return m, r.end()
}
