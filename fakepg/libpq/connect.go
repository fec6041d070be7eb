package libpq

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/jackc/pgproto3/v2"
)

// protocolVersion is protocol 3.0.
const protocolVersion = 3 << 16

// Authentication request codes (AUTH_REQ_*).
const (
	authReqOK       = 0
	authReqKRB4     = 1
	authReqKRB5     = 2
	authReqPassword = 3
	authReqCrypt    = 4
	authReqMD5      = 5
	authReqSCMCreds = 6
	authReqGSS      = 7
	authReqGSSCont  = 8
	authReqSSPI     = 9
	authReqSASL     = 10
	authReqSASLCont = 11
	authReqSASLFin  = 12
)

// noPasswordSupplied is PQnoPasswordSupplied.
const noPasswordSupplied = "fe_sendauth: no password supplied\n"

// connectionOnlyParams are connection parameters libpq uses itself and
// never sends in the startup packet.
var connectionOnlyParams = map[string]bool{
	"host": true, "hostaddr": true, "port": true, "password": true, "passfile": true,
	"connect_timeout": true, "sslmode": true, "gssencmode": true, "target_session_attrs": true,
	"channel_binding": true, "fallback_application_name": true, "service": true,
	"keepalives": true, "keepalives_idle": true, "keepalives_interval": true,
	"keepalives_count": true, "tcp_user_timeout": true, "krbsrvname": true, "gsslib": true,
	"requirepeer": true, "sslcert": true, "sslkey": true, "sslrootcert": true, "sslcrl": true,
	"sslcrldir": true, "sslpassword": true, "sslcompression": true, "sslsni": true,
	"ssl_min_protocol_version": true, "ssl_max_protocol_version": true,
}

type pollStatus int

const (
	pollReading pollStatus = iota
	pollOK
	pollFailed
)

// startupState is what the startup exchange needs from the parameters.
type startupState struct {
	user     string
	password string
}

// Connect performs the startup exchange over rw synchronously, like
// PQconnectdb on an already connected socket without SSL or GSS encryption
// (sslmode=disable, or a Unix socket). It sends a protocol 3.0
// StartupMessage, answers AuthenticationCleartextPassword and
// AuthenticationMD5Password with params["password"], and reads
// ParameterStatus, BackendKeyData and notices until ReadyForQuery.
//
// Every parameter except connection-only ones (host, port, password,
// sslmode, ...) is sent, in sorted key order; "dbname" is sent as
// "database", and fallback_application_name as application_name when
// application_name is absent. Empty values are not sent.
//
// On success the connection is in ConnectionOK with an empty error
// message. On failure Connect returns the connection, in ConnectionBad, and
// an error whose text is ErrorMessage(), e.g.
// "FATAL:  sorry, too many clients already\n". If params["host"] is set the
// text starts with libpq's "connection to server ... failed: " prefix (on
// socket "HOST/.s.PGSQL.PORT" when host is a directory, otherwise at
// "HOST", port PORT, or the hostaddr). Call Finish in either case.
func Connect(rw io.ReadWriter, params map[string]string) (*Conn, error) {
	c := newConn(rw)
	return c, c.connect(params)
}

// ConnectObserved is Connect with a consume hook (see SetConsumeHook)
// installed before the startup exchange, so that the hook also sees the
// startup's messages.
func ConnectObserved(rw io.ReadWriter, params map[string]string, hook func(Consumed)) (*Conn, error) {
	c := newConn(rw)
	c.consumeHook = hook
	return c, c.connect(params)
}

// connect runs the startup exchange of a new connection (connectDBStart
// and connectDBComplete).
func (c *Conn) connect(params map[string]string) error {
	st := startupState{user: params["user"], password: params["password"]}
	c.emitHostIdentity(params)

	pkt := buildStartupPacket(params)
	c.status = connectionAwaitingResponse
	c.flush(pkt, true)

	for {
		// connectDBComplete: wait, then advance the state machine.
		if !c.waitSocket() {
			c.status = ConnectionBad
			return errors.New(c.ErrorMessage())
		}
		switch c.connectPoll(&st) {
		case pollOK:
			return nil
		case pollFailed:
			c.status = ConnectionBad
			return errors.New(c.ErrorMessage())
		}
	}
}

// emitHostIdentity is emitHostIdentityInfo: the prefix of every connection
// error once the socket is connected.
func (c *Conn) emitHostIdentity(params map[string]string) {
	host, hostaddr := params["host"], params["hostaddr"]
	if host == "" && hostaddr == "" {
		return
	}
	port := params["port"]
	if port == "" {
		port = "5432"
	}
	if hostaddr == "" && (strings.HasPrefix(host, "/") || strings.HasPrefix(host, "@")) {
		c.appendError(fmt.Sprintf("connection to server on socket \"%s/.s.PGSQL.%s\" failed: ", host, port))
		return
	}
	shown := host
	if hostaddr != "" {
		shown = hostaddr
	}
	c.appendError(fmt.Sprintf("connection to server at \"%s\", port %s failed: ", shown, port))
}

