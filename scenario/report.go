package scenario

import (
	"fmt"
	"strings"
)

// Report describes the run for a reviewer: the scenario, how the run
// ended, what the application saw (symptom texts, wrong results, hangs),
// the server connections and the latencies.
func (r *Run) Report() string {
	var b strings.Builder
	s := r.Scenario
	fmt.Fprintf(&b, "scenario %s (%s), seed %d: %s\n", s.Name, s.Summary, r.Options.Seed, firstLine(r.Outcome.String()))
	if r.Err != nil {
		fmt.Fprintf(&b, "  not run: %v\n", r.Err)
		return b.String()
	}
	failed := 0
	for _, rr := range r.Recorder.Requests {
		if rr.Err != "" || (rr.Status != "200 OK" && rr.Status != "SUCCESS") {
			failed++
		}
	}
	fmt.Fprintf(&b, "  requests %d (%d failed), operations %d; peak server connections %d of %d, sessions opened %d\n",
		len(r.Recorder.Requests), failed, len(r.Recorder.Ops), r.PeakConnections(), s.Server.MaxConnections, r.SessionsOpened())
	fmt.Fprintf(&b, "  latency p50 %v, p99 %v (virtual)\n", r.Percentile(50), r.Percentile(99))
	sy := r.Symptoms()
	for _, t := range r.SymptomList() {
		fmt.Fprintf(&b, "  symptom %q: %d\n", t, sy[t])
	}
	wrong := r.WrongResults()
	for i, wr := range wrong {
		if i == 5 {
			fmt.Fprintf(&b, "  ... %d more wrong results\n", len(wrong)-5)
			break
		}
		fmt.Fprintf(&b, "  wrong result: %s\n", wr)
	}
	for _, h := range r.Hangs() {
		fmt.Fprintf(&b, "  %s\n", h)
	}
	if len(sy) == 0 && len(wrong) == 0 && len(r.Hangs()) == 0 {
		b.WriteString("  no symptom, wrong result or hang\n")
	}
	return b.String()
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
