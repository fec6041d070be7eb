package verdict

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/poolsim/poolsim/app"
	"github.com/poolsim/poolsim/model"
	"github.com/poolsim/poolsim/properties"
	"github.com/poolsim/poolsim/scenario"
)

// NotLinearizable is the kind of a linearizability violation: an
// operation no linearization of its key's operations reaches.
const NotLinearizable = "not linearizable"

// kv is the porcupine model of the kv table.
var kv = model.KV()

// linearizability checks the run's autocommit kv operations (History, or
// Options.History) after the run. A key whose operations never overlap in
// real time has one order to check, which is checked here, step by step;
// only keys with concurrent operations go to porcupine. A porcupine check
// that times out is inconclusive, never held.
func linearizability(r *scenario.Run, opts Options) properties.Result {
	res := properties.Result{Property: Linearizability}
	if opts.SkipLinearizability {
		res.Status, res.Reason = properties.Inconclusive, "not checked (skipped)"
		return res
	}
	history := History
	if opts.History != nil {
		history = opts.History
	}
	ops := history(r)
	timeout := opts.PorcupineTimeout
	if timeout == 0 {
		timeout = DefaultPorcupineTimeout
	}
	bad, unknown := checkOps(ops, timeout)
	for _, i := range bad {
		op := ops[i]
		res.Violations = append(res.Violations, properties.Violation{Kind: NotLinearizable,
			Tasks: []string{op.Client}, Processes: []string{op.Process}, Offset: -1, Step: max(0, int(op.Call)),
			Detail: op.String()})
	}
	if unknown {
		res.Reason = fmt.Sprintf("porcupine gave no answer within %v", timeout)
	}
	switch {
	case len(res.Violations) > 0:
		res.Status = properties.Violated
	case unknown:
		res.Status = properties.Inconclusive
	default:
		res.Status = properties.Held
	}
	return res
}

// checkOps returns the indexes in ops of the operations no linearization
// reaches, in order, and whether porcupine timed out on some key.
func checkOps(ops []model.Op, timeout time.Duration) (bad []int, unknown bool) {
	h := model.History(ops)
	var concurrent []int // the operations of keys porcupine must judge
	for _, idx := range byKey(ops) {
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(ops[a].Call, ops[b].Call) })
		if !sequential(ops, idx) {
			concurrent = append(concurrent, idx...)
			continue
		}
		if i, ok := replay(h, idx); !ok {
			bad = append(bad, i)
		}
	}
	if len(concurrent) > 0 {
		slices.Sort(concurrent)
		sub := make([]model.Op, len(concurrent))
		for i, j := range concurrent {
			sub[i] = ops[j]
		}
		switch porcupine.CheckOperationsTimeout(kv, model.History(sub), timeout) {
		case porcupine.Unknown:
			unknown = true
		case porcupine.Illegal:
			// again, verbose, for the operations no partial
			// linearization reaches
			answer, info := model.Check(sub, timeout)
			if answer == model.Unknown {
				unknown = true
			}
			found := model.Violations(sub, info)
			for _, i := range found {
				bad = append(bad, concurrent[i])
			}
			if len(found) == 0 && answer == model.Illegal {
				bad = append(bad, concurrent[0])
			}
		}
	}
	slices.Sort(bad)
	return bad, unknown
}

// byKey returns the indexes of ops grouped by key, keys in order of first
// appearance, each group in order.
func byKey(ops []model.Op) [][]int {
	group := map[string]int{} // lookup only
	var out [][]int
	for i, op := range ops {
		g, ok := group[op.Key]
		if !ok {
			g = len(out)
			group[op.Key] = g
			out = append(out, nil)
		}
		out[g] = append(out[g], i)
	}
	return out
}

// sequential reports whether the operations idx of ops, in call order,
// never overlap in real time: each returned before the next was called
// (an operation of unknown outcome never returns).
func sequential(ops []model.Op, idx []int) bool {
	for k := 1; k < len(idx); k++ {
		prev := ops[idx[k-1]]
		if prev.Unknown() || prev.Return >= ops[idx[k]].Call {
			return false
		}
	}
	return true
}

// replay steps the model through the operations idx of the history h in
// order and returns the first one no state explains, with false, or true
// when every step is legal.
func replay(h []porcupine.Operation, idx []int) (int, bool) {
	state := kv.Init()
	for _, i := range idx {
		ok, next := kv.Step(state, h[i].Input, h[i].Output)
		if !ok {
			return i, false
		}
		state = next
	}
	return 0, true
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