// buildStartupPacket builds the StartupMessage. pgproto3's
// StartupMessage.Encode ranges over its parameter map, so its order is
// random; the packet is built here in sorted key order instead.
func buildStartupPacket(params map[string]string) []byte {
	// Visit the parameters in sorted order so that nothing depends on map
	// iteration order (dbname, sorting after database, wins over it).
	names := slices.Sorted(maps.Keys(params))
	send := map[string]string{}
	var keys []string
	for _, k := range names {
		if connectionOnlyParams[k] {
			continue
		}
		v := params[k]
		if k == "dbname" {
			k = "database"
		}
		if _, dup := send[k]; !dup {
			keys = append(keys, k)
		}
		send[k] = v
	}
	if send["application_name"] == "" && params["fallback_application_name"] != "" {
		if _, dup := send["application_name"]; !dup {
			keys = append(keys, "application_name")
		}
		send["application_name"] = params["fallback_application_name"]
	}
	slices.Sort(keys)

	msg := pgproto3.StartupMessage{ProtocolVersion: protocolVersion, Parameters: send}
	buf := make([]byte, 4, 64)
	buf = binary.BigEndian.AppendUint32(buf, msg.ProtocolVersion)
	for _, k := range keys {
		v := cString(msg.Parameters[k])
		if v == "" {
			continue
		}
		buf = append(buf, cString(k)...)
		buf = append(buf, 0)
		buf = append(buf, v...)
		buf = append(buf, 0)
	}
	buf = append(buf, 0)
	binary.BigEndian.PutUint32(buf, uint32(len(buf)))
	return buf
}

// connectPoll is the reading part of PQconnectPoll.
func (c *Conn) connectPoll(st *startupState) pollStatus {
	n := c.readData()
	if n < 0 {
		return pollFailed
	}
	if n == 0 {
		return pollReading
	}
	for {
		switch c.status {
		case connectionAwaitingResponse:
			if r, done := c.pollAwaitingResponse(st); done {
				return r
			}
		case connectionAuthOK:
			if c.IsBusy() {
				return pollReading
			}
			res := c.GetResult()
			if res != nil {
				if res.status != PGRES_FATAL_ERROR {
					c.appendError("unexpected message from server during startup\n")
				}
				if len(c.errorMessage) == 0 || c.errorMessage[len(c.errorMessage)-1] != '\n' {
					c.appendError("\n")
				}
				return pollFailed
			}
			// CONNECTION_CHECK_TARGET with target_session_attrs=any.
			c.clearErrorState()
			c.status = ConnectionOK
			return pollOK
		default:
			return pollFailed
		}
	}
}

// pollAwaitingResponse handles one message in CONNECTION_AWAITING_RESPONSE.
// done is false when the state machine should keep going.
func (c *Conn) pollAwaitingResponse(st *startupState) (pollStatus, bool) {
	start := c.inStart
	c.inCursor = start
	c.msgErr = ""
	beresp, ok := c.getc()
	if !ok {
		return pollReading, true
	}
	if beresp != 'R' && beresp != 'E' {
		c.notAuthRequest(beresp, 0, start+1)
		return pollFailed, true
	}
	msgLength32, ok := c.getInt4()
	if !ok {
		return pollReading, true
	}
	msgLength := int(msgLength32)
	if beresp == 'R' && (msgLength < 8 || msgLength > 2000) {
		c.notAuthRequest(beresp, msgLength32, start+5)
		return pollFailed, true
	}
	if beresp == 'E' && (msgLength < 8 || msgLength > maxShortMessage) {
		// An error from a pre-3.0 server: plain text after the 'E'.
		c.inCursor = start + 1
		text, ok := c.gets()
		if !ok {
			return pollReading, true
		}
		c.appendError(text)
		c.consumeTo(beresp, msgLength32, c.inCursor)
		if len(c.errorMessage) == 0 || c.errorMessage[len(c.errorMessage)-1] != '\n' {
			c.appendError("\n")
		}
		return pollFailed, true
	}
	msgLength -= 4
	if c.inEnd-c.inCursor < msgLength {
		if !c.checkInBufferSpace(int64(c.inCursor) + int64(msgLength)) {
			c.reportConsumed(beresp, msgLength32, c.inStart, c.failedExtent(c.inStart, msgLength32), noInputMemoryText)
			return pollFailed, true
		}
		return pollReading, true
	}
	if beresp == 'E' {
		if !c.getErrorNotice(true) {
			return pollReading, true
		}
		c.consumeTo(beresp, msgLength32, c.inCursor)
		// With SQLSTATE 57P03 libpq tries the next host; there is none.
		return pollFailed, true
	}
	areq, ok := c.getInt4()
	if !ok {
		return pollReading, true
	}
	msgLength -= 4
	good := c.sendAuth(uint32(areq), msgLength, st)
	// The message counts as consumed where the handler stopped reading
	// (a failed write in sendAuth may have moved the buffer, cursor too).
	c.consumeTo(beresp, msgLength32, c.inCursor)
	if !good {
		return pollFailed, true
	}
	if areq == authReqOK {
		c.status = connectionAuthOK
		c.asyncStatus = asyncBusy
	}
	return pollReading, false
}

