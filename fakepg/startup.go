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
	b.truth.admitted(pid)
	if pw := b.srv.cfg.Password; pw != "" {
		b.send(&pgproto3.AuthenticationCleartextPassword{})
		b.out.flush()
		if err := b.readPassword(user, pw); err != nil {
			return err
		}
	}
	b.sess = b.srv.db.NewSession(pid, user, params["application_name"])
	b.sess.Database = params["database"]
	b.sess.OnTransactionEnd = b.dropPortals
	b.send(&pgproto3.AuthenticationOk{})
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
		b.send(&pgproto3.ParameterStatus{Name: r.Name, Value: r.Value})
	}
	b.send(&pgproto3.BackendKeyData{ProcessID: uint32(pid), SecretKey: cancelKey(pid)})
	b.readyForQuery()
	return nil
}

// cancelKey derives a session's cancel key from its pid, deterministically.
func cancelKey(pid int32) uint32 { return uint32(pid)*2654435761 ^ 0x5eed }

// startupPacket is one packet of the startup exchange, or as much of one
// as was read before framing it failed.
type startupPacket struct {
	off    int64
	length int32  // the length word as read (it counts itself); 0 if cut short
	code   uint32 // the request code; 0 if cut short
	body   []byte // what follows the code
}

// nextStartup reads a startup packet: a length word, a request code and
// the rest. A bad length or a packet cut short closes the connection
// silently, as PostgreSQL does.
func (fr *frontendReader) nextStartup() (startupPacket, error) {
	p := startupPacket{off: fr.consumed}
	n, err := fr.readWord()
	if err != nil {
		if fr.consumed == p.off && errors.Is(err, io.EOF) {
			return p, errSilentClose{"no startup packet"}
		}
		return p, errSilentClose{"incomplete startup packet"}
	}
	p.length = n
	if n < 8 || n > maxStartupBytes+4 {
		return p, errSilentClose{"invalid length of startup packet"}
	}
	body := make([]byte, n-4)
	if err := fr.readFull(body); err != nil {
		return p, errSilentClose{"incomplete startup packet"}
	}
	p.code, p.body = binary.BigEndian.Uint32(body), body[4:]
	return p, nil
}

// readStartupPacket reads packets until a StartupMessage, answering
// SSLRequest and GSSENCRequest with 'N'. Malformed packets close the
// connection silently, as PostgreSQL does; a bad protocol version or
// parameter layout is FATAL.
func (b *backend) readStartupPacket() (map[string]string, error) {
	for {
		p, err := b.in.nextStartup()
		if err != nil {
			b.truth.startupPacket(b, p, err)
			return nil, err
		}
		switch p.code {
		case sslRequest, gssEncRequest:
			b.truth.startupPacket(b, p, nil)
			b.out.put([]byte{'N'})
			b.out.flush()
			continue
		case cancelRequest:
			if len(p.body) != 8 {
				err := errSilentClose{"invalid length of startup packet"}
				b.truth.startupPacket(b, p, err)
				return nil, err
			}
			b.truth.startupPacket(b, p, nil)
			b.srv.cancel(int32(binary.BigEndian.Uint32(p.body)), binary.BigEndian.Uint32(p.body[4:]))
			return nil, errSilentClose{"cancel request processed"}
		}
		if major, minor := p.code>>16, p.code&0xffff; major != 3 {
			err := errFatal{code: "0A000", msg: fmt.Sprintf("unsupported frontend protocol %d.%d: server supports 3.0 to 3.0", major, minor),
				v2: major < 3}
			b.truth.startupPacket(b, p, err)
			return nil, err
		}
		params, err := parseStartupParams(p.body)
		b.truth.startupPacket(b, p, err)
		if err == nil {
			b.truth.startupParams(params)
		}
		return params, err
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
	m, err := b.in.nextPassword()
	b.truth.password(b, m, err)
	if err != nil {
		return err
	}
	var msg pgproto3.PasswordMessage
	if msg.Decode(m.body) != nil || msg.Password != want {
		return errFatal{code: "28P01", msg: fmt.Sprintf("password authentication failed for user \"%s\"", user)}
	}
	return nil
}

// nextPassword reads the PasswordMessage of authentication, with
// PostgreSQL's errors for anything else.
func (fr *frontendReader) nextPassword() (frontendMessage, error) {
	m := frontendMessage{off: fr.consumed}
	typ, err := fr.br.ReadByte()
	if err != nil {
		return m, errSilentClose{"EOF during authentication"}
	}
	fr.consumed++
	m.typ = typ
	if typ != 'p' {
		return m, errFatal{code: "08P01", msg: fmt.Sprintf("expected password response, got message type %d", typ)}
	}
	n, err := fr.readWord()
	if err != nil {
		return m, errSilentClose{"EOF during authentication"}
	}
	m.length = n
	if n < 5 || n > 65535+4 {
		return m, errFatal{code: "08P01", msg: "invalid password packet size"}
	}
	body := make([]byte, n-4)
	if err := fr.readFull(body); err != nil {
		return m, errSilentClose{"EOF during authentication"}
	}
	m.body = body
	return m, nil
}
