package fakepg

import (
	"github.com/poolsim/poolsim/fakepg/libpq"
	"github.com/poolsim/poolsim/sim"
)

// ClientTruth is the client side of the ground truth under the simulator:
// for every backend message a libpq connection parsed (or failed on), the
// task that parsed it and the stream bytes it was made of. With threads or
// forked processes sharing one connection, the task that parsed a reply
// is not always the task that read its bytes from the socket, nor the one
// that sent the request; the server's Truth says who sent what, this says
// who took what.
type ClientTruth struct {
	Messages []ConsumedMessage
}

// ConsumedMessage is one backend message as a client task took it.
type ConsumedMessage struct {
	libpq.Consumed
	Task   *sim.Task   // the task that parsed it
	Stream *sim.Stream // the inbound stream its bytes came from
	Step   int         // the world's step when it was parsed
}

// Hook returns a consume hook (libpq.Conn.SetConsumeHook,
// libpq.ConnectObserved) that records into ct every message the
// connection reading in consumes, with the task of w running at the time.
// The connection's reader must offer stream offsets (a *sim.Conn does).
func (ct *ClientTruth) Hook(w *sim.World, in *sim.Stream) func(libpq.Consumed) {
	return func(m libpq.Consumed) {
		ct.Messages = append(ct.Messages, ConsumedMessage{Consumed: m, Task: w.Current(), Stream: in, Step: w.Step()})
	}
}

// Consumers returns the distinct tasks that parsed any byte of the stream
// range [off, end), in order of first appearance.
func (ct *ClientTruth) Consumers(in *sim.Stream, off, end int64) []*sim.Task {
	var spans []sim.Span
	for _, m := range ct.Messages {
		if m.Stream != in {
			continue
		}
		for _, r := range m.Ranges {
			if r.Off < end && r.Off+int64(r.Len) > off {
				spans = append(spans, sim.Span{Off: r.Off, Len: r.Len, Task: m.Task})
			}
		}
	}
	return sim.SpanTasks(spans)
}
