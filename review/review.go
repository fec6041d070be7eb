// Package review puts designs side by side: for each scenario, the
// verdict per property at the sizes where it holds (sampled at the
// scenario's own size, verified at a small one), the first
// counterexample's replay command, the symptom texts, the peak of server
// connections and the virtual latencies.
//
// Budgets are counted in runs and schedules, never in time, so a review's
// verdicts do not depend on the machine that computes them.
package review

import (
	"fmt"
	"slices"
	"time"

	"github.com/poolsim/poolsim/explore"
	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/properties"
	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/verdict"
)

// The standings of a property in a review.
const (
	// Unsafe: a run violated the property.
	Unsafe = "UNSAFE"
	// Safe: the bounded exhaustive search found no violation.
	Safe = "SAFE"
	// Sampled: no sampled run violated the property.
	Sampled = "NO VIOLATION"
	// Inconclusive: neither a violation nor an answer (a timed-out
	// linearizability check, an exhausted budget).
	Inconclusive = "INCONCLUSIVE"
)

// Config says how much a review runs.
type Config struct {
	// Runs is the number of sampled runs at the scenario's own size
	// (seeds 1 to Runs, each the workload seed and the schedule's).
	Runs int
	// Strategy is "random" or "pct" (with Depth).
	Strategy string
	Depth    int
	// Verify, when not nil, runs the bounded exhaustive search at a
	// small size for the designs the sampling found no violation in.
	Verify Verifier
}

// Verifier is the bounded exhaustive search as a review uses it: it
// searches s (already at the small size) and says what it found.
type Verifier func(s *scenario.Scenario) Proof

// Proof is a bounded search's answer.
type Proof struct {
	// Violated names the properties its counterexample violates (none
	// when it found no violation); Replay replays the counterexample.
	Violated []string
	Replay   string
	// Complete is false when the search stopped at its budget.
	Complete bool
	// Bound describes the bounds ("delay bound 2, split bound 0") and
	// Schedules counts what was searched.
	Bound     string
	Schedules int
	// Statement is the search's full answer, stating everything it
	// depends on.
	Statement string
}

// Standing is one property's verdict in a review.
type Standing struct {
	Property string `json:"property"`
	// Status is Unsafe, Safe, Sampled or Inconclusive.
	Status string `json:"status"`
	// Detail is where the status holds: "up to delay bound 2 at 1
	// worker x 2 threads, 2 clients x 2 requests", "in 20 schedules at
	// ...", or the first violation.
	Detail string `json:"detail"`
	// Replay reproduces the first violation.
	Replay string `json:"replay,omitempty"`
}

// Row is one design's line of the review.
type Row struct {
	Design  string `json:"design"`
	Summary string `json:"summary"`
	// Verdict is UNSAFE when a property is, else SAFE when every
	// property was verified, else NO VIOLATION, or INCONCLUSIVE.
	Verdict    string     `json:"verdict"`
	Size       string     `json:"size"`
	Runs       int        `json:"runs"`
	Properties []Standing `json:"properties"`
	// Replay reproduces the first counterexample of any property.
	Replay string `json:"replay,omitempty"`
	// Symptoms counts the symptom texts over the sampled runs.
	Symptoms map[string]int `json:"symptoms,omitempty"`
	// Peak is the largest number of server connections open at once in
	// any sampled run; Limit the server's max_connections.
	Peak  int `json:"peak_connections"`
	Limit int `json:"max_connections"`
	// P50 and P99 are over every request of the sampled runs.
	P50 time.Duration `json:"p50"`
	P99 time.Duration `json:"p99"`
	// MissBound is PCT's bound on having missed a bug, where it applies.
	MissBound string `json:"pct_miss_bound,omitempty"`
	// Proof is the bounded search's statement, when one ran.
	Proof string `json:"proof,omitempty"`
}

