package pgtest

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgproto3/v2"
)

// DefaultTimeout is how long a step waits for its reply unless the step
// says otherwise (Step.Timeout). Running out fails the test.
const DefaultTimeout = 10 * time.Second

// Script is a list of steps that Run performs in order. Each step acts on
// one named session (a connection of its own).
type Script []Step

// waitMode says how much of the server's reply a step collects. Every wait
// also ends when the server closes the connection.
type waitMode int

const (
	waitNone  waitMode = iota // send only; a later step collects the reply
	waitReady                 // until n ReadyForQuery messages
	waitClose                 // until the server closes the connection
	waitCount                 // until n messages
	waitIdle                  // whatever arrives within a duration
)

// stepKind is what a step does before collecting the reply.
type stepKind int

const (
	kindSend       stepKind = iota // write messages or bytes to the session
	kindDial                       // open the session's connection, then send (Connect)
	kindDisconnect                 // close the connection from the client side
	kindAwait                      // send nothing, only collect
)

// Step is one action of a Script. Make steps with the functions of this
// package (Connect, Query, Parse, ...) and adjust them with the methods
// (NoWait, UntilClose, Mask, ...), which return a modified copy.
//
// A step collects backend messages only while it waits; messages that
// arrive for a session while no step of that session waits are collected by
// the session's next waiting step. So the transcript does not depend on
// network timing, and a reply shows up under the step that waited for it.
type Step struct {
	// Session names the connection the step acts on.
	Session string

	kind    stepKind
	msgs    []pgproto3.FrontendMessage
	raw     []byte // unframed bytes, sent after msgs
	desc    string // what is sent, for the transcript
	wait    waitMode
	n       int // waitReady, waitCount: how many
	idle    time.Duration
	mask    bool
	timeout time.Duration
	oneByte bool // the reply starts with one unframed byte (SSLRequest)

	defWait waitMode // the wait the constructor chose, to show changes
	defN    int
}

// defaults records the step's wait as the one its constructor chose.
func (s Step) defaults() Step {
	s.defWait, s.defN = s.wait, s.n
	return s
}

// Dial opens the session's TCP connection and sends nothing. Follow it with
// Startup, SSLRequest or Raw (to send a malformed startup packet).
func Dial(session string) Step {
	return Step{Session: session, kind: kindDial, desc: "dial"}.defaults()
}

// Connect opens the session's connection and sends a StartupMessage with
// params, then waits for ReadyForQuery (or the close after a FATAL). Nil
// params mean user=postgres; the server defaults the database to the user
// name.
func Connect(session string, params map[string]string) Step {
	s := Startup(session, params)
	s.kind = kindDial
	s.desc = "connect" + strings.TrimPrefix(s.desc, "startup")
	return s
}

// Startup sends a StartupMessage (protocol 3.0) with params on an already
// dialled session and waits for ReadyForQuery. Nil params mean
// user=postgres. Parameters are sent in name order.
func Startup(session string, params map[string]string) Step {
	if params == nil {
		params = map[string]string{"user": "postgres"}
	}
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	body := binary.BigEndian.AppendUint32(nil, pgproto3.ProtocolVersionNumber)
	desc := "startup"
	for _, k := range names {
		body = append(append(append(append(body, k...), 0), params[k]...), 0)
		desc += " " + k + "=" + quoteIfNeeded(params[k])
	}
	body = append(body, 0)
	packet := binary.BigEndian.AppendUint32(nil, uint32(len(body)+4))
	return Step{Session: session, raw: append(packet, body...), desc: desc, wait: waitReady, n: 1}.defaults()
}

// SSLRequest sends an SSLRequest and collects the server's one-byte answer
// (line "ssl N" or "ssl S"). pgtest does not do TLS.
func SSLRequest(session string) Step {
	var b []byte
	b = binary.BigEndian.AppendUint32(b, 8)
	b = binary.BigEndian.AppendUint32(b, 80877103)
	return Step{Session: session, raw: b, desc: "ssl-request", wait: waitCount, n: 1, oneByte: true}.defaults()
}

// Query sends a simple-protocol Query and waits for ReadyForQuery.
func Query(session, sql string) Step {
	return Send(session, &pgproto3.Query{String: sql})
}

// Parse sends Parse (prepared statement name, query, parameter type OIDs).
// It does not wait: the reply comes with a later Sync, Flush or error.
func Parse(session, name, query string, paramOIDs ...uint32) Step {
	return Send(session, &pgproto3.Parse{Name: name, Query: query, ParameterOIDs: paramOIDs})
}

// Bind sends Bind of statement to portal with text-format params (a nil
// element is NULL; see Text) and result format codes. It does not wait.
func Bind(session, portal, statement string, params [][]byte, resultFormats ...int16) Step {
	return Send(session, &pgproto3.Bind{DestinationPortal: portal, PreparedStatement: statement,
		Parameters: params, ResultFormatCodes: resultFormats})
}

// Describe sends Describe of a statement (kind 'S') or portal ('P'). It
// does not wait.
func Describe(session string, kind byte, name string) Step {
	return Send(session, &pgproto3.Describe{ObjectType: kind, Name: name})
}

