package verdict

import (
	"fmt"
	"slices"
	"strings"

	"github.com/poolsim/poolsim/properties"
	"github.com/poolsim/poolsim/scenario"
	"github.com/poolsim/poolsim/sim"
)

// The kinds of hung-task violation.
const (
	// HungAtDeadline: a task was still blocked at the virtual deadline,
	// and had been for the hang threshold.
	HungAtDeadline = "hung at the deadline"
	// Deadlocked: every task was blocked, this one not a daemon.
	Deadlocked = "deadlocked"
	// WorkerTimeout: Gunicorn's arbiter killed a worker for silence.
	WorkerTimeout = "worker timeout"
)

// SymptomText is the kind of a symptom violation: a symptom text reached
// the application.
const SymptomText = "symptom text"

// hungTasks is violated by every task hung at the virtual deadline, every
// non-daemon task blocked at a deadlock (both at the run's last step) and
// every worker Gunicorn killed for silence (at its WORKER TIMEOUT line).
// A run that ended otherwise than completed, deadlocked or at its
// deadline (over its step budget, a panic, a diverged replay) never
// reached the point where hangs are judged: without a violation it is
// inconclusive.
func hungTasks(r *scenario.Run, _ Options) properties.Result {
	res := properties.Result{Property: HungTasks}
	o := r.Outcome
	blocked := func(kind string, b sim.BlockedTask) {
		res.Violations = append(res.Violations, properties.Violation{Kind: kind, Tasks: []string{b.Task},
			Processes: []string{b.Process}, Offset: -1, Step: o.Steps,
			Detail: fmt.Sprintf("%s waits on %s since %v", b.Task, b.WaitsOn, b.Since)})
	}
	for _, h := range o.Hung {
		blocked(HungAtDeadline, h)
	}
	for _, b := range o.Blocked {
		if !b.Daemon {
			blocked(Deadlocked, b)
		}
	}
	for _, l := range r.Log.Grep("WORKER TIMEOUT") {
		res.Violations = append(res.Violations, properties.Violation{Kind: WorkerTimeout, Tasks: nonEmpty(l.Task),
			Processes: nonEmpty(l.Process), Offset: -1, Step: l.Step, Detail: l.String()})
	}
	slices.SortStableFunc(res.Violations, func(a, b properties.Violation) int { return a.Step - b.Step })
	switch {
	case len(res.Violations) > 0:
		res.Status = properties.Violated
	case o.Kind != sim.Completed && o.Kind != sim.Deadlocked && o.Kind != sim.DeadlineReached:
		res.Status, res.Reason = properties.Inconclusive, "the run ended "+firstLine(o.String())
	}
	return res
}

// occurrence is one message the application saw: an operation's or a
// request's error, or a log line.
type occurrence struct {
	task, process, where, text string
	step                       int
}

// occurrences returns what the application saw, in step order.
func occurrences(r *scenario.Run) []occurrence {
	var out []occurrence
	for _, op := range r.Recorder.Ops {
		if op.Err != "" {
			out = append(out, occurrence{op.Task, op.Process, "operation", op.Err, op.ReturnStep})
		}
	}
	for _, rq := range r.Recorder.Requests {
		if rq.Err != "" {
			out = append(out, occurrence{rq.Client, "", "request", rq.Err, rq.RepliedStep})
		}
	}
	for _, l := range r.Log.Lines {
		out = append(out, occurrence{l.Task, l.Process, "log", l.Text, l.Step})
	}
	slices.SortStableFunc(out, func(a, b occurrence) int { return a.step - b.step })
	return out
}

// violation describes the occurrence as a violation of kind.
func (oc occurrence) violation(kind, detail string) properties.Violation {
	return properties.Violation{Kind: kind, Tasks: nonEmpty(oc.task), Processes: nonEmpty(oc.process),
		Offset: -1, Step: oc.step, Detail: detail + oc.where + ": " + firstLine(oc.text)}
}

// symptoms is violated once for each of scenario.SymptomTexts that
// reached the application, at its first occurrence, in SymptomTexts
// order.
func symptoms(r *scenario.Run, _ Options) properties.Result {
	res := properties.Result{Property: Symptoms}
	counts := r.Symptoms() // what occurrences would count; most runs see none
	var occ []occurrence
	for _, text := range scenario.SymptomTexts {
		n := counts[text]
		if n == 0 {
			continue
		}
		if occ == nil {
			occ = occurrences(r)
		}
		first := slices.IndexFunc(occ, func(oc occurrence) bool { return strings.Contains(oc.text, text) })
		res.Violations = append(res.Violations, occ[first].violation(SymptomText, fmt.Sprintf("%q seen %d times, first in ", text, n)))
	}
	if len(res.Violations) > 0 {
		res.Status = properties.Violated
	}
	return res
}

// symptomText is violated by every occurrence of text in what the
// application saw, in step order.
func symptomText(occ []occurrence, text string) properties.Result {
	res := properties.Result{Property: SymptomProperty(text)}
	for _, oc := range occ {
		if strings.Contains(oc.text, text) {
			res.Violations = append(res.Violations, oc.violation(SymptomText, ""))
		}
	}
	if len(res.Violations) > 0 {
		res.Status = properties.Violated
	}
	return res
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
