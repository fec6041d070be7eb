package properties

import (
	"fmt"
	"sort"

	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/sim"
)

// The kinds of session violation.
const (
	// OverBudget: more server sessions were open at once than the budget.
	OverBudget = "over connection budget"
	// LeakedSession: a server session was still open when the run ended.
	LeakedSession = "leaked session"
	// RefusedSession: the server refused a session because every one it
	// allows was taken (SQLSTATE 53300).
	RefusedSession = "session refused: too many clients"
)

// Peak returns the largest number of admitted sessions of t open at once
// and the first step at which that many were open (0 when none was). A
// session counts from its admission to its end; one still open when the
// run ended counts to the end. Sessions that end at a step are counted
// out before those admitted at the same step.
func Peak(t *fakepg.Truth) (peak, step int) {
	type event struct {
		step, delta int
	}
	var evs []event
	for _, s := range t.Sessions {
		if s.PID == 0 {
			continue
		}
		evs = append(evs, event{s.AdmitStep, +1})
		if s.End != fakepg.SessionOpen && s.End != fakepg.EndRunEnded {
			evs = append(evs, event{s.EndStep, -1})
		}
	}
	sort.SliceStable(evs, func(i, j int) bool {
		if evs[i].step != evs[j].step {
			return evs[i].step < evs[j].step
		}
		return evs[i].delta < evs[j].delta
	})
	open := 0
	for _, e := range evs {
		open += e.delta
		if open > peak {
			peak, step = open, e.step
		}
	}
	return peak, step
}

// ConnectionBudget judges the deployment's demand for server sessions
// against limit: it is violated when more than limit sessions of t were
// open at once (at the step of the admission that went over, naming that
// session), and by every session the server refused with FATAL 53300
// ("sorry, too many clients already", or the slots left reserved for
// superusers), at the refusal's step: the deployment needed more sessions
// than the server had. Violations are in step order.
func ConnectionBudget(t *fakepg.Truth, limit int) Result {
	res := Result{Property: "connection budget"}
	peak, step := Peak(t)
	if peak > limit {
		v := Violation{Kind: OverBudget, Offset: -1, Step: step,
			Detail: fmt.Sprintf("%d sessions open at once, budget %d", peak, limit)}
		for _, s := range t.Sessions {
			if s.PID != 0 && s.AdmitStep == step {
				v.Session = s.Name()
				v.Tasks, v.Processes = involved(append(opener(s), s.Backend)...)
				break
			}
		}
		res.Violations = append(res.Violations, v)
	}
	for _, s := range t.Sessions {
		if s.End != fakepg.EndTooManyConnections {
			continue
		}
		tasks, procs := involved(append(opener(s), s.Backend)...)
		res.Violations = append(res.Violations, Violation{
			Kind: RefusedSession, Session: s.Name(), Tasks: tasks, Processes: procs, Offset: -1, Step: s.EndStep,
			Detail: fmt.Sprintf("refused with FATAL %s %q: the deployment needed more than the server's sessions", s.EndCode, s.EndDetail),
		})
	}
	sort.SliceStable(res.Violations, func(i, j int) bool { return res.Violations[i].Step < res.Violations[j].Step })
	res.conclude()
	return res
}

// LeakedSessions judges that every admitted server session of t had
// ended when the run ended: one still open, or ended only by the end of
// the run, is a leak.
func LeakedSessions(t *fakepg.Truth) Result {
	res := Result{Property: "leaked sessions"}
	for _, s := range t.Sessions {
		if s.PID == 0 || (s.End != fakepg.SessionOpen && s.End != fakepg.EndRunEnded) {
			continue
		}
		tasks, procs := involved(append(opener(s), s.Backend)...)
		res.Violations = append(res.Violations, Violation{
			Kind: LeakedSession, Session: s.Name(), Tasks: tasks, Processes: procs,
			Offset: -1, Step: s.AdmitStep,
			Detail: fmt.Sprintf("session of user %q admitted at step %d still open at the end (%s)", s.User, s.AdmitStep, s.End),
		})
	}
	res.conclude()
	return res
}

// opener returns the tasks that wrote the session's startup packets: the
// client that opened it.
func opener(s *fakepg.SessionTruth) []*sim.Task {
	var spans []sim.Span
	for _, m := range s.Startup {
		spans = append(spans, m.Writers...)
	}
	return sim.SpanTasks(spans)
}
