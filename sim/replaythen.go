package sim

import "fmt"

// ReplayThenStrategy replays a schedule for as long as it fits the run and
// then hands every later decision to another strategy. It is how a schedule
// recorded before a change to the code is carried over: the prefix that
// still fits is kept, the rest is taken afresh.
type ReplayThenStrategy struct {
	s        *Schedule
	next     Strategy
	matched  int  // recorded decisions replayed
	switched bool // the schedule stopped fitting or ran out; next decides
	diverged bool // it stopped fitting, as opposed to running out
	reason   string
}

// ReplayThen replays s while its decisions fit the run, then takes every
// later decision from next. A recorded decision fits when its kind and
// option count equal the run's; from the first that does not, or once s is
// exhausted, next decides for the rest of the run. A nil next means Zeros.
func ReplayThen(s *Schedule, next Strategy) *ReplayThenStrategy {
	if next == nil {
		next = Zeros()
	}
	return &ReplayThenStrategy{s: s, next: next}
}

// Choose returns the next recorded choice while the schedule fits d, and
// next's choice from then on.
func (r *ReplayThenStrategy) Choose(d Decision) int {
	if !r.switched {
		if r.matched < len(r.s.Decisions) {
			c := r.s.Decisions[r.matched]
			ok, why := c.fits(d)
			if ok {
				r.matched++
				return c.Choice
			}
			r.diverged = true
			r.reason = fmt.Sprintf("decision %d at step %d: %s", d.Index, d.Step, why)
		}
		r.switched = true
	}
	return r.next.Choose(d)
}

// Matched returns how many recorded decisions were replayed before the
// schedule stopped fitting (or ran out).
func (r *ReplayThenStrategy) Matched() int { return r.matched }

// Diverged reports whether the run asked for a decision the schedule could
// not answer (a kind or option-count mismatch, as opposed to simply running
// out), and describes the first mismatch the way Replay's divergence does:
// "decision 4 at step 17: recorded run 1/2, the run offers split with 3
// options".
func (r *ReplayThenStrategy) Diverged() (bool, string) { return r.diverged, r.reason }
