package report

import (
	"encoding/binary"
	"fmt"
)

// The request codes of startup packets (their first four bytes after the
// length).
const (
	codeProtocol3     = 3 << 16
	codeCancelRequest = 80877102
	codeSSLRequest    = 80877103
	codeGSSENCRequest = 80877104
)

// frontendNames name the frontend message types of protocol 3.0.
var frontendNames = map[byte]string{ // lookup only
	'Q': "Query", 'P': "Parse", 'B': "Bind", 'E': "Execute", 'D': "Describe",
	'S': "Sync", 'H': "Flush", 'C': "Close", 'X': "Terminate", 'p': "PasswordMessage",
	'd': "CopyData", 'c': "CopyDone", 'f': "CopyFail", 'F': "FunctionCall",
}

// backendNames name the backend message types of protocol 3.0.
var backendNames = map[byte]string{ // lookup only
	'R': "Authentication", 'S': "ParameterStatus", 'K': "BackendKeyData", 'Z': "ReadyForQuery",
	'T': "RowDescription", 'D': "DataRow", 'C': "CommandComplete", 'E': "ErrorResponse",
	'N': "NoticeResponse", 'I': "EmptyQueryResponse", '1': "ParseComplete", '2': "BindComplete",
	'3': "CloseComplete", 'n': "NoData", 't': "ParameterDescription", 's': "PortalSuspended",
	'A': "NotificationResponse", 'G': "CopyInResponse", 'H': "CopyOutResponse",
	'W': "CopyBothResponse", 'd': "CopyData", 'c': "CopyDone", 'V': "FunctionCallResponse",
	'v': "NegotiateProtocolVersion",
}

// typeByte renders a message type byte as written on the wire, like 'Q'.
func typeByte(b byte) string {
	if b >= 0x21 && b < 0x7f {
		return fmt.Sprintf("'%c'", b)
	}
	return fmt.Sprintf("0x%02x", b)
}

// frontendName names a frontend message: a startup packet by its code,
// another by its type byte.
func frontendName(typ byte, code uint32) string {
	if typ == 0 {
		switch {
		case code == codeSSLRequest:
			return "SSLRequest"
		case code == codeGSSENCRequest:
			return "GSSENCRequest"
		case code == codeCancelRequest:
			return "CancelRequest"
		case code>>16 == 3:
			return "StartupMessage"
		case code == 0:
			return "startup packet"
		}
		return fmt.Sprintf("startup packet (code %d)", code)
	}
	if n, ok := frontendNames[typ]; ok {
		return n
	}
	return "unknown " + typeByte(typ)
}

// backendName names a backend message by its type byte.
func backendName(typ byte) string {
	if n, ok := backendNames[typ]; ok {
		return n
	}
	return "unknown " + typeByte(typ)
}

// wireMessage is one backend message found in the bytes a backend wrote.
type wireMessage struct {
	Off  int64
	Len  int
	Type byte
	// Name is the message's name ("ReadyForQuery"; "SSL refused" for the
	// one-byte answer to an SSLRequest or GSSENCRequest).
	Name string
	// Short says the bytes end before the message does (Len is what there
	// is); Bad that its length word is impossible (Len covers the rest).
	Short, Bad bool
}

// splitBackend cuts the bytes a backend wrote, from stream offset 0, into
// messages: first one byte for each of the session's sslAnswers
// SSLRequest and GSSENCRequest packets (the server's 'N'), then messages
// of a type byte and a length word that counts itself.
func splitBackend(out []byte, sslAnswers int) []wireMessage {
	var msgs []wireMessage
	var off int64
	for ; sslAnswers > 0 && len(out) > 0; sslAnswers-- {
		msgs = append(msgs, wireMessage{Off: off, Len: 1, Type: out[0], Name: "SSL refused"})
		out, off = out[1:], off+1
	}
	for len(out) > 0 {
		m := wireMessage{Off: off, Type: out[0], Name: backendName(out[0])}
		switch {
		case len(out) < 5:
			m.Len, m.Short = len(out), true
		default:
			n := int64(binary.BigEndian.Uint32(out[1:5]))
			switch {
			case n < 4:
				m.Len, m.Bad = len(out), true
			case n+1 > int64(len(out)):
				m.Len, m.Short = len(out), true
			default:
				m.Len = int(n + 1)
			}
		}
		msgs = append(msgs, m)
		out, off = out[m.Len:], off+int64(m.Len)
	}
	return msgs
}