// Evaluate reviews one design.
func Evaluate(s *scenario.Scenario, cfg Config) (Row, error) {
	row := Row{Design: s.Name, Summary: s.Summary, Size: Size(s), Limit: s.Server.MaxConnections}
	if cfg.Runs < 1 {
		return row, fmt.Errorf("review: %d runs; want at least 1", cfg.Runs)
	}
	row.Runs = cfg.Runs
	standing := map[string]*Standing{}
	var order []string
	parsed := fakepg.NewParseCache() // the runs' query strings, parsed once
	var lat []time.Duration
	var pct pctMeasure
	if cfg.Strategy == "pct" {
		// the horizon covers the runs: twice the decisions of a random run
		// (run decisions are among them), as explore calibrates it
		cal := scenario.Execute(s, sim.Random(1), scenario.Options{Seed: 1, NoClientTruth: true, Parsed: parsed})
		pct.horizon = max(2*cal.Outcome.Decisions, 16)
	}
	row.Symptoms = map[string]int{}
	for seed := uint64(1); seed <= uint64(cfg.Runs); seed++ {
		st, err := strategy(cfg, seed)
		if err != nil {
			return row, err
		}
		if p, ok := st.(*sim.PCTStrategy); ok {
			p.Horizon = pct.horizon
		}
		r := scenario.Execute(s, st, scenario.Options{Seed: seed, KeepEvents: true, Parsed: parsed})
		if r.Err != nil {
			return row, fmt.Errorf("review %s: %v", s.Name, r.Err)
		}
		if p, ok := st.(*sim.PCTStrategy); ok {
			pct.k = max(pct.k, p.RunDecisions())
			pct.n = max(pct.n, len(r.World.Tasks()))
			pct.data = pct.data || r.Outcome.Decisions > p.RunDecisions()
		}
		v := verdict.Judge(r, verdict.Options{})
		for _, p := range v.Properties {
			sp := standing[p.Property]
			if sp == nil {
				sp = &Standing{Property: p.Property, Status: Sampled}
				standing[p.Property] = sp
				order = append(order, p.Property)
			}
			switch {
			case p.Status == properties.Violated && sp.Status != Unsafe:
				sp.Status, sp.Replay = Unsafe, runCommand(s, seed, cfg)
				if f := p.First(); f != nil {
					sp.Detail = f.String()
				}
			case p.Status == properties.Inconclusive && sp.Status == Sampled:
				sp.Status, sp.Detail = Inconclusive, p.Reason
			}
		}
		for t, n := range v.Symptoms {
			row.Symptoms[t] += n
		}
		row.Peak = max(row.Peak, v.Peak)
		lat = append(lat, r.Latencies()...)
	}
	slices.Sort(lat)
	row.P50, row.P99 = scenario.Percentile(lat, 50), scenario.Percentile(lat, 99)
	sampledAll := fmt.Sprintf("in %d schedules at %s", cfg.Runs, row.Size)
	unsafe := false
	for _, name := range order {
		sp := standing[name]
		if sp.Status == Sampled {
			sp.Detail = sampledAll
		}
		if sp.Status == Unsafe {
			unsafe = true
			if row.Replay == "" {
				row.Replay = sp.Replay
			}
		}
	}
	if !unsafe && cfg.Verify != nil {
		small := Small(s)
		proof := cfg.Verify(small)
		row.Proof = proof.Statement
		for _, name := range order {
			sp := standing[name]
			switch {
			case slices.Contains(proof.Violated, name):
				sp.Status, sp.Replay, sp.Detail = Unsafe, proof.Replay, "counterexample at "+Size(small)+" within "+proof.Bound
				unsafe = true
				if row.Replay == "" {
					row.Replay = proof.Replay
				}
			case len(proof.Violated) == 0 && proof.Complete && sp.Status == Sampled:
				sp.Status, sp.Detail = Safe, fmt.Sprintf("up to %s at %s (%d schedules); no violation %s",
					proof.Bound, Size(small), proof.Schedules, sampledAll)
			}
		}
	}
	for _, name := range order {
		row.Properties = append(row.Properties, *standing[name])
	}
	row.Verdict = overall(row.Properties)
	if cfg.Strategy == "pct" {
		row.MissBound = pct.bound(max(cfg.Depth, 1), cfg.Runs, row.Verdict == Unsafe)
	}
	return row, nil
}

// pctMeasure is what PCT's miss bound needs of the sampled runs: the most
// run decisions (k), the most tasks (n), and whether any run took data
// choices (splits, timer orders) as well.
type pctMeasure struct {
	k, n, horizon int
	data          bool
}

// bound is PCT's bound on having missed a bug of depth d in r runs
// (Burckhardt et al., ASPLOS 2010), or why it does not apply.
func (m pctMeasure) bound(d, r int, found bool) string {
	switch {
	case found:
		return "does not apply: a violation was found"
	case m.k > m.horizon:
		return fmt.Sprintf("does not apply: a run took %d run decisions, beyond the horizon %d", m.k, m.horizon)
	}
	out := fmt.Sprintf("a bug of depth %d missed with probability at most %.3g after %d runs (n = %d tasks, k = horizon %d)",
		d, explore.MissBound(m.n, m.horizon, d, r), r, m.n, m.horizon)
	if m.data {
		out += "; orderings only: split and timer choices are outside it"
	}
	return out
}

// overall is the design's verdict from its properties'.
func overall(ps []Standing) string {
	out := Safe
	for _, p := range ps {
		switch p.Status {
		case Unsafe:
			return Unsafe
		case Inconclusive:
			out = Inconclusive
		case Sampled:
			if out == Safe {
				out = Sampled
			}
		}
	}
	return out
}

func strategy(cfg Config, seed uint64) (sim.Strategy, error) {
	switch cfg.Strategy {
	case "", "random":
		return sim.Random(seed), nil
	case "pct":
		return sim.PCT(seed, max(cfg.Depth, 1)), nil
	}
	return nil, fmt.Errorf("review: strategy %q: want random or pct", cfg.Strategy)
}

// runCommand is the command that reproduces the sampled run of seed.
func runCommand(s *scenario.Scenario, seed uint64, cfg Config) string {
	flags := []string{"--seed", fmt.Sprint(seed)}
	if cfg.Strategy == "pct" {
		flags = append(flags, "--strategy", "pct", "--depth", fmt.Sprint(max(cfg.Depth, 1)))
	}
	return s.Command("run", flags...)
}
