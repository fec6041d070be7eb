package explore

import "slices"

// Merge combines the results of explorations of one target with one
// configuration over disjoint seed ranges (shards, or the pieces of a
// parallel exploration), given in seed order, into the result of one
// exploration of their union: runs, violations (in the order given),
// sizes, tallies and outcomes add up, and PCT's miss bound is computed
// again over every run. With KeepGoing pieces the merge equals the
// unsharded result; without, only the first piece's first violation is
// the unsharded first.
func Merge(rs ...Result) Result {
	var out Result
	if len(rs) == 0 {
		return out
	}
	out.Strategy, out.Horizon, out.Calibration = rs[0].Strategy, rs[0].Horizon, rs[0].Calibration
	out.Outcomes = map[string]int{}
	var depthRuns [4]int
	for _, r := range rs {
		out.Runs += r.Runs
		out.Violations = append(out.Violations, r.Violations...)
		out.Size = out.Size.max(r.Size)
		out.Calibration = out.Calibration.max(r.Calibration)
		for _, p := range r.Tally {
			i := slices.IndexFunc(out.Tally, func(q PropertyTally) bool { return q.Property == p.Property })
			if i < 0 {
				out.Tally = append(out.Tally, PropertyTally{Property: p.Property})
				i = len(out.Tally) - 1
			}
			out.Tally[i].Violated += p.Violated
			out.Tally[i].Inconclusive += p.Inconclusive
		}
		for k, n := range r.Outcomes {
			out.Outcomes[k] += n
		}
		for _, b := range r.PCT {
			if b.Depth >= 1 && b.Depth <= 3 {
				depthRuns[b.Depth] += b.Runs
			}
		}
		out.RapidShrinkRuns += r.RapidShrinkRuns
		out.RapidLog = append(out.RapidLog, r.RapidLog...)
	}
	if out.Strategy == PCT {
		out.PCT = pctBounds(depthRuns, out.Horizon, out.Size, len(out.Violations) > 0)
	}
	return out
}
