package explore

import (
	"pgregory.net/rapid"

	"github.com/poolsim/poolsim/sim"
)

// rapidStrategy draws every decision from a *rapid.T.
type rapidStrategy struct {
	t    *rapid.T
	gens []*rapid.Generator[int] // gens[n]: IntRange(0, n-1), made on first use
}

// RapidStrategy returns a strategy whose every decision is drawn from t as
// rapid.IntRange(0, N-1): rapid records the draws, replays them from its
// fail files and shrinks them toward 0, which is "no preemption" and
// "deliver everything available", so a shrunk schedule preempts little.
//
// Choose runs on a simulated task's goroutine, one at a time. A draw that
// ends the test case (rapid's invalid-data panic when a shrink candidate
// runs out of data) panics there; the world re-panics it from World.Run on
// the goroutine that runs the property, where rapid recovers it.
func RapidStrategy(t *rapid.T) sim.Strategy {
	return &rapidStrategy{t: t}
}

// labels name the draws in rapid's log (-rapid.v).
var labels = [...]string{sim.RunDecision: "run", sim.SplitDecision: "split", sim.TimerDecision: "timer"}

// Choose draws option i in [0, d.N).
func (s *rapidStrategy) Choose(d sim.Decision) int {
	for len(s.gens) <= d.N {
		s.gens = append(s.gens, nil)
	}
	g := s.gens[d.N]
	if g == nil {
		g = rapid.IntRange(0, d.N-1)
		s.gens[d.N] = g
	}
	label := "decision"
	if int(d.Kind) < len(labels) && labels[d.Kind] != "" {
		label = labels[d.Kind]
	}
	return g.Draw(s.t, label)
}
