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
