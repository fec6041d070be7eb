package explore

import "github.com/poolsim/poolsim/sim"

// LenientStrategy replays a schedule that need not fit the run: one a
// shrinker changed by zeroing or dropping choices. It never ends a run as
// diverged.
//
// It keeps one cursor per kind of decision, so a dropped run choice shifts
// the later run choices and leaves the split choices where they were. A
// decision takes the next recorded choice of its kind:
//
//   - a recorded 0 is taken as 0 (no preemption; deliver everything);
//   - a non-zero run choice that names a task runs that task when it is
//     among the options (wherever its option now is), and takes 0 when it
//     is not (a switch to a task that cannot run is dropped);
//   - any other choice is taken when it is within the options, and as 0
//     when it is not;
//   - once the recorded choices of a kind run out, every later decision
//     of that kind takes 0.
//
// sim.ReplayThen does not do this: it leaves the schedule for good at the
// first choice that does not fit, so a change early in a schedule would
// lose everything after it. Replaying an unchanged schedule leniently is
// the same as replaying it strictly.
type LenientStrategy struct {
	recorded [4][]sim.Choice // by kind
	next     [4]int
	// Adjusted counts the choices not taken as recorded: moved to their
	// task's new option, or taken as 0 for not fitting.
	Adjusted int
}

// Lenient returns a strategy that replays s leniently.
func Lenient(s *sim.Schedule) *LenientStrategy {
	l := &LenientStrategy{}
	for _, c := range s.Decisions {
		if int(c.Kind) < len(l.recorded) {
			l.recorded[c.Kind] = append(l.recorded[c.Kind], c)
		}
	}
	return l
}

// Choose returns the next recorded choice of d's kind, fitted to d.
func (l *LenientStrategy) Choose(d sim.Decision) int {
	k := int(d.Kind)
	if k >= len(l.recorded) || l.next[k] >= len(l.recorded[k]) {
		return 0
	}
	c := l.recorded[k][l.next[k]]
	l.next[k]++
	switch {
	case c.Choice == 0:
		return 0
	case d.Kind == sim.RunDecision && c.Task != "":
		if c.Choice < d.N && d.Task(c.Choice).Path() == c.Task {
			return c.Choice
		}
		l.Adjusted++
		for i := range d.N {
			if d.Task(i).Path() == c.Task {
				return i
			}
		}
		return 0
	case c.Choice < d.N:
		return c.Choice
	}
	l.Adjusted++
	return 0
}
