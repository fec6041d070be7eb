package explore

import (
	"fmt"
	"slices"

	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/verdict"
)

// DefaultShrinkRuns is the number of runs Shrink may spend when the target
// sets none.
const DefaultShrinkRuns = 2000

// Stats says what shrinking did.
type Stats struct {
	// Runs is the number of runs spent, the first replay of the given
	// schedule and the final strict replay of the shrunk one included;
	// Accepted the number of changes kept.
	Runs, Accepted int
	// Before and After count the non-zero choices of the given and of the
	// shrunk schedule; DecisionsBefore and DecisionsAfter all their
	// choices.
	Before, After                   int
	DecisionsBefore, DecisionsAfter int
	// Violated is the violation kept: the counted properties the given
	// schedule's run violated.
	Violated []string
	// Exhausted says that the run budget ran out before no single change
	// could be made.
	Exhausted bool
	// Err says why nothing was shrunk (the schedule shows no counted
	// violation) or why the shrunk schedule did not replay strictly to
	// the same violation and trace hash (a bug, if it happens).
	Err string
}

// String renders the stats on one line.
func (s Stats) String() string {
	out := fmt.Sprintf("%d -> %d non-zero choices (%d -> %d decisions) in %d runs, %d changes kept",
		s.Before, s.After, s.DecisionsBefore, s.DecisionsAfter, s.Runs, s.Accepted)
	if s.Exhausted {
		out += ", budget exhausted"
	}
	if s.Err != "" {
		out += ": " + s.Err
	}
	return out
}

// NonZero counts the non-zero choices of s: its preemptions and splits,
// the measure shrinking reduces.
func NonZero(s *sim.Schedule) int {
	n := 0
	for _, c := range s.Decisions {
		if c.Choice != 0 {
			n++
		}
	}
	return n
}

// Shrink reduces a counterexample of t, found by any strategy, to a
// schedule with fewer non-zero choices that shows the same violation: the
// same counted properties violated (Target.Counted), no more and no
// fewer.
//
// It is delta debugging (Zeller and Hildebrandt's ddmin) over the
// schedule's non-zero choices. It first tries them all zeroed (no
// preemption, no split: one run settles a violation that needs none).
// Then, with the non-zero choices split into n chunks, it tries to keep
// only one chunk (zeroing the other non-zero choices), to zero one chunk,
// and to drop one chunk's decisions altogether; a change that keeps the
// violation and lowers the count of non-zero choices is kept and n
// shrinks, otherwise n doubles, until n reaches the number of non-zero
// choices and no single one can be zeroed or dropped. Candidates replay
// leniently (Lenient); each kept one is re-recorded from its run, so the
// schedule shrunk further, and the one returned, replay strictly. The
// result is checked by a strict replay (Replay), whose verdict is
// returned: the same violation, and the trace hash the header records.
//
// The workload seed and split policy come from s's header. Shrinking
// spends at most t.ShrinkRuns runs (DefaultShrinkRuns).
func Shrink(t Target, s *sim.Schedule) (*sim.Schedule, verdict.Verdict, Stats) {
	st := Stats{Before: NonZero(s), DecisionsBefore: len(s.Decisions)}
	budget := t.ShrinkRuns
	if budget <= 0 {
		budget = DefaultShrinkRuns
	}
	tt, err := forSchedule(t, s)
	if err != nil {
		st.Err = err.Error()
		return s, verdict.Verdict{}, st
	}
	run, v := Attempt(tt, Lenient(s))
	st.Runs++
	st.Violated = t.Counted(&v)
	if len(st.Violated) == 0 {
		st.Err = "the schedule shows no counted violation"
		st.After, st.DecisionsAfter = st.Before, st.DecisionsBefore
		return s, v, st
	}
	cur := run.Schedule()
	try := func(cand *sim.Schedule) bool {
		if st.Runs >= budget-1 { // keep one run for the final replay
			st.Exhausted = true
			return false
		}
		st.Runs++
		run, v := Attempt(tt, Lenient(cand))
		if !slices.Equal(t.Counted(&v), st.Violated) {
			return false
		}
		rec := run.Schedule()
		if NonZero(rec) >= NonZero(cur) {
			return false
		}
		cur = rec
		st.Accepted++
		return true
	}
	if idx := nonZeroAt(cur); len(idx) > 0 {
		try(zeroed(cur, idx)) // the no-preemption schedule first: one run when it suffices
	}
	n := 2
	for !st.Exhausted {
		idx := nonZeroAt(cur)
		if len(idx) == 0 {
			break
		}
		n = min(n, len(idx))
		chunks := chunked(idx, n)
		kept := false
		if n > 2 {
			for _, c := range chunks {
				if kept = try(keepOnly(cur, idx, c)); kept {
					n = 2
					break
				}
			}
		}
		for _, c := range chunks {
			if kept {
				break
			}
			if kept = try(zeroed(cur, c)) || try(dropped(cur, c)); kept {
				n = max(n-1, 2)
			}
		}
		if kept {
			continue
		}
		if n >= len(idx) {
			break
		}
		n = min(2*n, len(idx))
	}
	st.After, st.DecisionsAfter = NonZero(cur), len(cur.Decisions)
	run, v, err = Replay(tt, cur)
	st.Runs++
	switch {
	case err != nil:
		st.Err = "the shrunk schedule does not replay: " + err.Error()
	case !slices.Equal(t.Counted(&v), st.Violated):
		st.Err = fmt.Sprintf("the shrunk schedule replays to %q, not %q", t.Counted(&v), st.Violated)
	case run.Hash() != cur.Hash:
		st.Err = fmt.Sprintf("the shrunk schedule replays to trace hash %016x, not %016x", run.Hash(), cur.Hash)
	}
	return cur, v, st
}

// nonZeroAt returns the indices of s's non-zero choices.
func nonZeroAt(s *sim.Schedule) []int {
	var out []int
	for i, c := range s.Decisions {
		if c.Choice != 0 {
			out = append(out, i)
		}
	}
	return out
}

// chunked splits idx into n chunks of nearly equal length, in order.
func chunked(idx []int, n int) [][]int {
	out := make([][]int, 0, n)
	for i := range n {
		lo, hi := i*len(idx)/n, (i+1)*len(idx)/n
		if lo < hi {
			out = append(out, idx[lo:hi])
		}
	}
	return out
}

// withDecisions returns a copy of s's header with the given decisions.
func withDecisions(s *sim.Schedule, cs []sim.Choice) *sim.Schedule {
	c := *s
	c.Decisions, c.Hash = cs, 0
	return &c
}

// zeroed returns s with the choices at idx set to 0.
func zeroed(s *sim.Schedule, idx []int) *sim.Schedule {
	cs := slices.Clone(s.Decisions)
	for _, i := range idx {
		cs[i].Choice, cs[i].Task = 0, ""
	}
	return withDecisions(s, cs)
}

// keepOnly returns s with the non-zero choices at all (the schedule's
// non-zero indices) set to 0 except those at keep.
func keepOnly(s *sim.Schedule, all, keep []int) *sim.Schedule {
	var drop []int
	for _, i := range all {
		if !slices.Contains(keep, i) {
			drop = append(drop, i)
		}
	}
	return zeroed(s, drop)
}

// dropped returns s without the decisions at idx (ascending).
func dropped(s *sim.Schedule, idx []int) *sim.Schedule {
	cs := make([]sim.Choice, 0, len(s.Decisions)-len(idx))
	j := 0
	for i, c := range s.Decisions {
		if j < len(idx) && idx[j] == i {
			j++
			continue
		}
		cs = append(cs, c)
	}
	return withDecisions(s, cs)
}
