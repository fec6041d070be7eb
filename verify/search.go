package verify

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/poolsim/poolsim/sim"
)

// node is one decision on the current path of the search.
type node struct {
	kind   sim.Kind
	n      int    // options
	choice int    // the option taken now
	d, s   int    // delays and splits used before this node
	key    uint64 // the node's cache key (reduction only)
	who    uint32 // the task that fixes what its choices do (see traceFingerprint.key)
	// zeroOnly says an explored node covers the node's alternatives: only
	// its choice 0 is left to explore
	zeroOnly bool
}

// cost returns the delays and splits taking choice c of a node of kind k
// uses.
func cost(k sim.Kind, c int) (d, s int) {
	if c == 0 {
		return 0, 0
	}
	if k == sim.SplitDecision {
		return 0, 1
	}
	return 1, 0
}

// explorer is the search: the strategy of every run (it replays the path
// so far and extends it with choice 0) and the depth-first backtracking
// between runs.
type explorer struct {
	cfg   Config
	trace traceFingerprint
	cache *cache
	stack []node
	// firstNonZero is the lowest index of a node whose choice is not 0:
	// the nodes above it are on the spine.
	firstNonZero int
	// owners deals the spine's alternatives to shards: the number of
	// alternatives on the spine before each node.
	owners []int

	// per run
	prefix  int    // nodes replayed this run
	seen    int    // decisions taken this run
	pruned  bool   // the run was ended at a covered node
	nondet  string // why a replay did not fit
	started bool   // the spine has been run
}

// Choose replays the path's choices and takes choice 0 at every new node,
// unless the reduction finds the node covered: then it ends the run.
func (x *explorer) Choose(d sim.Decision) int {
	i := d.Index
	x.seen = i + 1
	var c int
	if i < len(x.stack) {
		nd := &x.stack[i]
		if nd.kind != d.Kind || nd.n != d.N {
			x.nondet = fmt.Sprintf("decision %d at step %d: the path recorded %s with %d options, the run offers %s with %d",
				i, d.Step, nd.kind, nd.n, d.Kind, d.N)
			return -1
		}
		c = nd.choice
	} else {
		var used, splits int
		if i > 0 {
			p := &x.stack[i-1]
			dd, ds := cost(p.kind, p.choice)
			used, splits = p.d+dd, p.s+ds
		}
		var key uint64
		var who uint32
		var rest bool
		if x.cfg.Reduction {
			key, who = x.trace.key(d)
			if x.started {
				var all bool
				if all, rest = x.cache.covers(key, used, splits, who); all {
					x.pruned = true
					return -1
				}
			}
		}
		x.stack = append(x.stack, node{kind: d.Kind, n: d.N, d: used, s: splits, key: key, who: who, zeroOnly: rest})
	}
	x.trace.chose(d, c)
	return c
}

// options returns the options with which the search runs its program:
// the step hook and a way to reach the world it creates.
func (x *explorer) options() []sim.Option {
	return []sim.Option{
		func(w *sim.World) { x.trace.reset(w) },
		sim.OnStep(x.trace.step),
	}
}

// fits reports whether choice c of node i is within the bounds and, on
// the spine of a sharded search, belongs to this shard.
func (x *explorer) fits(i, c int) bool {
	nd := &x.stack[i]
	dd, ds := cost(nd.kind, c)
	if nd.d+dd > x.cfg.Bound || nd.s+ds > x.cfg.SplitBound {
		return false
	}
	if sh := x.cfg.Shard; !sh.whole() && c > 0 && x.firstNonZero >= i {
		return (x.owners[i]+c-1)%sh.N == sh.K
	}
	return true
}

// inBound returns the alternatives (non-zero choices) of a spine node
// within the bounds.
func (x *explorer) inBound(nd *node) int {
	dd, ds := cost(nd.kind, 1)
	if dd > x.cfg.Bound || ds > x.cfg.SplitBound {
		return 0
	}
	return nd.n - 1
}

// spineDone deals the spine's alternatives once the first run found it.
func (x *explorer) spineDone() {
	x.started = true
	x.owners = make([]int, len(x.stack))
	sum := 0
	for i := range x.stack {
		x.owners[i] = sum
		sum += x.inBound(&x.stack[i])
	}
}

