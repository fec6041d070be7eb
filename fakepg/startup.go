package fakepg

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgproto3/v2"
	"github.com/poolsim/poolsim/fakepg/engine"
)

// Startup packet codes (pqcomm.h).
const (
	protocol30      = 3 << 16
	cancelRequest   = 1234<<16 | 5678
	sslRequest      = 1234<<16 | 5679
	gssEncRequest   = 1234<<16 | 5680
	maxStartupBytes = 10000
)

// startup runs the connection handshake of ProcessStartupPacket and
// PostgresMain up to the first ReadyForQuery.
func (b *backend) startup() error {
	params, err := b.readStartupPacket()
	if err != nil {
		return err
	}
	user := params["user"]
	if user == "" {
		return errFatal{code: "28000", msg: "no PostgreSQL user name specified in startup packet"}
	}
	pid, ok := b.srv.admit()
	if !ok {
		return errFatal{code: engine.TooManyConnections, msg: "sorry, too many clients already"}
	}
	b.admitted = true
	b.pid = pid
	if pw := b.srv.cfg.Password; pw != "" {
		b.out.put(encode(nil, &pgproto3.AuthenticationCleartextPassword{}))
		b.out.flush()
		if err := b.readPassword(user, pw); err != nil {
			return err
		}
	}
	b.sess = b.srv.db.NewSession(pid, user, params["application_name"])
	b.sess.OnTransactionEnd = b.dropPortals
	b.out.put(encode(nil, &pgproto3.AuthenticationOk{}))
	for _, name := range sortedKeys(params) {
		switch name {
		case "user", "database", "options", "replication", "application_name":
			continue
		}
		if e := b.sess.SetStartupParameter(name, params[name]); e != nil {
			return errFatal{code: e.Code, msg: e.Message}
		}
	}
	for _, r := range b.sess.Reports() {
		b.out.put(encode(nil, &pgproto3.ParameterStatus{Name: r.Name, Value: r.Value}))
	}
	b.out.put(encode(nil, &pgproto3.BackendKeyData{ProcessID: uint32(pid), SecretKey: cancelKey(pid)}))
	b.readyForQuery()
	return nil
}

// cancelKey derives a session's cancel key from its pid, deterministically.
func cancelKey(pid int32) uint32 { return uint32(pid)*2654435761 ^ 0x5eed }

// readStartupPacket reads packets until a StartupMessage, answering
// SSLRequest and GSSENCRequest with 'N'. Malformed packets close the
// connection silently, as PostgreSQL does.
func (b *backend) readStartupPacket() (map[string]string, error) {
	for {
		var lenBuf [4]byte
		if err := b.in.readFull(lenBuf[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return nil, errSilentClose{"no startup packet"}
			}
			return nil, errSilentClose{"incomplete startup packet"}
		}
		n := int(binary.BigEndian.Uint32(lenBuf[:])) - 4
		if n < 4 || n > maxStartupBytes {
			return nil, errSilentClose{"invalid length of startup packet"}
		}
		body := make([]byte, n)
		if err := b.in.readFull(body); err != nil {
			return nil, errSilentClose{"incomplete startup packet"}
		}
		code := binary.BigEndian.Uint32(body)
		switch code {
		case sslRequest, gssEncRequest:
			b.out.put([]byte{'N'})
			b.out.flush()
			continue
		case cancelRequest:
			if n == 12 {
				b.srv.cancel(int32(binary.BigEndian.Uint32(body[4:])), binary.BigEndian.Uint32(body[8:]))
				return nil, errSilentClose{"cancel request processed"}
			}
			return nil, errSilentClose{"invalid length of startup packet"}
		}
		major, minor := code>>16, code&0xffff
		if major != 3 {
			return nil, errFatal{code: "0A000", msg: fmt.Sprintf("unsupported frontend protocol %d.%d: server supports 3.0 to 3.0", major, minor),
				v2: major < 3}
		}
		return parseStartupParams(body[4:])
	}
}

// parseStartupParams reads name/value pairs up to the terminating empty
// name, which must be the packet's last byte.
func parseStartupParams(b []byte) (map[string]string, error) {
	params := map[string]string{}
	for {
		name, rest, ok := bytes.Cut(b, []byte{0})
		if !ok {
			return nil, errFatal{code: "08P01", msg: "invalid startup packet layout: expected terminator as last byte"}
		}
		if len(name) == 0 {
			if len(rest) != 0 {
				return nil, errFatal{code: "08P01", msg: "invalid startup packet layout: expected terminator as last byte"}
			}
			return params, nil
		}
		value, rest2, ok := bytes.Cut(rest, []byte{0})
		if !ok {
			return nil, errFatal{code: "08P01", msg: "invalid startup packet layout: expected terminator as last byte"}
		}
		params[string(name)] = string(value)
		b = rest2
	}
}

// readPassword reads the PasswordMessage and checks it.
func (b *backend) readPassword(user, want string) error {
	var hdr [5]byte
	if err := b.in.readFull(hdr[:1]); err != nil {
		return errSilentClose{"EOF during authentication"}
	}
	if hdr[0] != 'p' {
		return errFatal{code: "08P01", msg: fmt.Sprintf("expected password response, got message type %d", hdr[0])}
	}
	if err := b.in.readFull(hdr[1:]); err != nil {
		return errSilentClose{"EOF during authentication"}
	}
	n := int(int32(binary.BigEndian.Uint32(hdr[1:]))) - 4
	if n < 1 || n > 65535 {
		return errFatal{code: "08P01", msg: "invalid password packet size"}
	}
	body := make([]byte, n)
	if err := b.in.readFull(body); err != nil {
		return errSilentClose{"EOF during authentication"}
	}
	var msg pgproto3.PasswordMessage
	if msg.Decode(body) != nil || msg.Password != want {
		return errFatal{code: "28P01", msg: fmt.Sprintf("password authentication failed for user \"%s\"", user)}
	}
	return nil
}
