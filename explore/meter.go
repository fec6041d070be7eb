package explore

import (
	"fmt"

	"github.com/poolsim/poolsim/sim"
)

// Size is what a run's decisions measure: the k and n of PCT's bound and
// the choices that lie outside it.
type Size struct {
	// RunDecisions are the decisions that chose the next task (PCT's k).
	RunDecisions int
	// SplitDecisions and TimerDecisions are the data choices: how many
	// bytes a read returned, which of simultaneous timers fired first.
	SplitDecisions, TimerDecisions int
	// Tasks is the number of tasks the run created (PCT's n).
	Tasks int
}

// max returns the larger of s and o in every field.
func (s Size) max(o Size) Size {
	return Size{RunDecisions: max(s.RunDecisions, o.RunDecisions),
		SplitDecisions: max(s.SplitDecisions, o.SplitDecisions),
		TimerDecisions: max(s.TimerDecisions, o.TimerDecisions),
		Tasks:          max(s.Tasks, o.Tasks)}
}

// meter counts the decisions a strategy takes, by kind.
type meter struct {
	sim.Strategy
	size Size
	last sim.Decision // the last decision asked
	took int          // and the choice taken
}

// Choose counts d and lets the wrapped strategy decide.
func (m *meter) Choose(d sim.Decision) int {
	switch d.Kind {
	case sim.RunDecision:
		m.size.RunDecisions++
	case sim.SplitDecision:
		m.size.SplitDecisions++
	case sim.TimerDecision:
		m.size.TimerDecisions++
	}
	m.last = d
	m.took = m.Strategy.Choose(d)
	return m.took
}

// Divergence forwards the wrapped strategy's explanation of an invalid
// choice, or says what the choice was.
func (m *meter) Divergence() string {
	if dv, ok := m.Strategy.(sim.Diverger); ok {
		return dv.Divergence()
	}
	return fmt.Sprintf("strategy chose %d of %d %s options", m.took, m.last.N, m.last.Kind)
}
