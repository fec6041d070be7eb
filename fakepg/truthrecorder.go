package fakepg

import (
	"errors"
	"io"

	"github.com/poolsim/poolsim/fakepg/engine"
	"github.com/poolsim/poolsim/sim"
)

// simConn is what a simulated connection offers for ground truth.
type simConn interface {
	Inbound() *sim.Stream
	Outbound() *sim.Stream
	Process() *sim.Process
}

// truthRecorder records one session's ground truth: its startup packets,
// its messages grouped into requests, the replies' ranges and the end.
// Every method does nothing on a nil recorder (a session not over a
// simulated connection).
//
// It takes no lock: truth is recorded only inside a simulated world,
// where one task runs at a time, and taking the server's (simulated) mutex
// would add scheduling points PostgreSQL does not have.
type truthRecorder struct {
	srv  *Server
	w    *sim.World   // nil when the server does not run on the world's runtime
	proc *sim.Process // the backend's process, whose death ends the session
	sess *SessionTruth
	cur  *Request // the request awaiting its ReadyForQuery
	done bool     // the session's end is recorded
}

func newTruthRecorder(s *Server, rw io.ReadWriter) *truthRecorder {
	c, ok := rw.(simConn)
	if !ok {
		return nil
	}
	tr := &truthRecorder{srv: s, proc: c.Process(), sess: &SessionTruth{Inbound: c.Inbound(), Outbound: c.Outbound()}}
	if rt, ok := s.rt.(engine.SimRuntime); ok {
		tr.w = rt.W
		tr.sess.Backend = rt.W.Current()
	}
	s.truth.Sessions = append(s.truth.Sessions, tr.sess)
	return tr
}

// consumed describes the inbound bytes from off to what the backend has
// read so far; fail, if not nil, is why framing them failed.
func (tr *truthRecorder) consumed(b *backend, off int64, fail error) MessageTruth {
	n := int(b.in.consumed - off)
	m := MessageTruth{Off: off, Len: n, Writers: tr.sess.Inbound.WritersOf(off, n)}
	if fail != nil {
		m.Fail = fail.Error()
	}
	return m
}

// startupPacket records a startup packet, or as much of one as was read
// before it failed.
func (tr *truthRecorder) startupPacket(b *backend, p startupPacket, fail error) {
	if tr == nil || b.in.consumed == p.off {
		return
	}
	m := tr.consumed(b, p.off, fail)
	m.Code, m.Length = p.code, p.length
	tr.sess.Startup = append(tr.sess.Startup, m)
}

// startupParams records the StartupMessage's user and application name.
func (tr *truthRecorder) startupParams(params map[string]string) {
	if tr == nil {
		return
	}
	tr.sess.User, tr.sess.ApplicationName = params["user"], params["application_name"]
}

// password records the PasswordMessage, or what was read of it.
func (tr *truthRecorder) password(b *backend, m frontendMessage, fail error) {
	if tr == nil || b.in.consumed == m.off {
		return
	}
	mt := tr.consumed(b, m.off, fail)
	mt.Type, mt.Length = m.typ, m.length
	tr.sess.Startup = append(tr.sess.Startup, mt)
}

// admitted records the session's pid.
func (tr *truthRecorder) admitted(pid int32) {
	if tr == nil {
		return
	}
	tr.sess.PID = pid
	if tr.w != nil {
		tr.sess.AdmitStep = tr.w.Step()
	}
}

// openRequest is a request allocated together with room for its first
// message, which is often its only one.
type openRequest struct {
	r     Request
	first [1]MessageTruth
}

// message records a frontend message, or what was read of one that failed
// framing (fail), starting a request if none is open.
func (tr *truthRecorder) message(b *backend, m frontendMessage, fail error) {
	if tr == nil || b.in.consumed == m.off {
		return
	}
	r := tr.cur
	if r == nil {
		o := &openRequest{r: Request{Session: tr.sess, ReplyOff: b.out.offset()}}
		r = &o.r
		if tr.w != nil {
			r.Step = tr.w.Step()
		}
		r.Messages = o.first[:0]
		tr.cur = r
		tr.sess.Requests = append(tr.sess.Requests, r)
		tr.srv.truth.Requests = append(tr.srv.truth.Requests, r)
	}
	mt := tr.consumed(b, m.off, fail)
	mt.Type, mt.Length = m.typ, m.length
	r.Messages = append(r.Messages, mt)
	if m.typ == 'X' && fail == nil && len(r.Messages) == 1 {
		r.ReplyOff = 0 // a lone Terminate has no reply
		tr.cur = nil
	}
}

// replied closes the open request at ReadyForQuery, with the transaction
// status and the session state the ReadyForQuery leaves.
func (tr *truthRecorder) replied(b *backend) {
	if tr == nil || tr.cur == nil {
		return
	}
	r := tr.cur
	r.ReplyEnd = max(r.ReplyOff, b.out.offset())
	r.Unfinished = b.out.err != nil
	if !r.Unfinished {
		r.TxStatus, r.State = b.sess.TxStatus(), b.sess.SessionState()
	}
	tr.cur = nil
}

// ended records why the session ended (err is what the session returned)
// once its last reply was flushed, and closes an open request as
// unfinished.
func (tr *truthRecorder) ended(b *backend, err error) {
	if tr == nil {
		return
	}
	var fatal errFatal
	var silent errSilentClose
	var lost errClientLost
	s := tr.sess
	switch {
	case err == nil:
		s.End = EndEOF
	case errors.Is(err, errTerminate):
		s.End = EndTerminate
	case errors.As(err, &fatal):
		s.End, s.EndCode, s.EndDetail = EndFatal, fatal.code, fatal.msg
		if fatal.code == engine.TooManyConnections {
			s.End = EndTooManyConnections
		}
	case errors.As(err, &silent):
		s.End, s.EndDetail = EndSilentClose, silent.reason
	case errors.As(err, &lost):
		s.End, s.EndDetail = EndWriteFailed, lost.err.Error()
	default:
		s.End, s.EndDetail = EndSilentClose, err.Error()
	}
	tr.finish(b)
}

// unwound records the end of a session whose backend task is being
// unwound (its process was killed, or the run ended) unless its end was
// recorded already. It runs while the task unwinds, so it performs no sim
// operation.
func (tr *truthRecorder) unwound(b *backend) {
	if tr == nil || tr.done {
		return
	}
	tr.sess.End = EndRunEnded
	if tr.proc.Exited() {
		tr.sess.End = EndKilled
	}
	tr.finish(b)
}

// finish closes the open request, which got no ReadyForQuery, with what
// the server wrote, and stamps the end.
func (tr *truthRecorder) finish(b *backend) {
	tr.done = true
	if r := tr.cur; r != nil {
		r.ReplyEnd = max(r.ReplyOff, b.out.written)
		r.Unfinished = true
		tr.cur = nil
	}
	if tr.w != nil {
		tr.sess.EndStep = tr.w.Step()
	}
}
