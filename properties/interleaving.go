package properties

import (
	"fmt"
	"math"

	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/sim"
)

// The kinds of protocol interleaving violation.
const (
	// MixedMessage: one frontend message was assembled from the bytes of
	// more than one writer.
	MixedMessage = "mixed message"
	// ReplyTakenByOther: a reply's bytes were taken by a task other than
	// the one that owns the request.
	ReplyTakenByOther = "reply taken by another task"
	// RequestWhileOutstanding: a task sent a request while another task's
	// request on the same session was outstanding.
	RequestWhileOutstanding = "request while another's is outstanding"
)

// Interleaving judges protocol interleaving on every server-facing session
// of t: a frontend message assembled from two writers' bytes; a reply
// taken by a task other than the request's owner (from ct, the tasks that
// parsed the reply, when ct records the session's stream; else the tasks
// that read its bytes from the socket); a request whose first byte was
// written by a different task while another owner's request was
// outstanding, that is before the last byte of its reply was read
// (pipelining by one owner is legal). The last check needs the run's trace
// with its events kept; without it the property is at best inconclusive.
func Interleaving(t *fakepg.Truth, ct *fakepg.ClientTruth, tr *sim.Trace) Result {
	res := Result{Property: "protocol interleaving"}
	ss := NewStreamSteps(tr, t.Sessions)
	if ss == nil {
		res.Reason = "no trace events: requests sent while another's was outstanding not checked"
	}
	tk := newTakers(ct)
	for _, s := range t.Sessions {
		mixedMessages(&res, s, ss)
		foreignReplies(&res, s, tk, ct != nil, ss)
		if ss != nil {
			outstandingRequests(&res, s, ss)
		}
	}
	res.conclude()
	return res
}

// mixedMessages reports every message of s written by more than one task,
// at the step the second writer's first byte was written when ss knows it.
func mixedMessages(res *Result, s *fakepg.SessionTruth, ss *StreamSteps) {
	for _, r := range s.Requests {
		for _, m := range r.Messages {
			ws := sim.SpanTasks(m.Writers)
			if len(ws) < 2 {
				continue
			}
			off := m.Off
			for _, sp := range m.Writers {
				if sp.Task != ws[0] {
					off = sp.Off
					break
				}
			}
			tasks, procs := involved(ws...)
			res.Violations = append(res.Violations, Violation{
				Kind: MixedMessage, Session: s.Name(), Tasks: tasks, Processes: procs,
				Offset: off, Step: max(0, ss.Written(s.Inbound, off)),
				Detail: fmt.Sprintf("%s message at offset %d written by %d tasks", typeName(m.Type), m.Off, len(ws)),
			})
		}
	}
}

// foreignReplies reports every request of s whose reply was taken, in
// part or whole, by a task other than its owner.
func foreignReplies(res *Result, s *fakepg.SessionTruth, tk *takers, haveTruth bool, ss *StreamSteps) {
	for _, r := range s.Requests {
		own := r.Owner()
		spans, parsed := tk.replyTakers(r, haveTruth)
		first := int64(math.MaxInt64)
		var others []*sim.Task
		for _, sp := range spans {
			if sp.Task == own {
				continue
			}
			first = min(first, sp.Off)
			if !containsTask(others, sp.Task) {
				others = append(others, sp.Task)
			}
		}
		if len(others) == 0 {
			continue
		}
		how := "read"
		if parsed {
			how = "parsed"
		}
		tasks, procs := involved(append([]*sim.Task{own}, others...)...)
		res.Violations = append(res.Violations, Violation{
			Kind: ReplyTakenByOther, Session: s.Name(), Tasks: tasks, Processes: procs,
			Offset: first, Step: max(0, ss.Read(s.Outbound, first)),
			Detail: fmt.Sprintf("reply [%d, %d) to %s's request %s by %s",
				r.ReplyOff, r.ReplyEnd, pathOf(own), how, pathOf(others[0])),
		})
	}
}

// outstandingRequests reports every request of s whose first byte was
// written, by a task other than the owner of an earlier request, before
// that request's reply had been read to its end.
func outstandingRequests(res *Result, s *fakepg.SessionTruth, ss *StreamSteps) {
	type open struct {
		r     *fakepg.Request
		owner *sim.Task
		until int // step the reply's last byte was read; MaxInt if never
	}
	var pending []open
	for _, r := range s.Requests {
		if len(r.Messages) == 0 {
			continue
		}
		own := r.Owner()
		sent := ss.Written(s.Inbound, r.Messages[0].Off)
		// requests are written in stream order, so one answered before
		// this one was sent was answered before any later one was
		live := pending[:0]
		for _, p := range pending {
			if sent < 0 || sent < p.until {
				live = append(live, p)
			}
		}
		pending = live
		for _, p := range pending {
			if p.owner == own || sent < 0 || sent >= p.until {
				continue
			}
			tasks, procs := involved(p.owner, own)
			res.Violations = append(res.Violations, Violation{
				Kind: RequestWhileOutstanding, Session: s.Name(), Tasks: tasks, Processes: procs,
				Offset: r.Messages[0].Off, Step: sent,
				Detail: fmt.Sprintf("%s sent a request at step %d while %s's request at offset %d was outstanding",
					pathOf(own), sent, pathOf(p.owner), p.r.Messages[0].Off),
			})
			break
		}
		until := math.MaxInt
		if r.ReplyEnd > r.ReplyOff {
			if st := ss.Read(s.Outbound, r.ReplyEnd-1); st >= 0 {
				until = st
			}
		} else if r.ReplyOff == 0 && r.ReplyEnd == 0 && !r.Unfinished {
			until = sent // a lone Terminate awaits no reply
		}
		pending = append(pending, open{r: r, owner: own, until: until})
	}
}

// containsTask reports whether ts holds t.
func containsTask(ts []*sim.Task, t *sim.Task) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

// pathOf returns a task's path, or "?" for none.
func pathOf(t *sim.Task) string {
	if t == nil {
		return "?"
	}
	return t.Path()
}

// typeName names a frontend message type byte.
func typeName(b byte) string {
	if b == 0 {
		return "startup"
	}
	return fmt.Sprintf("%q", b)
}
