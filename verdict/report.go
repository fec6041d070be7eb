package verdict

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/poolsim/poolsim/properties"
)

// Status is the verdict as a whole: violated when any property is,
// else inconclusive when any property is (or the run could not start),
// else held.
func (v *Verdict) Status() properties.Status {
	switch {
	case v.Violated():
		return properties.Violated
	case v.Err != "" || v.Inconclusive():
		return properties.Inconclusive
	}
	return properties.Held
}

// Summary renders the verdict on one line: the scenario, seed and
// outcome, the violated properties with their first steps, the
// inconclusive ones, how many held, the peak of connections, the
// latencies and the trace hash.
func (v *Verdict) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s seed %d: %s", v.Scenario, v.Seed, v.Outcome)
	if v.Err != "" {
		fmt.Fprintf(&b, ": %s", firstLine(v.Err))
		return b.String()
	}
	var violated, inconclusive []string
	held := 0
	for _, p := range v.Properties {
		switch p.Status {
		case properties.Violated:
			violated = append(violated, fmt.Sprintf("%s (%d, step %d)", p.Property, len(p.Violations), p.First().Step))
		case properties.Inconclusive:
			inconclusive = append(inconclusive, p.Property)
		default:
			held++
		}
	}
	fmt.Fprintf(&b, "; %s", v.Status())
	if len(violated) > 0 {
		fmt.Fprintf(&b, "; violated: %s", strings.Join(violated, ", "))
	}
	if len(inconclusive) > 0 {
		fmt.Fprintf(&b, "; inconclusive: %s", strings.Join(inconclusive, ", "))
	}
	fmt.Fprintf(&b, "; %d held; peak %d of %d connections; p50 %v, p99 %v; hash %016x",
		held, v.Peak, v.Limit, v.P50, v.P99, v.TraceHash)
	return b.String()
}

// MarshalJSON renders the verdict as a JSON document: the fields under
// their tags, the overall status and each property's status by name, the
// latencies as durations ("1.5ms"), the trace hash in hexadecimal, and
// the one-line summary.
func (v Verdict) MarshalJSON() ([]byte, error) {
	type fields Verdict // the fields without this method
	return json.Marshal(struct {
		Status properties.Status `json:"status"`
		fields
		P50       string `json:"p50"`
		P99       string `json:"p99"`
		TraceHash string `json:"trace_hash"`
		Summary   string `json:"summary"`
	}{v.Status(), fields(v), v.P50.String(), v.P99.String(), fmt.Sprintf("%016x", v.TraceHash), v.Summary()})
}
