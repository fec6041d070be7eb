package explore

import (
	"fmt"
	"math"
)

// MissBound is PCT's bound (Burckhardt, Kothari, Musuvathi and
// Nagarakatte, ASPLOS 2010) on the probability that r independent PCT
// runs of depth d all missed a bug of depth d, in a program with at most
// n tasks whose runs take at most k scheduling steps:
//
//	(1 - 1/(n * k^(d-1)))^r
//
// since each run finds such a bug with probability at least
// 1/(n*k^(d-1)). It returns 1 (no guarantee) for r = 0 or parameters
// below 1.
func MissBound(n, k, d, r int) float64 {
	if r <= 0 || n < 1 || k < 1 || d < 1 {
		return 1
	}
	p := 1 / (float64(n) * math.Pow(float64(k), float64(d-1)))
	if p >= 1 {
		return 0
	}
	return math.Exp(float64(r) * math.Log1p(-p)) // exact for tiny p, where 1-p rounds
}

// PCTBound is PCT's miss bound for one bug depth over an exploration,
// with whether its preconditions hold.
type PCTBound struct {
	// Depth is the bug depth d; Runs the PCT runs of that depth (r).
	Depth, Runs int
	// Tasks is n, the most tasks any run created; Horizon the k of the
	// formula: the horizon the change points were drawn over, which
	// covers every run's run decisions when the bound applies (the
	// measured k may be smaller; the guarantee is in the horizon's terms).
	Tasks, Horizon int
	// Miss is the bound; meaningful only when Applies.
	Miss float64
	// Applies says whether the preconditions hold: no violation was found,
	// the runs were PCT runs of this depth, and the horizon covers every
	// run's run decisions.
	Applies bool
	// OrderingsOnly says that the runs also took split or timer decisions
	// (data choices PCT draws uniformly, outside its guarantee): the bound
	// then covers only bugs that show whatever those choices are, given
	// their ordering constraints.
	OrderingsOnly bool
	// Why says why the bound does not apply, or what it covers.
	Why string
}

// String renders the bound on one line.
func (b PCTBound) String() string {
	if !b.Applies {
		return fmt.Sprintf("depth %d: does not apply: %s", b.Depth, b.Why)
	}
	return fmt.Sprintf("depth %d: P(missed) <= %.4g after %d runs (n=%d, k=%d): %s", b.Depth, b.Miss, b.Runs, b.Tasks, b.Horizon, b.Why)
}

// pctBounds returns the bounds for depths 1 to 3 of an exploration whose
// runs of depth d number runs[d], drawn over horizon, measuring at most
// size; found says whether a counted violation was found.
func pctBounds(runs [4]int, horizon int, size Size, found bool) []PCTBound {
	var out []PCTBound
	for d := 1; d <= 3; d++ {
		b := PCTBound{Depth: d, Runs: runs[d], Tasks: size.Tasks, Horizon: horizon}
		switch {
		case found:
			b.Why = "a violation was found"
		case runs[d] == 0:
			b.Why = fmt.Sprintf("no run had PCT depth %d", d)
		case size.RunDecisions > horizon:
			b.Why = fmt.Sprintf("a run took %d run decisions, beyond the horizon %d", size.RunDecisions, horizon)
		default:
			b.Applies = true
			b.Miss = MissBound(size.Tasks, horizon, d, runs[d])
			b.Why = "covers every schedule of the runs' tasks"
			if size.SplitDecisions > 0 || size.TimerDecisions > 0 {
				b.OrderingsOnly = true
				b.Why = fmt.Sprintf("orderings only: runs took up to %d split and %d timer decisions, drawn uniformly, outside the bound",
					size.SplitDecisions, size.TimerDecisions)
			}
		}
		out = append(out, b)
	}
	return out
}
