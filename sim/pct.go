package sim

import (
	"math/rand/v2"
	"slices"
)

// DefaultPCTHorizon is the number of run decisions over which PCT spreads
// its priority change points when no horizon is given. Explorers should
// set Horizon to the number of run decisions a run of the scenario takes
// (measured), since PCT's guarantee holds only when the horizon covers the
// run.
const DefaultPCTHorizon = 20000

// PCTStrategy is probabilistic concurrency testing: Burckhardt, Kothari,
// Musuvathi and Nagarakatte, "A Randomized Scheduler with Probabilistic
// Guarantees of Finding Bugs", ASPLOS 2010.
//
// Every task gets a random priority of at least depth when it is first seen;
// depth-1 change points are drawn uniformly from [1, Horizon]. Steps are
// counted in run decisions (the points at which more than one task could
// run, which are exactly the points where an ordering can be forced). At
// each run decision the runnable task with the highest priority runs; at
// the run decision numbered by the i-th change point, before choosing, the
// task that was about to run (the one that reached the decision point, or
// ran last) drops to priority i, below every initial priority. A bug of
// depth d (one that needs d ordering constraints) in a run of at most
// Horizon run decisions with n tasks is found with probability at least
// 1/(n*Horizon^(d-1)).
//
// Split and timer decisions are drawn uniformly from the same generator;
// they are outside PCT's guarantee.
type PCTStrategy struct {
	// Horizon bounds the run decisions over which change points are
	// spread. It is read at the first decision; set it before the run
	// starts.
	Horizon int

	depth    int
	rng      *rand.Rand
	prio     map[*Task]int64 // lookup only; never iterated
	changes  []int           // run-decision ordinal of change point i+1, ascending
	applied  int             // change points already applied
	runs     int             // run decisions taken so far
	prepared bool
}

// PCT returns a PCT strategy of the given depth (at least 1: depth 1 means
// no change points, just random fixed priorities) seeded with seed.
func PCT(seed uint64, depth int) *PCTStrategy {
	if depth < 1 {
		depth = 1
	}
	return &PCTStrategy{
		Horizon: DefaultPCTHorizon,
		depth:   depth,
		rng:     rand.New(rand.NewPCG(seed, 0x706374)),
		prio:    map[*Task]int64{},
	}
}

// Depth returns the strategy's depth.
func (p *PCTStrategy) Depth() int { return p.depth }

// RunDecisions returns the number of run decisions taken so far: after a
// run, the k of PCT's bound for that run.
func (p *PCTStrategy) RunDecisions() int { return p.runs }

func (p *PCTStrategy) prepare() {
	p.prepared = true
	h := max(p.Horizon, 1)
	for range p.depth - 1 {
		p.changes = append(p.changes, 1+p.rng.IntN(h))
	}
	slices.Sort(p.changes)
}

// priority returns t's priority, assigning a random initial one (above every
// change-point priority) the first time t is seen.
func (p *PCTStrategy) priority(t *Task) int64 {
	pr, ok := p.prio[t]
	if !ok {
		pr = int64(p.depth) + p.rng.Int64N(1<<40)
		p.prio[t] = pr
	}
	return pr
}

// highest returns the option whose task has the highest priority.
func (p *PCTStrategy) highest(d Decision) int {
	best, bestPrio, bestID := 0, int64(-1), 0
	for i := range d.N {
		t := d.Task(i)
		pr := p.priority(t)
		if pr > bestPrio || (pr == bestPrio && t.ID() < bestID) {
			best, bestPrio, bestID = i, pr, t.ID()
		}
	}
	return best
}

// Choose runs the highest-priority runnable task, applying the change
// points that fall on this run decision first; other kinds of decision
// are uniform.
func (p *PCTStrategy) Choose(d Decision) int {
	if !p.prepared {
		p.prepare()
	}
	if d.Kind != RunDecision {
		return p.rng.IntN(d.N)
	}
	p.runs++
	best := p.highest(d)
	for p.applied < len(p.changes) && p.changes[p.applied] <= p.runs {
		p.applied++
		p.prio[d.Task(best)] = int64(p.applied)
		best = p.highest(d)
	}
	return best
}
