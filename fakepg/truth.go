package fakepg

import (
	"github.com/poolsim/poolsim/sim"
)

// Truth is a server's ground truth under the simulator: every session
// with its startup packets, the requests it received (with the tasks that
// wrote each message's bytes, including bytes the server could not frame)
// and the range of each reply in the stream back to the client, and why
// the session ended.
type Truth struct {
	// Sessions are the sessions in the order their backends started.
	Sessions []*SessionTruth
	// Requests are every session's requests, in the order they started.
	Requests []*Request
}

// SessionTruth is one session as the server saw it.
type SessionTruth struct {
	// PID is the backend's process ID; 0 for a session that was never
	// admitted (a CancelRequest's connection, a refused or failed startup).
	PID int32
	// Backend is the task that ran the session.
	Backend *sim.Task
	// Inbound is the stream from the client, Outbound the stream back.
	Inbound, Outbound *sim.Stream
	// Startup are the packets of the startup exchange in order:
	// SSLRequest, GSSENCRequest, CancelRequest and StartupMessage packets
	// (Type 0, Code set) and the PasswordMessage ('p').
	Startup []MessageTruth
	// User and ApplicationName are the StartupMessage's parameters.
	User, ApplicationName string
	// Requests are the session's requests, in order.
	Requests []*Request
	// End says why the session ended; EndCode is the SQLSTATE of the
	// FATAL error sent, if one was, and EndDetail the FATAL's message, the
	// reason for a silent close, or the failed write's error.
	End                EndReason
	EndCode, EndDetail string
	// EndStep is the world's step when the session ended.
	EndStep int
	// AdmitStep is the world's step when the session was admitted (its
	// PID assigned); 0 for a session never admitted.
	AdmitStep int
}

// EndReason says why a session ended.
type EndReason uint8

// The reasons a session ends.
const (
	// SessionOpen: the session has not ended.
	SessionOpen EndReason = iota
	// EndTerminate: the client sent Terminate.
	EndTerminate
	// EndEOF: the client's stream ended at a message boundary.
	EndEOF
	// EndFatal: the server sent a FATAL error and closed the connection
	// (a garbled message type, a failed authentication, a bad startup
	// packet...).
	EndFatal
	// EndTooManyConnections: the session was refused with FATAL 53300
	// because max_connections sessions were open.
	EndTooManyConnections
	// EndSilentClose: the server closed the connection without a reply,
	// as PostgreSQL does for conditions it only logs (an invalid message
	// length, a message cut short by the end of the stream, a processed
	// CancelRequest).
	EndSilentClose
	// EndWriteFailed: a write to the client failed; the session ended
	// before reading another message.
	EndWriteFailed
	// EndKilled: the backend's process was killed while the session ran.
	EndKilled
	// EndRunEnded: the world's run ended while the session was open.
	EndRunEnded
)

var endReasonNames = [...]string{
	SessionOpen: "open", EndTerminate: "terminate", EndEOF: "eof", EndFatal: "fatal",
	EndTooManyConnections: "too many connections", EndSilentClose: "silent close",
	EndWriteFailed: "write failed", EndKilled: "killed", EndRunEnded: "run ended",
}

// String returns the reason's name, like "silent close".
func (r EndReason) String() string {
	if int(r) < len(endReasonNames) {
		return endReasonNames[r]
	}
	return "unknown"
}

// Request is one request as the server saw it: the frontend messages up to
// and including the one whose reply ends in ReadyForQuery (a simple Query,
// an extended-query batch ending in Sync), or a Terminate.
//
// A request ends only at ReadyForQuery (or with the session), so messages
// that get no ReadyForQuery of their own join the request the next
// ReadyForQuery closes: an extended-query batch that ends in Flush rather
// than Sync, the messages skipped after an error up to Sync, CopyData,
// CopyDone and CopyFail outside COPY (which the server ignores). That is
// the server's view: a second writer's
// bytes sent before ReadyForQuery belong to the same request, and Senders
// shows them.
type Request struct {
	// Session is the session that received it.
	Session *SessionTruth
	// Messages are its frontend messages in order; the last may be one the
	// server could not frame (MessageTruth.Fail).
	Messages []MessageTruth
	// ReplyOff and ReplyEnd delimit the reply in Session.Outbound (both 0
	// for a lone Terminate, which has none).
	ReplyOff, ReplyEnd int64
	// Unfinished reports that the request got no ReadyForQuery the client
	// could read: the session ended first (a FATAL error, a silent close,
	// a killed backend), or writing the reply failed. ReplyEnd is then the
	// end of what the server had written when the session ended.
	Unfinished bool
	// Step is the world's step when the server read the request's first
	// message.
	Step int
	// TxStatus is the transaction status the closing ReadyForQuery sent:
	// 'I' idle, 'T' in a transaction block, 'E' in a failed one; 0 when
	// no ReadyForQuery closed the request.
	TxStatus byte
	// State is the session state in effect after the request
	// (engine.Session.SessionState: parameters set, prepared statements,
	// session advisory locks, held cursors); nil when there is none or no
	// ReadyForQuery closed the request.
	State []string
}

// MessageTruth is one frontend message, or as much of one as the server
// read before framing it failed, and who wrote it.
type MessageTruth struct {
	// Type is the message type byte; 0 for startup packets, which have
	// none.
	Type byte
	// Code is a startup packet's request code: the protocol version of a
	// StartupMessage, or the SSLRequest, GSSENCRequest or CancelRequest
	// code (0 when the packet was cut short before it).
	Code uint32
	// Off is the stream offset of the message's first byte.
	Off int64
	// Len is the number of bytes the server consumed: the whole message,
	// or what it read of one it could not frame.
	Len int
	// Length is the length word as read (it counts itself), however
	// absurd; 0 when the stream ended within it.
	Length int32
	// Writers are the writes covering the bytes consumed, clipped to them.
	Writers []sim.Span
	// Fail is why the server could not frame (or, for a startup packet,
	// parse) the message: the FATAL error's message, or the reason it
	// closed the connection silently. Empty for a well-formed message.
	Fail string
}

// Senders returns the distinct tasks that wrote the request's bytes, in
// order of first appearance. More than one means the request was built
// from several writers' bytes.
func (r *Request) Senders() []*sim.Task {
	var spans []sim.Span
	for _, m := range r.Messages {
		spans = append(spans, m.Writers...)
	}
	return sim.SpanTasks(spans)
}

// Readers returns the distinct tasks that read the reply's bytes, in order
// of first appearance: more than one, or one other than the sender, means
// the reply went (partly) to someone who did not ask.
func (r *Request) Readers() []*sim.Task {
	if r.Session == nil || r.ReplyEnd <= r.ReplyOff {
		return nil
	}
	return sim.SpanTasks(r.Session.Outbound.ReadersOf(r.ReplyOff, int(r.ReplyEnd-r.ReplyOff)))
}

// Truth returns the ground truth recorded so far (sessions over simulated
// connections only).
func (s *Server) Truth() *Truth { return &s.truth }
