package verify

import "github.com/poolsim/poolsim/sim"

// sleepSetSearch is a foil: the classic sleep-set reduction pruned naively
// by the delay bound, as Coons, Musuvathi and McKinley show unsound. At a
// run decision, an option whose task's step is in the sleep set is not
// explored; after exploring option i, its step sleeps in the subtrees of
// the later options until a step dependent with it (sim.Dependent) runs.
// A run in which a sleeping task must run (no other option within the
// bound) is abandoned. It returns the final-state fingerprints and the
// violations it reached.
func sleepSetSearch(program Program, bound int) (states map[uint64]bool, violations map[string]bool) {
	s := &sleepSearch{bound: bound}
	states, violations = map[uint64]bool{}, map[string]bool{}
	for {
		s.reset()
		out := program.Run(s, sim.OnStep(s.step))
		if !s.pruned {
			states[out.Fingerprint] = true
			if out.Violation != "" {
				violations[out.Violation] = true
			}
		}
		if !s.backtrack() {
			return states, violations
		}
	}
}

type sleepNode struct {
	kind   sim.Kind
	n      int
	choice int
	d      int
	asleep []bool // options whose step sleeps here
}

type sleepSearch struct {
	bound  int
	stack  []sleepNode
	sleep  []sim.Op // the sleeping steps now
	pruned bool
	next   int // decisions taken this run
}

func (s *sleepSearch) reset() {
	s.sleep, s.pruned, s.next = s.sleep[:0], false, 0
}

// step wakes the sleepers dependent with a step that runs, and abandons
// the run when a sleeping task runs.
func (s *sleepSearch) step(op sim.Op) {
	if op.Task == nil && op.Access == 0 {
		return
	}
	kept := s.sleep[:0]
	for _, z := range s.sleep {
		if op.Task != nil && z.Task == op.Task {
			s.pruned = true
			continue
		}
		if !sim.Dependent(z, op) {
			kept = append(kept, z)
		}
	}
	s.sleep = kept
}

func (s *sleepSearch) Choose(d sim.Decision) int {
	if s.pruned {
		return -1
	}
	i := s.next
	s.next++
	if i == len(s.stack) {
		nd := sleepNode{kind: d.Kind, n: d.N, asleep: make([]bool, d.N)}
		if i > 0 {
			p := &s.stack[i-1]
			nd.d = p.d
			if p.kind != sim.SplitDecision && p.choice != 0 {
				nd.d++
			}
		}
		if d.Kind == sim.RunDecision {
			for j := range d.N {
				for _, z := range s.sleep {
					if z.Task == d.Task(j) {
						nd.asleep[j] = true
					}
				}
			}
		}
		nd.choice = -1
		s.stack = append(s.stack, nd)
		c := s.first(i)
		if c < 0 {
			s.stack = s.stack[:i]
			s.pruned = true
			return -1
		}
		s.stack[i].choice = c
	}
	nd := &s.stack[i]
	if d.Kind == sim.RunDecision {
		// the options explored before this one sleep below it
		for j := 0; j < nd.choice; j++ {
			if !nd.asleep[j] && s.fits(nd, j) {
				s.sleep = append(s.sleep, d.Op(j))
			}
		}
	}
	return nd.choice
}

func (s *sleepSearch) fits(nd *sleepNode, c int) bool {
	return nd.kind == sim.SplitDecision || c == 0 || nd.d+1 <= s.bound
}

// first returns the first option of node i to explore after its current
// choice, or -1.
func (s *sleepSearch) first(i int) int {
	nd := &s.stack[i]
	for c := nd.choice + 1; c < nd.n; c++ {
		if nd.kind == sim.SplitDecision && c > 0 {
			return -1 // splits are not explored
		}
		if s.fits(nd, c) && !nd.asleep[c] {
			return c
		}
	}
	return -1
}

func (s *sleepSearch) backtrack() bool {
	for len(s.stack) > 0 {
		t := len(s.stack) - 1
		if c := s.first(t); c >= 0 {
			s.stack[t].choice = c
			return true
		}
		s.stack = s.stack[:t]
	}
	return false
}