// notAuthRequest fails the startup on a message that is not an
// authentication request; libpq read its bytes up to position end.
func (c *Conn) notAuthRequest(beresp byte, length int32, end int) {
	text := "expected authentication request from server, but received " + cChar(beresp) + "\n"
	c.appendError(text)
	c.reportConsumed(beresp, length, c.inStart, end, text)
}

// sendAuth is pg_fe_sendauth for the methods this package supports:
// trust, cleartext password and MD5; of SASL only what precedes the SCRAM
// exchange.
func (c *Conn) sendAuth(areq uint32, payloadLen int, st *startupState) bool {
	switch areq {
	case authReqOK:
		return true
	case authReqKRB4:
		c.appendError("Kerberos 4 authentication not supported\n")
	case authReqKRB5:
		c.appendError("Kerberos 5 authentication not supported\n")
	case authReqGSS, authReqGSSCont, authReqSSPI:
		c.appendError("GSSAPI authentication not supported\n")
	case authReqCrypt:
		c.appendError("Crypt authentication not supported\n")
	case authReqSCMCreds:
		c.appendError("SCM_CRED authentication method not supported\n")
	case authReqSASL:
		return c.saslInit(st)
	case authReqSASLCont, authReqSASLFin:
		c.appendError("fe_sendauth: invalid authentication request from server: AUTH_REQ_SASL_CONT without AUTH_REQ_SASL\n")
	case authReqPassword, authReqMD5:
		if st.password == "" {
			c.appendError(noPasswordSupplied)
			return false
		}
		if !c.passwordSendAuth(areq, st) {
			c.appendError("fe_sendauth: error sending password authentication\n")
			return false
		}
		return true
	default:
		c.appendError(fmt.Sprintf("authentication method %d not supported\n", areq))
	}
	return false
}

// saslInit is the part of pg_SASL_init that comes before the SCRAM
// exchange: read the server's list of mechanisms, choose SCRAM-SHA-256
// (SCRAM-SHA-256-PLUS needs SSL, which this package never uses), and find
// the password. The exchange itself is not implemented, so a request that
// gets that far fails with a text of this package's own.
func (c *Conn) saslInit(st *startupState) bool {
	selected := false
	for {
		mech, ok := c.gets()
		if !ok {
			c.appendError("fe_sendauth: invalid authentication request from server: invalid list of authentication mechanisms\n")
			return false
		}
		if mech == "" {
			break
		}
		switch mech {
		case "SCRAM-SHA-256-PLUS":
			c.appendError("server offered SCRAM-SHA-256-PLUS authentication over a non-SSL connection\n")
			return false
		case "SCRAM-SHA-256":
			selected = true
		}
	}
	if !selected {
		c.appendError("none of the server's SASL authentication mechanisms are supported\n")
		return false
	}
	if st.password == "" {
		c.appendError(noPasswordSupplied)
		return false
	}
	c.appendError("SCRAM authentication is not supported by this libpq emulation\n")
	return false
}

// passwordSendAuth is pg_password_sendauth: send the password in clear or
// as "md5" + md5(md5(password + user) + salt).
func (c *Conn) passwordSendAuth(areq uint32, st *startupState) bool {
	pwd := cString(st.password)
	if areq == authReqMD5 {
		salt, ok := c.getnchar(4)
		if !ok {
			return false
		}
		inner := md5.Sum([]byte(pwd + cString(st.user)))
		innerHex := hex.EncodeToString(inner[:])
		outer := md5.Sum(append([]byte(innerHex), salt...))
		pwd = "md5" + hex.EncodeToString(outer[:])
	}
	buf, err := encodeMessages(&pgproto3.PasswordMessage{Password: pwd})
	if err != nil {
		return false
	}
	c.flush(buf, true)
	return true
}
