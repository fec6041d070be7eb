package sim

import (
	"math/rand/v2"
	"slices"
)

// DefaultPCTHorizon is the number of steps over which PCT spreads its
// priority change points when no horizon is given.
const DefaultPCTHorizon = 1000

// PCTStrategy is probabilistic concurrency testing: Burckhardt, Kothari,
// Musuvathi and Nagarakatte, "A Randomized Scheduler with Probabilistic
// Guarantees of Finding Bugs", ASPLOS 2010.
//
// Every task gets a random priority of at least depth when it is first seen;
// depth-1 change points are drawn uniformly from [1, Horizon]. At each run
// decision the runnable task with the highest priority runs; when the step
// counter passes the i-th change point, the task running at that moment drops
// to priority i, below every initial priority. A bug of depth d (one that
// needs d ordering constraints) in a run of at most Horizon steps with n tasks
// is found with probability at least 1/(n*Horizon^(d-1)).
//
// Split and timer decisions are drawn uniformly from the same generator.
type PCTStrategy struct {
	// Horizon bounds the steps over which change points are spread. It is
	// read at the first decision; set it before the run starts.
	Horizon int

	depth    int
	rng      *rand.Rand
	prio     map[*Task]int64 // lookup only; never iterated
	changes  []int           // step of change point i+1, ascending
	applied  int             // change points already applied
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

// Choose runs the highest-priority runnable task, applying change points
// first; other kinds of decision are uniform.
func (p *PCTStrategy) Choose(d Decision) int {
	if !p.prepared {
		p.prepare()
	}
	if d.Kind != RunDecision {
		return p.rng.IntN(d.N)
	}
	for p.applied < len(p.changes) && p.changes[p.applied] <= d.Step {
		p.applied++
		if cur := d.Current(); cur != nil {
			p.prio[cur] = int64(p.applied)
		}
	}
	best, bestPrio := 0, int64(-1)
	for i := range d.N {
		t := d.Task(i)
		pr := p.priority(t)
		if pr > bestPrio || (pr == bestPrio && t.ID() < d.Task(best).ID()) {
			best, bestPrio = i, pr
		}
	}
	return best
}
