package properties

import (
	"fmt"
	"slices"

	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/sim"
)

// sessionName names a session by its backend PID and inbound stream.
func sessionName(s *fakepg.SessionTruth) string {
	name := "?"
	if s.Inbound != nil {
		name = s.Inbound.Name()
	}
	return fmt.Sprintf("backend %d (%s)", s.PID, name)
}

// involved returns the paths of tasks and of their processes, without
// repeats, in order.
func involved(tasks ...*sim.Task) (paths, procs []string) {
	for _, t := range tasks {
		if t == nil {
			continue
		}
		if p := t.Path(); !slices.Contains(paths, p) {
			paths = append(paths, p)
		}
		if t.Process() != nil {
			if p := t.Process().Path(); !slices.Contains(procs, p) {
				procs = append(procs, p)
			}
		}
	}
	return paths, procs
}

// distinct returns the spans' tasks without repeats, in order.
func distinct(spans []sim.Span) []*sim.Task {
	var out []*sim.Task
	for _, sp := range spans {
		if !slices.Contains(out, sp.Task) {
			out = append(out, sp.Task)
		}
	}
	return out
}

// owner returns the task that owns a request: the writer of its first
// byte, or nil for a request with no recorded writer.
func owner(r *fakepg.Request) *sim.Task {
	for _, m := range r.Messages {
		if len(m.Writers) > 0 {
			return m.Writers[0].Task
		}
	}
	return nil
}

// replyTakers returns the parts of a request's reply range taken by each
// task, in the order they were taken: from the client's ground truth when
// ct records messages of the session's outbound stream (the tasks that
// parsed the bytes), else from the stream's reads (the tasks that read
// them from the socket). parsed reports which of the two it is.
func replyTakers(r *fakepg.Request, ct *fakepg.ClientTruth) (spans []sim.Span, parsed bool) {
	out := r.Session.Outbound
	if out == nil || r.ReplyEnd <= r.ReplyOff {
		return nil, ct != nil
	}
	if ct != nil {
		for _, m := range ct.Messages {
			if m.Stream != out {
				continue
			}
			parsed = true
			for _, rg := range m.Ranges {
				lo, hi := max(rg.Off, r.ReplyOff), min(rg.Off+int64(rg.Len), r.ReplyEnd)
				if lo < hi {
					spans = append(spans, sim.Span{Off: lo, Len: int(hi - lo), Task: m.Task})
				}
			}
		}
		if parsed {
			return spans, true
		}
	}
	return out.ReadersOf(r.ReplyOff, int(r.ReplyEnd-r.ReplyOff)), false
}

// covers reports whether ct records any message of stream s.
func covers(ct *fakepg.ClientTruth, s *sim.Stream) bool {
	if ct == nil {
		return false
	}
	for _, m := range ct.Messages {
		if m.Stream == s {
			return true
		}
	}
	return false
}
