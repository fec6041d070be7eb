package app

import (
	"testing"

	"github.com/poolsim/poolsim/sim"
)

// dependence watches every run decision for two options whose pending
// operations write the same declared object, and asks sim.Dependent
// about them. It always switches to the last option, so that both tasks
// reach their accesses.
type dependence struct {
	pairs, dependent int
}

func (d *dependence) Choose(dec sim.Decision) int {
	if dec.Kind != sim.RunDecision {
		return 0
	}
	for i := 0; i < dec.N; i++ {
		for j := i + 1; j < dec.N; j++ {
			a, b := dec.Op(i), dec.Op(j)
			ia, oka := a.Object()
			ib, okb := b.Object()
			if a.Access != sim.AccMemWrite || b.Access != sim.AccMemWrite || !oka || !okb || ia != ib {
				continue
			}
			d.pairs++
			if sim.Dependent(a, b) {
				d.dependent++
			}
		}
	}
	return dec.N - 1
}

// TestRecorderOrdersKVCallsAndReturns: the call and the return of an
// autocommit kv operation are each one access to the recorder's history
// object, so the same records of tasks in two processes are dependent
// for a search; transactional statements and commits declare nothing.
func TestRecorderOrdersKVCallsAndReturns(t *testing.T) {
	d := &dependence{}
	w := sim.New(d, sim.KeepEvents(true))
	rec := NewRecorder(w)
	for _, name := range []string{"p1", "p2"} {
		w.NewProcess(name).Go("t", func() {
			op := rec.Call(0, -1, Statement{Kind: OpRead, Key: "k0"}, true)
			rec.Return(op, nil, 0, nil)
			op = rec.Call(0, 0, Statement{Kind: OpWrite, Key: "k0"}, false)
			rec.Return(op, nil, 1, nil)
			op = rec.Call(0, 0, Statement{Kind: OpCommit}, false)
			rec.Return(op, nil, -1, nil)
		})
	}
	if o := w.Run(); o.Kind != sim.Completed {
		t.Fatal(o)
	}
	accesses := map[int]int{}
	for _, e := range w.Trace().Events() {
		if e.Kind == sim.EvAccess {
			if id, _ := e.Object(); id == rec.history.ID() {
				accesses[e.Step]++
			}
		}
	}
	if len(accesses) != 4 {
		t.Errorf("%d steps accessed the history, want the call and the return of each task's read", len(accesses))
	}
	for _, op := range rec.Ops {
		if op.Autocommit && (op.CallStep == 0 || accesses[op.CallStep] == 0 || accesses[op.ReturnStep] == 0 || op.CallStep >= op.ReturnStep) {
			t.Errorf("%v: its call and return are not the steps of its accesses", op)
		}
	}
	if d.pairs == 0 || d.dependent != d.pairs {
		t.Errorf("%d of %d pending pairs of history accesses dependent, want all and at least one", d.dependent, d.pairs)
	}
}
