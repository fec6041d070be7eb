package explore

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/poolsim/poolsim/fakepg"
	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/verdict"
)

// Target is what an exploration searches: one scenario with one workload,
// and what counts as a violation.
type Target struct {
	// Scenario is the deployment run; the explorers never change it (a
	// split-policy override runs a copy).
	Scenario *scenario.Scenario
	// Seed is the workload seed (scenario.Options.Seed): the requests and
	// the servers' own random choices. It is the same for every run of an
	// exploration.
	Seed uint64
	// Properties are the names of the properties (as the verdict names
	// them, e.g. verdict.ReplyRouting) whose violation counts; empty means
	// every property of the verdict.
	Properties []string
	// Verdict tunes the judging of every run (symptom texts judged as
	// properties, porcupine's timeout).
	Verdict verdict.Options
	// ShrinkRuns bounds the runs Shrink may spend; zero means
	// DefaultShrinkRuns.
	ShrinkRuns int
	// Parsed is the parse cache the target's runs share (they send the
	// same query strings run after run); nil gives each run its own. The
	// runs of one target must not run at once (fakepg.ParseCache).
	Parsed *fakepg.ParseCache
}

// NewTarget returns a target of the built-in scenario called name with the
// workload seed, counting every property.
func NewTarget(name string, seed uint64) (Target, error) {
	s, err := scenario.Lookup(name)
	if err != nil {
		return Target{}, err
	}
	return Target{Scenario: s, Seed: seed, Parsed: fakepg.NewParseCache()}, nil
}

// Counted returns the names of the properties v violates that count for
// the target, in the verdict's report order. Two runs show the same
// violation when Counted returns the same names for both.
func (t Target) Counted(v *verdict.Verdict) []string {
	var out []string
	for _, name := range v.Violations() {
		if len(t.Properties) == 0 || slices.Contains(t.Properties, name) {
			out = append(out, name)
		}
	}
	return out
}

// Violates reports whether v violates a property that counts.
func (t Target) Violates(v *verdict.Verdict) bool {
	return v.ViolatedAny(t.Properties...)
}

// WithSplit returns the target with its scenario's split policy set to
// policy ("writes" or "bytes"), on a copy of the scenario; an empty policy
// returns t unchanged.
func (t Target) WithSplit(policy string) (Target, error) {
	if policy == "" || policy == t.Scenario.Run.Split {
		return t, nil
	}
	if _, err := sim.ParseSplitPolicy(policy); err != nil {
		return t, err
	}
	s := *t.Scenario
	s.Run.Split = policy
	t.Scenario = &s
	return t, nil
}

// Attempt runs the target once under strategy, keeping the trace's events
// for the protocol-interleaving judge, and judges the run. A panic of the
// strategy (rapid's control flow) propagates to the caller.
func Attempt(t Target, strategy sim.Strategy) (*scenario.Run, verdict.Verdict) {
	run := scenario.Execute(t.Scenario, strategy, scenario.Options{Seed: t.Seed, KeepEvents: true, Parsed: t.Parsed})
	return run, verdict.Judge(run, t.Verdict)
}

// TargetOf returns the target a schedule's header names: the built-in
// scenario, its workload seed ("param seed=N") and its split policy,
// counting every property. A schedule recorded from a changed copy of a
// built-in scenario names the built-in one; replay it with the target
// that made it instead.
func TargetOf(sch *sim.Schedule) (Target, error) {
	t, err := NewTarget(sch.Scenario, 0)
	if err != nil {
		return Target{}, err
	}
	return forSchedule(t, sch)
}

// forSchedule returns t with the workload seed and split policy of sch's
// header, where the header states them.
func forSchedule(t Target, sch *sim.Schedule) (Target, error) {
	if v, ok := sch.Param("seed"); ok {
		seed, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return t, fmt.Errorf("schedule header: bad seed %q", v)
		}
		t.Seed = seed
	}
	if sch.SplitSet {
		return t.WithSplit(sch.Split.String())
	}
	return t, nil
}

// Replay runs t strictly under sch (sim.Replay), with the workload seed and
// split policy of sch's header, and judges the run. The error says why
// the replay did not reproduce the recorded run: it diverged, left
// recorded decisions over, or ended with another trace hash than the one
// the header records.
func Replay(t Target, sch *sim.Schedule) (*scenario.Run, verdict.Verdict, error) {
	t, err := forSchedule(t, sch)
	if err != nil {
		return nil, verdict.Verdict{}, err
	}
	rs := sim.Replay(sch)
	run, v := Attempt(t, rs)
	switch {
	case run.Err != nil:
		return run, v, run.Err
	case run.Outcome.Kind == sim.Diverged && run.Outcome.Divergence != nil:
		return run, v, run.Outcome.Divergence
	case run.Outcome.Kind == sim.Diverged:
		return run, v, fmt.Errorf("schedule diverged: %s", rs.Divergence())
	}
	return run, v, rs.Check(run.World)
}
