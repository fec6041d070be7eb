package properties

import (
	"fmt"
	"slices"
	"strings"

	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/sim"
)

// ForeignSessionState is the kind of a session-state leak: a client's
// statement ran while session state another client set was in effect.
const ForeignSessionState = "session state of another client"

// SessionStateLeak judges that no client's statement ran on a server
// session of t while session state set by another client was in effect:
// a parameter SET (not SET LOCAL) to other than its reset value, an SQL
// prepared statement, a session advisory lock, a WITH HOLD cursor (what
// fakepg.Request.State records after each request). A client is the task
// that wrote the statement (with a proxy in between, the proxy's task;
// its own clients are the proxy's to tell apart). State belongs to the
// client whose request made it appear; a request that clears every piece
// of another client's state it found (RESET ALL, DEALLOCATE, an unlock,
// a SET of its own) is the cleanup, not a leak.
//
// Each violation names the session, the client that set the state and
// the one that ran in it, their processes, the statement's offset and
// the step the server read its request at; each pair of clients on a
// session is reported once, at its first leak.
func SessionStateLeak(t *fakepg.Truth) Result {
	res := Result{Property: "session-state leak"}
	for _, s := range t.Sessions {
		stateLeaks(&res, s)
	}
	res.conclude()
	return res
}

// stateItem is one piece of session state in effect, with the client
// that set it and the step of the request that did.
type stateItem struct {
	text  string
	owner *sim.Task
	step  int
}

// stateLeaks reports the requests of s that ran in another client's
// session state.
func stateLeaks(res *Result, s *fakepg.SessionTruth) {
	var in []stateItem // the state in effect before the request
	var reported [][2]*sim.Task
	for _, r := range s.Requests {
		who, off := requestClient(r)
		if who != nil && len(in) > 0 {
			var foreign []stateItem
			for _, it := range in {
				if it.owner != who && (r.Unfinished || slices.Contains(r.State, it.text)) {
					foreign = append(foreign, it)
				}
			}
			if len(foreign) > 0 && !slices.Contains(reported, [2]*sim.Task{foreign[0].owner, who}) {
				reported = append(reported, [2]*sim.Task{foreign[0].owner, who})
				res.Violations = append(res.Violations, leak(s, r, who, off, foreign))
			}
		}
		if r.TxStatus != 0 || r.Unfinished {
			in = carryState(in, r, who)
		}
	}
}

// leak describes the request r of client who running in the foreign
// state of the first setter's.
func leak(s *fakepg.SessionTruth, r *fakepg.Request, who *sim.Task, off int64, foreign []stateItem) Violation {
	setter := foreign[0].owner
	var texts []string
	for _, it := range foreign {
		if it.owner == setter {
			texts = append(texts, it.text)
		}
	}
	tasks, procs := involved(setter, who)
	return Violation{
		Kind: ForeignSessionState, Session: s.Name(), Tasks: tasks, Processes: procs,
		Offset: off, Step: r.Step,
		Detail: fmt.Sprintf("%s's statement ran with %s's %s (set at step %d) in effect",
			pathOf(who), pathOf(setter), strings.Join(texts, ", "), foreign[0].step),
	}
}

// carryState returns the state in effect after r: each item r.State
// lists keeps the owner it had before, a new one is the client's who
// (or, for a request that ran no statement, its first writer's).
func carryState(in []stateItem, r *fakepg.Request, who *sim.Task) []stateItem {
	if who == nil {
		if ss := r.Senders(); len(ss) > 0 {
			who = ss[0]
		}
	}
	var out []stateItem
	for _, text := range r.State {
		i := slices.IndexFunc(in, func(it stateItem) bool { return it.text == text })
		if i >= 0 {
			out = append(out, in[i])
		} else {
			out = append(out, stateItem{text: text, owner: who, step: r.Step})
		}
	}
	return out
}

// requestClient returns the client of r's first statement and that
// statement's offset, or nil when r runs none.
func requestClient(r *fakepg.Request) (*sim.Task, int64) {
	for _, m := range r.Messages {
		if t := statementTask(m); t != nil {
			return t, m.Off
		}
	}
	return nil, -1
}
