package sim

import (
	"fmt"
	"testing"
)

// chosenTasks wraps a strategy and records the task each run decision
// picks.
type chosenTasks struct {
	inner Strategy
	got   []*Task
}

func (c *chosenTasks) Choose(d Decision) int {
	i := c.inner.Choose(d)
	if d.Kind == RunDecision {
		c.got = append(c.got, d.Task(i))
	}
	return i
}

// TestPCTChangePointFallsOnItsDecision: with depth 2 PCT has one change
// point, at run decision k; two tasks that only yield run as "highest
// priority first", so the first switch between them must happen exactly
// at decision k (applied eagerly, to the task that would run then).
func TestPCTChangePointFallsOnItsDecision(t *testing.T) {
	for seed := range uint64(30) {
		p := PCT(seed, 2)
		p.Horizon = 8
		rec := &chosenTasks{inner: p}
		w := New(rec)
		for i := range 2 {
			w.Go(fmt.Sprintf("t%d", i), func() {
				for range 10 {
					w.Yield()
				}
			})
		}
		if o := w.Run(); o.Kind != Completed {
			t.Fatal(o)
		}
		k := p.changes[0]
		first := 0
		for first < len(rec.got) && rec.got[first] == rec.got[0] {
			first++
		}
		var demoted *Task
		for _, tk := range w.Tasks() {
			if p.prio[tk] == 1 {
				demoted = tk
			}
		}
		if demoted == nil || rec.got[k-1] == demoted {
			t.Fatalf("seed %d: the task chosen at the change point (%d) is the demoted one", seed, k)
		}
		if k > 1 && first+1 != k {
			t.Fatalf("seed %d: change point at run decision %d, first switch at %d (%v)", seed, k, first+1, rec.got)
		}
		if p.RunDecisions() != len(rec.got) {
			t.Fatalf("seed %d: PCT counted %d run decisions, the run took %d", seed, p.RunDecisions(), len(rec.got))
		}
	}
}
