package report

import (
	"fmt"

	"github.com/poolsim/poolsim/properties"
	"github.com/poolsim/poolsim/verdict"
)

// property is one row of the verdict table.
type property struct {
	Name, Status string
	Count        int
	// First is the first violation, or the reason for a result without
	// one; Anchor the timeline row that carries the first violation.
	First, Anchor string
}

// symptom is one symptom text with its count.
type symptom struct {
	Text  string
	Count int
}

// verdictPart is the verdict part of the report.
type verdictPart struct {
	Scenario, Summary, Outcome, Err string
	Seed                            uint64
	Properties                      []property
	Violated                        []string
	Symptoms                        []symptom
	Peak, Limit                     int
	P50, P99                        string
	TraceHash                       string
	Steps, Decisions                int
	// Replay is the command that replays the run, ReplayFile the
	// schedule file it names ("FILE" when the caller did not say).
	Replay, ReplayFile string
}

// buildVerdict renders v; anchors maps a placed violation to its row.
func buildVerdict(v verdict.Verdict, summary, scheduleFile string, anchors map[string]string) verdictPart {
	vp := verdictPart{Scenario: v.Scenario, Summary: summary, Outcome: v.Outcome, Err: v.Err, Seed: v.Seed,
		Violated: v.Violations(), Peak: v.Peak, Limit: v.Limit, P50: v.P50.String(), P99: v.P99.String(),
		TraceHash: fmt.Sprintf("%016x", v.TraceHash), Steps: v.Steps, Decisions: v.Decisions,
		ReplayFile: scheduleFile}
	if vp.ReplayFile == "" {
		vp.ReplayFile = "FILE"
	}
	vp.Replay = "simulate replay " + vp.ReplayFile
	for _, p := range v.Properties {
		pv := property{Name: p.Property, Status: p.Status.String(), Count: len(p.Violations), First: p.Reason}
		if f := p.First(); f != nil {
			pv.First = f.String()
			pv.Anchor = anchors[f.String()]
		}
		vp.Properties = append(vp.Properties, pv)
	}
	for _, t := range v.SymptomOrder() {
		vp.Symptoms = append(vp.Symptoms, symptom{Text: t, Count: v.Symptoms[t]})
	}
	return vp
}

// interleavingViolations returns the violations of v's protocol
// interleaving property.
func interleavingViolations(v verdict.Verdict) []properties.Violation {
	if r := v.Result(verdict.ProtocolInterleaving); r != nil {
		return r.Violations
	}
	return nil
}