// backtrack moves to the next path in depth-first order: the deepest node
// with an alternative left takes it, the nodes below it are dropped. Every
// node left behind has had its whole subtree explored (or pruned as
// covered), so the reduction may record it. It reports false when no node
// has an alternative left.
func (x *explorer) backtrack() bool {
	for len(x.stack) > 0 {
		t := len(x.stack) - 1
		nd := &x.stack[t]
		for c := nd.choice + 1; c < nd.n && !nd.zeroOnly; c++ {
			if x.fits(t, c) {
				nd.choice = c
				x.firstNonZero = min(x.firstNonZero, t)
				return true
			}
		}
		if x.cfg.Reduction && (x.cfg.Shard.whole() || x.firstNonZero < t) {
			// on a sharded search a spine node's subtree is shared: only
			// nodes inside this shard's subtrees are fully explored here
			x.cache.add(nd.key, nd.d, nd.s, nd.who)
		}
		if x.firstNonZero == t {
			x.firstNonZero = math.MaxInt
		}
		x.stack = x.stack[:t]
	}
	return false
}

// Search explores every schedule of program within cfg's bounds depth
// first, re-running the program from the start for each (stateless), and
// judges each. See the package documentation for the order, the
// reduction and what the answer means.
func Search(program Program, cfg Config) Result {
	if err := cfg.check(); err != nil {
		panic(err)
	}
	limit := cfg.CacheLimit
	if limit == 0 {
		limit = DefaultCacheLimit
	}
	x := &explorer{cfg: cfg, firstNonZero: math.MaxInt}
	if cfg.Reduction {
		x.cache = newCache(cfg.Bound, limit)
	}
	res := Result{Subject: program.Subject, Config: cfg}
	traces, states := map[uint64]bool{}, map[uint64]bool{}
	violations, undecided := map[string]int{}, map[string]bool{}
	opts := x.options()
	for {
		x.prefix, x.seen, x.pruned, x.nondet = len(x.stack), 0, false, ""
		out := program.Run(x, opts...)
		switch {
		case x.nondet != "":
			panic("verify: " + program.Subject + " is not deterministic: " + x.nondet)
		case x.pruned:
			res.Pruned++
		case x.seen < x.prefix:
			panic(fmt.Sprintf("verify: %s is not deterministic: the run ended after %d decisions, its path has %d",
				program.Subject, x.seen, x.prefix))
		case !x.started && !cfg.Shard.whole() && cfg.Shard.K != 0:
			// the spine's schedule belongs to shard 0
		default:
			res.Schedules++
			traces[x.trace.fingerprint()] = true
			states[out.Fingerprint] = true
			if out.Inconclusive != "" {
				undecided[out.Inconclusive] = true
			}
			if out.Violation != "" {
				res.Violating++
				violations[out.Violation]++
				if res.Counterexample == nil {
					res.Counterexample = x.counterexample(out, res.Schedules)
				}
			}
		}
		if !x.started {
			x.spineDone()
		}
		if cfg.StopAtViolation && res.Counterexample != nil {
			break
		}
		if !x.backtrack() {
			res.Exhausted = true
			break
		}
		if cfg.MaxSchedules > 0 && res.Schedules >= cfg.MaxSchedules {
			break
		}
	}
	res.Traces = sortedKeys(traces)
	res.States = sortedKeys(states)
	res.Classes = len(res.Traces)
	res.Violations = violations
	res.Undecided = sortedKeys(undecided)
	if x.cache != nil {
		res.CacheEntries = x.cache.len()
	}
	return res
}

// counterexample describes a violating run found as schedule number n.
func (x *explorer) counterexample(out Outcome, n int) *Counterexample {
	ce := &Counterexample{Violation: out.Violation, Schedule: out.Schedule, Number: n}
	for _, nd := range x.stack {
		dd, ds := cost(nd.kind, nd.choice)
		ce.Delays += dd
		ce.Splits += ds
	}
	return ce
}

// sortedKeys returns the keys of a set, ascending.
func sortedKeys[K interface{ ~uint64 | ~string }](m map[K]bool) []K {
	return slices.Sorted(maps.Keys(m))
}
