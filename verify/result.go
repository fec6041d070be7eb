package verify

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/poolsim/poolsim/sim"
)

// Result is the answer of a search.
type Result struct {
	// Subject is the program's subject; Config the search's bounds.
	Subject string
	Config  Config
	// Schedules counts the schedules run to completion and judged;
	// Pruned the runs the reduction ended at a covered node.
	Schedules, Pruned int
	// Classes is the number of distinct Mazurkiewicz traces among the
	// schedules; Traces their fingerprints, ascending.
	Classes int
	Traces  []uint64
	// States are the distinct final-state fingerprints of the schedules
	// (Outcome.Fingerprint), ascending.
	States []uint64
	// Violating counts the violating schedules; Violations counts them by
	// violation.
	Violating  int
	Violations map[string]int
	// Counterexample is the first violating schedule, nil if none.
	Counterexample *Counterexample
	// Undecided lists what some schedules could not decide
	// (Outcome.Inconclusive), ascending.
	Undecided []string
	// Exhausted says every schedule within the bounds was covered: false
	// when the budget or StopAtViolation ended the search first.
	Exhausted bool
	// CacheEntries is the number of node keys the reduction held at the
	// end; Merged the number of shard results merged into this one (0 for
	// a single search).
	CacheEntries int
	Merged       int
	// Missing lists the shards of the split search that a merge lacked;
	// a merge with shards missing is not exhausted.
	Missing []int
}

// Counterexample is a violating schedule. Its Schedule replays under
// sim.Replay to the same violation; a shrinker can make it smaller.
type Counterexample struct {
	Violation string
	Schedule  *sim.Schedule
	// Number is the schedule's position among those the search ran (from
	// 1); Delays and Splits its non-zero run and timer choices and its
	// non-zero split choices.
	Number         int
	Delays, Splits int
}

// bounds renders the bounds: "up to delay bound 2 and split bound 0".
func (r *Result) bounds() string {
	return fmt.Sprintf("delay bound %d and split bound %d", r.Config.Bound, r.Config.SplitBound)
}

// subject renders the subject with the shard or the merge.
func (r *Result) subject() string {
	switch {
	case r.Merged > 0:
		return fmt.Sprintf("%s (union of %d shards)", r.Subject, r.Merged)
	case !r.Config.Shard.whole():
		return fmt.Sprintf("%s of %s", r.Config.Shard, r.Subject)
	}
	return r.Subject
}

// method renders how the search reduced the schedules.
func (r *Result) method() string {
	if r.Config.Reduction {
		return fmt.Sprintf("reduction: prefix-trace cache, %d run, %d pruned, %d distinct traces", r.Schedules, r.Pruned, r.Classes)
	}
	return fmt.Sprintf("no reduction, %d distinct traces", r.Classes)
}

// all renders the schedules the answer covers: "all 389 schedules", or,
// with the reduction, which ran fewer, "all schedules".
func (r *Result) all() string {
	if r.Config.Reduction {
		return "all schedules"
	}
	return "all " + count(r.Schedules, "schedule")
}

// undecided renders what was left undecided, "" if nothing.
func (r *Result) undecided() string {
	if len(r.Undecided) == 0 {
		return ""
	}
	return "; undecided in some schedules: " + strings.Join(r.Undecided, "; ")
}

// count renders n things: "1 delay", "2 delays".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// Statement states the answer with everything it depends on: the subject
// (scenario, sizes, workload seed, split policy, step budget), the bounds,
// the number of schedules and the reduction ("all 389 schedules of ...",
// or with the reduction "all schedules of ... (reduction: prefix-trace
// cache, 172 run, 217 pruned, ...)"); or the counterexample; or that the
// budget ran out first.
func (r *Result) Statement() string {
	if ce := r.Counterexample; ce != nil {
		s := fmt.Sprintf("counterexample for %s within %s: %s, in schedule %d (%s, %s; it replays with sim.Replay)",
			r.subject(), r.bounds(), ce.Violation, ce.Number, count(ce.Delays, "delay"), count(ce.Splits, "split"))
		if r.Exhausted {
			s += fmt.Sprintf("; %d of the %s run violate (%s)", r.Violating, count(r.Schedules, "schedule"), r.method())
		}
		return s + r.undecided()
	}
	if len(r.Missing) > 0 {
		return fmt.Sprintf("inconclusive: shards %v of %d of %s up to %s are missing, no violation in the %d schedules of the others (%s)%s",
			r.Missing, r.Merged+len(r.Missing), r.Subject, r.bounds(), r.Schedules, r.method(), r.undecided())
	}
	if !r.Exhausted {
		return fmt.Sprintf("inconclusive: budget of %d schedules reached for %s up to %s, no violation in those (%s)%s",
			r.Config.MaxSchedules, r.subject(), r.bounds(), r.method(), r.undecided())
	}
	return fmt.Sprintf("%s of %s up to %s: no violation (%s)%s",
		r.all(), r.subject(), r.bounds(), r.method(), r.undecided())
}

// Merge combines the results of the shards of one search into the result
// of the whole: counts add up, traces, states and undecided notes are
// united, the counterexample is the first one in shard order. A merge
// that lacks shards lists them in Missing and is not exhausted. It panics
// when the results are not of one search split into shards, or hold a
// shard twice.
func Merge(results ...Result) Result {
	if len(results) == 0 {
		return Result{}
	}
	first := results[0]
	m := Result{Subject: first.Subject, Config: first.Config, Exhausted: true, Violations: map[string]int{}}
	m.Config.Shard = Shard{}
	traces, states, undecided := map[uint64]bool{}, map[uint64]bool{}, map[string]bool{}
	var shards []Result
	seen := map[int]bool{}
	for _, r := range results {
		c, f := r.Config, first.Config
		c.Shard, f.Shard = Shard{}, Shard{}
		if r.Subject != first.Subject || c != f || r.Config.Shard.N != first.Config.Shard.N ||
			r.Merged > 0 || seen[r.Config.Shard.K] {
			panic(fmt.Sprintf("verify: merging results that are not distinct shards of one search (%q %+v, %q %+v)",
				first.Subject, first.Config, r.Subject, r.Config))
		}
		seen[r.Config.Shard.K] = true
		shards = append(shards, r)
	}
	for k := range max(first.Config.Shard.N, 1) {
		if !seen[k] {
			m.Missing = append(m.Missing, k)
		}
	}
	m.Exhausted = len(m.Missing) == 0
	slices.SortStableFunc(shards, func(a, b Result) int { return a.Config.Shard.K - b.Config.Shard.K })
	for _, r := range shards {
		m.Schedules += r.Schedules
		m.Pruned += r.Pruned
		m.Violating += r.Violating
		m.CacheEntries += r.CacheEntries
		m.Exhausted = m.Exhausted && r.Exhausted
		for _, h := range r.Traces {
			traces[h] = true
		}
		for _, h := range r.States {
			states[h] = true
		}
		for _, u := range r.Undecided {
			undecided[u] = true
		}
		for _, v := range r.ViolationNames() {
			m.Violations[v] += r.Violations[v]
		}
		if m.Counterexample == nil && r.Counterexample != nil {
			m.Counterexample = r.Counterexample
		}
		m.Merged++
	}
	m.Traces, m.States, m.Undecided = sortedKeys(traces), sortedKeys(states), sortedKeys(undecided)
	m.Classes = len(m.Traces)
	return m
}

// ViolationNames returns the distinct violations found, sorted.
func (r *Result) ViolationNames() []string {
	return slices.Sorted(maps.Keys(r.Violations))
}