// Execute sends Execute of portal, returning at most maxRows rows (0: all).
// It does not wait.
func Execute(session, portal string, maxRows uint32) Step {
	return Send(session, &pgproto3.Execute{Portal: portal, MaxRows: maxRows})
}

// Close sends Close of a statement (kind 'S') or portal ('P'). It does not
// wait.
func Close(session string, kind byte, name string) Step {
	return Send(session, &pgproto3.Close{ObjectType: kind, Name: name})
}

// Flush sends Flush. It does not wait, since nothing marks the end of what
// the server then sends; add UntilCount to collect a known number of
// messages.
func Flush(session string) Step {
	return Send(session, &pgproto3.Flush{})
}

// Sync sends Sync and waits for ReadyForQuery.
func Sync(session string) Step {
	return Send(session, &pgproto3.Sync{})
}

// Terminate sends Terminate and waits until the server closes the
// connection.
func Terminate(session string) Step {
	return Send(session, &pgproto3.Terminate{})
}

// Send sends msgs in one write. It waits until the server closes the
// connection if msgs include a Terminate, else for one ReadyForQuery per
// Query and Sync among msgs, else not at all.
func Send(session string, msgs ...pgproto3.FrontendMessage) Step {
	s := Step{Session: session, msgs: msgs}
	descs := make([]string, len(msgs))
	for i, m := range msgs {
		descs[i] = describeMessage(m)
		switch m.(type) {
		case *pgproto3.Query, *pgproto3.Sync:
			s.n++
		case *pgproto3.Terminate:
			s.wait = waitClose
		}
	}
	s.desc = strings.Join(descs, "; ")
	if s.wait != waitClose && s.n > 0 {
		s.wait = waitReady
	}
	return s.defaults()
}

// Raw sends b as it is, for garbage and malformed messages. It does not
// wait; add UntilReady or UntilClose to collect the reply.
func Raw(session string, b []byte) Step {
	return Step{Session: session, raw: b, desc: "raw " + quoteBytes(b)}.defaults()
}

// Await sends nothing and waits for ReadyForQuery: it collects the reply to
// an earlier NoWait step of the session.
func Await(session string) Step {
	return Step{Session: session, kind: kindAwait, desc: "await", wait: waitReady, n: 1}.defaults()
}

// Idle sends nothing and collects whatever the server sends on the session
// within d. Use it to show that a NoWait step is still blocked (no lines)
// or that the server ignores something; it never fails for lack of reply.
func Idle(session string, d time.Duration) Step {
	return Step{Session: session, kind: kindAwait, desc: "idle " + d.String(), wait: waitIdle, idle: d}.defaults()
}

// Disconnect closes the session's connection from the client side without
// Terminate, as a crashed client would. The session name may then be
// connected again.
func Disconnect(session string) Step {
	return Step{Session: session, kind: kindDisconnect, desc: "disconnect"}.defaults()
}

// Text turns values into text-format Bind parameters.
func Text(values ...string) [][]byte {
	params := make([][]byte, len(values))
	for i, v := range values {
		params[i] = []byte(v)
	}
	return params
}

// NoWait makes the step send only; a later Await (or other waiting step) of
// the session collects the reply.
func (s Step) NoWait() Step {
	s.wait = waitNone
	return s
}

// UntilReady makes the step wait for one ReadyForQuery, or the close.
func (s Step) UntilReady() Step {
	s.wait, s.n = waitReady, 1
	return s
}

// UntilClose makes the step wait until the server closes the connection.
func (s Step) UntilClose() Step {
	s.wait = waitClose
	return s
}

// UntilCount makes the step wait for n backend messages, or the close.
func (s Step) UntilCount(n int) Step {
	s.wait, s.n = waitCount, n
	return s
}

// Mask makes the step replace the values of the DataRows it collects with
// <masked>, for values that differ from run to run such as
// pg_backend_pid(). Put it on the step that waits for the rows (the Sync
// or Await), not on a NoWait step.
func (s Step) Mask() Step {
	s.mask = true
	return s
}

// Timeout sets how long the step waits for its reply before failing the
// test (default DefaultTimeout).
func (s Step) Timeout(d time.Duration) Step {
	s.timeout = d
	return s
}

// String describes the step as the transcript shows it: what is sent, then
// the wait in brackets when it is not the step's default, and [mask].
func (s Step) String() string {
	out := s.desc
	if w := s.waitString(); w != "" {
		out += " [" + w + "]"
	}
	if s.mask {
		out += " [mask]"
	}
	return out
}

// waitString names the wait when a modifier changed it.
func (s Step) waitString() string {
	if s.wait == s.defWait && s.n == s.defN {
		return ""
	}
	switch s.wait {
	case waitNone:
		return "nowait"
	case waitReady:
		return fmt.Sprintf("until %d ready", s.n)
	case waitClose:
		return "until close"
	case waitCount:
		return fmt.Sprintf("until %d messages", s.n)
	}
	return ""
}
