package verdict

import (
	"fmt"
	"strings"

	"github.com/poolsim/poolsim/app"
	"github.com/poolsim/poolsim/model"
	"github.com/poolsim/poolsim/properties"
	"github.com/poolsim/poolsim/scenario"
)

// linearizability checks the run's autocommit kv operations with
// porcupine, after the run. A timeout is inconclusive.
func linearizability(r *scenario.Run, opts Options) properties.Result {
	res := properties.Result{Property: Linearizability}
	if opts.SkipLinearizability {
		res.Status, res.Reason = properties.Inconclusive, "not checked (skipped)"
		return res
	}
	ops := History(r)
	timeout := opts.PorcupineTimeout
	if timeout == 0 {
		timeout = DefaultPorcupineTimeout
	}
	answer, info := model.Check(ops, timeout)
	switch answer {
	case model.Ok:
		res.Status = properties.Held
	case model.Unknown:
		res.Status, res.Reason = properties.Inconclusive, fmt.Sprintf("porcupine gave no answer within %v", timeout)
	default:
		res.Status = properties.Violated
		for _, i := range model.Violations(ops, info) {
			op := ops[i]
			res.Violations = append(res.Violations, properties.Violation{Kind: "not linearizable",
				Tasks: []string{op.Client}, Processes: []string{op.Process}, Offset: -1, Step: int(op.Call),
				Detail: op.String()})
		}
		if len(res.Violations) == 0 {
			res.Violations = append(res.Violations, properties.Violation{Kind: "not linearizable", Offset: -1,
				Detail: "no linearization of the kv operations exists"})
		}
	}
	return res
}

// History returns the run's autocommit kv operations as the model judges
// them: the seeded initial values, then the recorded operations.
func History(r *scenario.Run) []model.Op {
	initial := map[string]int64{app.SettingsKey: 0}
	for i := range r.Scenario.Workload.Keys {
		initial[fmt.Sprintf("k%d", i)] = 0
	}
	return append(model.Initial(initial), model.FromApp(r.Ops())...)
}

// hungTasks is violated by a task hung at the virtual deadline, a
// deadlock of non-daemon tasks, or a worker killed for silence.
func hungTasks(r *scenario.Run, _ Options) properties.Result {
	res := properties.Result{Property: HungTasks}
	for _, h := range r.Hangs() {
		res.Violations = append(res.Violations, properties.Violation{Kind: "hung", Offset: -1, Detail: h})
	}
	if len(res.Violations) > 0 {
		res.Status = properties.Violated
	}
	return res
}

// symptomText is violated when text reaches the application.
func symptomText(r *scenario.Run, text string) properties.Result {
	res := properties.Result{Property: SymptomProperty(text)}
	add := func(task, where, msg string, step int) {
		if strings.Contains(msg, text) {
			res.Violations = append(res.Violations, properties.Violation{Kind: "symptom text", Tasks: nonEmpty(task),
				Offset: -1, Step: step, Detail: where + ": " + msg})
		}
	}
	for _, op := range r.Recorder.Ops {
		add(op.Task, "operation", op.Err, op.ReturnStep)
	}
	for _, rq := range r.Recorder.Requests {
		add(rq.Client, "request", rq.Err, rq.RepliedStep)
	}
	for _, l := range r.Log.Lines {
		add(l.Task, "log", l.Text, 0)
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
