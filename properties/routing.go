package properties

import (
	"fmt"

	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/sim"
)

// MisroutedReply is the kind of a reply routing violation: a reply parsed,
// in part or whole, by a task other than the one that sent the request.
const MisroutedReply = "misrouted reply"

// ReplyRouting judges that every caller received exactly the reply to its
// own request: for every request of t whose reply was parsed at all, the
// tasks ct records as having parsed its bytes must be exactly the
// request's sender. A request built from several senders' bytes has no
// single caller and is a violation as soon as its reply is parsed. The
// property needs the client's ground truth: sessions whose outbound
// stream ct does not record make it inconclusive.
func ReplyRouting(t *fakepg.Truth, ct *fakepg.ClientTruth) Result {
	res := Result{Property: "reply routing"}
	unknown := 0
	tk := newTakers(ct)
	for _, s := range t.Sessions {
		if len(s.Requests) == 0 {
			continue
		}
		if !tk.covers(s.Outbound) {
			unknown++
			continue
		}
		for _, r := range s.Requests {
			routeReply(&res, s, r, tk)
		}
	}
	if unknown > 0 {
		res.Reason = fmt.Sprintf("%d sessions with requests have no client ground truth", unknown)
	}
	res.conclude()
	return res
}

// routeReply reports r if its reply's consumers are not exactly its
// sender.
func routeReply(res *Result, s *fakepg.SessionTruth, r *fakepg.Request, tk *takers) {
	spans, _ := tk.replyTakers(r, true)
	if len(spans) == 0 {
		return
	}
	if sender := soleSender(r); sender != nil && takenOnlyBy(spans, sender) {
		return
	}
	senders := r.Senders()
	takers := sim.SpanTasks(spans)
	if len(senders) == 1 && len(takers) == 1 && takers[0] == senders[0] {
		return
	}
	off := spans[0].Off
	if len(senders) == 1 {
		off = r.ReplyEnd
		for _, sp := range spans {
			if sp.Task != senders[0] {
				off = min(off, sp.Off)
			}
		}
	}
	tasks, procs := involved(append(append([]*sim.Task{}, senders...), takers...)...)
	res.Violations = append(res.Violations, Violation{
		Kind: MisroutedReply, Session: s.Name(), Tasks: tasks, Processes: procs, Offset: off,
		Step: tk.parsedStep(s.Outbound, off),
		Detail: fmt.Sprintf("reply [%d, %d) to the request of %s parsed by %s",
			r.ReplyOff, r.ReplyEnd, paths(senders), paths(takers)),
	})
}

// soleSender returns the one task that wrote every byte of r, or nil when
// r has no writer or several (what r.Senders() says, without building
// the list).
func soleSender(r *fakepg.Request) *sim.Task {
	var t *sim.Task
	seen := false
	for _, m := range r.Messages {
		for _, sp := range m.Writers {
			switch {
			case !seen:
				t, seen = sp.Task, true
			case sp.Task != t:
				return nil
			}
		}
	}
	return t
}

// takenOnlyBy reports whether every span was taken by t.
func takenOnlyBy(spans []sim.Span, t *sim.Task) bool {
	for _, sp := range spans {
		if sp.Task != t {
			return false
		}
	}
	return true
}

// paths joins the tasks' paths.
func paths(ts []*sim.Task) string {
	out := ""
	for i, t := range ts {
		if i > 0 {
			out += " and "
		}
		out += pathOf(t)
	}
	return out
}
