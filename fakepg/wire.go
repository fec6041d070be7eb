package fakepg

import (
	"encoding/binary"
	"strconv"

	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/fakepg/engine"
)

// encode appends msg's wire form to dst. The message types used here
// cannot fail to encode except for absurd sizes, which the engine never
// produces; such a failure is a bug.
func encode(dst []byte, msg pgproto3.Message) []byte {
	out, err := msg.Encode(dst)
	if err != nil {
		panic("fakepg: encoding " + err.Error())
	}
	return out
}

// encodeError renders an ErrorResponse ('E') or NoticeResponse ('N') with
// the fields in the order PostgreSQL sends them (elog.c
// send_message_to_frontend): S V C M D H W s t c d n P F R.
func encodeError(dst []byte, typ byte, e *engine.Error) []byte {
	start := len(dst)
	dst = append(dst, typ, 0, 0, 0, 0)
	field := func(code byte, v string) {
		if v != "" {
			dst = append(dst, code)
			dst = append(dst, v...)
			dst = append(dst, 0)
		}
	}
	field('S', e.Severity)
	field('V', e.Severity)
	field('C', e.Code)
	field('M', e.Message)
	field('D', e.Detail)
	field('H', e.Hint)
	field('W', e.Where)
	field('s', e.Schema)
	field('t', e.Table)
	field('c', e.Column)
	field('d', e.DataType)
	field('n', e.Constraint)
	if e.Position > 0 {
		field('P', strconv.Itoa(e.Position))
	}
	field('F', e.File)
	field('R', e.Routine)
	dst = append(dst, 0)
	binary.BigEndian.PutUint32(dst[start+1:], uint32(len(dst)-start-1))
	return dst
}

// fatal returns a FATAL error.
func fatal(code, msg string) *engine.Error {
	return &engine.Error{Severity: "FATAL", Code: code, Message: msg}
}

// protocolError returns an ERROR 08P01.
func protocolError(msg string) *engine.Error {
	return &engine.Error{Severity: "ERROR", Code: engine.ProtocolViolation, Message: msg}
}
