package fakepg

import (
	"io"
	"slices"

	"github.com/poolsim/poolsim/sim"
)

// Truth is a server's ground truth under the simulator: every request its
// sessions received, with the tasks that wrote each message's bytes and
// the range of the reply in the stream back to the client.
type Truth struct {
	Requests []*Request
}

// Request is one request as the server saw it: a simple Query, an
// extended-query batch ending in Sync, or a Terminate.
type Request struct {
	// PID is the backend that received it.
	PID int32
	// Messages are its frontend messages in order.
	Messages []MessageTruth
	// Inbound is the stream the request arrived on; Outbound the stream
	// the reply went out on, where ReplyOff and ReplyEnd delimit it (both
	// 0 when there was no reply, as for Terminate).
	Inbound, Outbound  *sim.Stream
	ReplyOff, ReplyEnd int64
}

// MessageTruth is one frontend message and who wrote it.
type MessageTruth struct {
	Type    byte
	Off     int64      // stream offset of the type byte
	Len     int        // bytes including the type byte and length
	Writers []sim.Span // the writes covering the message, clipped to it
}

// Senders returns the distinct tasks that wrote the request's bytes, in
// order of first appearance. More than one means the request was built
// from several writers' bytes.
func (r *Request) Senders() []*sim.Task {
	var spans []sim.Span
	for _, m := range r.Messages {
		spans = append(spans, m.Writers...)
	}
	return distinctTasks(spans)
}

// Readers returns the distinct tasks that read the reply's bytes, in order
// of first appearance: more than one, or one other than the sender, means
// the reply went (partly) to someone who did not ask.
func (r *Request) Readers() []*sim.Task {
	if r.Outbound == nil || r.ReplyEnd <= r.ReplyOff {
		return nil
	}
	return distinctTasks(r.Outbound.ReadersOf(r.ReplyOff, int(r.ReplyEnd-r.ReplyOff)))
}

// distinctTasks returns the spans' tasks without repeats, in order.
func distinctTasks(spans []sim.Span) []*sim.Task {
	var out []*sim.Task
	for _, sp := range spans {
		if !slices.Contains(out, sp.Task) {
			out = append(out, sp.Task)
		}
	}
	return out
}

// Truth returns the ground truth recorded so far (sessions over simulated
// connections only).
func (s *Server) Truth() *Truth { return &s.truth }

// simStreams is what a simulated connection offers for ground truth.
type simStreams interface {
	Inbound() *sim.Stream
	Outbound() *sim.Stream
}

// truthRecorder groups a session's messages into requests.
type truthRecorder struct {
	srv     *Server
	in, out *sim.Stream
	cur     *Request
}

func newTruthRecorder(s *Server, rw io.ReadWriter) *truthRecorder {
	ss, ok := rw.(simStreams)
	if !ok {
		return nil
	}
	return &truthRecorder{srv: s, in: ss.Inbound(), out: ss.Outbound()}
}

// message records a frontend message, starting a request if none is open.
func (tr *truthRecorder) message(b *backend, m frontendMessage) {
	if tr == nil {
		return
	}
	if tr.cur == nil {
		tr.cur = &Request{PID: b.pid, Inbound: tr.in, Outbound: tr.out, ReplyOff: b.out.offset()}
		// no lock: truth is recorded only inside a simulated world, where
		// one task runs at a time, and taking the server's (simulated)
		// mutex would add scheduling points PostgreSQL does not have
		tr.srv.truth.Requests = append(tr.srv.truth.Requests, tr.cur)
	}
	n := 5 + len(m.body)
	tr.cur.Messages = append(tr.cur.Messages, MessageTruth{Type: m.typ, Off: m.off, Len: n, Writers: tr.in.WritersOf(m.off, n)})
	if m.typ == 'X' {
		tr.cur.ReplyOff = 0
		tr.cur = nil
	}
}

// replied closes the open request at ReadyForQuery.
func (tr *truthRecorder) replied(b *backend) {
	if tr == nil || tr.cur == nil {
		return
	}
	tr.cur.ReplyEnd = b.out.offset()
	tr.cur = nil
}
