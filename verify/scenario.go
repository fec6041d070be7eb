package verify

import (
	"fmt"
	"strings"

	"github.com/poolsim/poolsim/properties"
	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/sim"
	"github.com/poolsim/poolsim/verdict"
)

// Judge names what a judged run of a scenario violated, or "" when nothing
// it cares about was violated.
type Judge func(r *scenario.Run, v *verdict.Verdict) string

// AnyViolation is the judge that reports every violated property of the
// verdict, comma separated.
func AnyViolation(_ *scenario.Run, v *verdict.Verdict) string {
	return strings.Join(v.Violations(), ", ")
}

// ScenarioProgram returns the program that runs scenario s with workload
// seed seed, keeping the trace's events (the protocol-interleaving check
// needs them), and judges each run with verdict.Judge and then judge (nil:
// AnyViolation). The outcome's fingerprint is StateFingerprint of the run.
func ScenarioProgram(s *scenario.Scenario, seed uint64, judge Judge) Program {
	if judge == nil {
		judge = AnyViolation
	}
	return Program{
		Subject: ScenarioSubject(s, seed),
		Run: func(strategy sim.Strategy, opts ...sim.Option) Outcome {
			r := scenario.Execute(s, strategy, scenario.Options{Seed: seed, KeepEvents: true, SimOptions: opts})
			if r.Err == nil && r.Outcome.Kind == sim.Diverged {
				return Outcome{Hash: r.Hash()} // ended by the search: not judged
			}
			v := verdict.Judge(r, verdict.Options{})
			out := Outcome{Violation: judge(r, &v), Inconclusive: undecided(&v), Fingerprint: StateFingerprint(r, &v)}
			if r.Err == nil {
				out.Hash = r.Hash()
				if out.Violation != "" {
					out.Schedule = r.Schedule()
				}
			}
			return out
		},
	}
}

// ScenarioSubject describes a scenario run for a search's statement: its
// name, its sizes, the workload seed, the split policy and the step
// budget.
func ScenarioSubject(s *scenario.Scenario, seed uint64) string {
	var sizes []string
	if g := s.Gunicorn; g != nil {
		sizes = append(sizes, fmt.Sprintf("%s workers %d, threads %d", g.WorkerClass, g.Workers, g.Threads))
		if g.PreloadApp {
			sizes = append(sizes, "preload")
		}
	}
	if c := s.Celery; c != nil {
		sizes = append(sizes, fmt.Sprintf("celery concurrency %d", c.Concurrency))
	}
	if t := s.Threads; t != nil {
		sizes = append(sizes, fmt.Sprintf("threads %d", t.Threads))
	}
	sizes = append(sizes, fmt.Sprintf("clients %d, requests %d", s.Workload.Clients, s.Workload.Requests))
	return fmt.Sprintf("%s (%s; workload seed %d, split policy %s, step budget %d)",
		s.Name, strings.Join(sizes, ", "), seed, s.Run.Split, s.Run.MaxSteps)
}

// undecided lists the verdict's inconclusive properties with their
// reasons.
func undecided(v *verdict.Verdict) string {
	var out []string
	for _, p := range v.Properties {
		if p.Status == properties.Inconclusive {
			out = append(out, p.Property+" ("+p.Reason+")")
		}
	}
	return strings.Join(out, ", ")
}

// StateFingerprint hashes what a judged run ends with, independently of
// the order of its independent steps: how the run ended, every property's
// status, and what the application got: every recorded operation's rows,
// row count, error text and class and whether it returned, and every
// request's status and error, each keyed by its identity (the task's path
// and its position among that task's operations or the client's path and
// its position among that client's requests) and summed, so that the order
// in which different tasks recorded them does not count. Steps and the
// number of decisions, virtual times, backend pids, the violations' details
// and the trace hash are left out: they differ between reorderings of
// independent steps.
func StateFingerprint(r *scenario.Run, v *verdict.Verdict) uint64 {
	if r.Err != nil {
		return hashString(r.Err.Error())
	}
	h := mix(0x7374617465, uint64(r.Outcome.Kind))
	for _, p := range v.Properties {
		h = mix(h, mix(hashString(p.Property), uint64(p.Status)))
	}
	var ops uint64
	ordinal := map[string]uint64{}
	for _, op := range r.Ops() {
		ordinal[op.Task]++
		x := mix(hashString(op.Task), ordinal[op.Task])
		x = mix(x, uint64(op.Kind))
		x = mix(x, hashString(op.Key))
		x = mix(x, uint64(op.RowCount+1))
		x = mix(x, hashString(op.Err))
		x = mix(x, hashString(op.ErrClass))
		if op.Returned {
			x = mix(x, 1)
		}
		for _, row := range op.Rows {
			for _, val := range row {
				x = mix(x, hashString(val))
			}
			x = mix(x, 0x726f77)
		}
		ops += x
	}
	clear(ordinal)
	for _, rq := range r.Requests() {
		ordinal[rq.Client]++
		x := mix(hashString(rq.Client)^tagProcess, ordinal[rq.Client])
		x = mix(x, hashString(rq.Status))
		x = mix(x, hashString(rq.Err))
		if rq.Done {
			x = mix(x, 1)
		}
		ops += x
	}
	return mix(h, ops)
}
